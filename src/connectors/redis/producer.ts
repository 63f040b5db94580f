import { Producer } from '../../stage/producer.js';
import { GenStage } from '../../io/gen-stage.js';
import type { Stage } from '../../stage/handle.js';
import type { StartOptions } from '../../stage/types.js';
import { getLogger } from '../../runtime/logger.js';
import { show } from '../../runtime/validate.js';
import { Acker } from './acker.js';
import { closeConnection, command, delay, isConnectionError, openConnection, type RedisClient } from './connection.js';
import { removeConsumerIfSettled } from './consumers.js';
import { isNormalReason } from '../../runtime/reason.js';
import { moveToDeadLetter, type DeadLetterEntry } from './dead-letter.js';
import { StreamEntry, type RedisStreamEvent } from './event.js';
import { checkProducerOptions, type Checked, type RedisStreamProducerOptions } from './producer-options.js';
import { maxId, parseEntryList, parseStreams, type RawEntries } from './replies.js';

/** A batch read by the loop, handed to the stage in its own mailbox. */
class Delivery {
  constructor(readonly events: StreamEntry[]) {}
}
class ReadFailed {
  constructor(readonly error: unknown) {}
}

/**
 * A producer of the entries of a Redis stream, read through a consumer group.
 *
 * It reads with `XREADGROUP ... COUNT <demand>`: exactly as many entries as its
 * consumers asked for, no more, so a slow pipeline leaves the rest in Redis for the
 * group's other consumers. While the stream is idle one read blocks (up to
 * `blockMs`) on a connection of its own; acknowledgements and claims go through a
 * second one. Several producers with the same `group` (in this process or in
 * others, on other machines) share the stream: each entry goes to one of them.
 *
 * Nothing is lost to a crash: an entry stays in the group's pending list until it is
 * acknowledged (see `RedisStreamEvent.ack`). On start, and after a reconnection, it
 * first delivers its own pending entries again (those its pipeline no longer
 * holds); every `claimIntervalMs` it claims (`XAUTOCLAIM`) entries any consumer left
 * pending longer than `claimIdleMs`; an entry delivered `maxDeliveries` times goes
 * to the dead-letter stream. Delivery is at least once: make processing idempotent,
 * or commit state and acknowledgement together (see `RedisCheckpoint`).
 *
 * When Redis goes away it waits and reconnects (node-redis retries forever); a
 * command that is wrong (the key holds another type) stops the stage with the error.
 * Stopping the stage flushes queued acks and closes both connections. A clean stop
 * (`'normal'`, `'shutdown'`) with nothing pending also removes this consumer from the
 * group (`XGROUP DELCONSUMER`), so restarts under the default name `<hostname>-<pid>`
 * do not pile up dead consumers; consumers of killed processes are removed by
 * `reapIdleConsumers`.
 *
 * ## Example
 * ```ts
 * const jobs = await redisStreamProducer({ stream: 'jobs', group: 'workers', consumer: 'w1' });
 * await GenStage.start(new StreamConsumer(async (events) => { for (const e of events) await work(e.fields); }),
 *   { subscribeTo: [{ to: jobs, maxDemand: 500 }] });
 * ```
 */
export class RedisStreamProducer extends Producer<RedisStreamEvent> {
  /** The checked options. */
  readonly options: Readonly<Checked>;
  private reader: RedisClient | undefined;
  private commands: RedisClient | undefined;
  private acker: Acker | undefined;
  /** Demand received and not yet met. */
  private demand = 0;
  private looping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly signal = { stopped: false, wake: undefined as (() => void) | undefined };
  /** Own pending entries are read again (from this cursor) before new ones. */
  private historyCursor: string | undefined = '0';
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private failures = 0;

  constructor(options: RedisStreamProducerOptions) {
    super();
    this.options = checkProducerOptions(options);
  }

  /** Entries delivered and neither acked nor failed yet. */
  get inFlight(): number {
    return this.acker?.inFlight.size ?? 0;
  }

  /** Acknowledgement counts: ids Redis removed from the pending list, and ids acked that were no longer pending. */
  get acks(): { confirmed: number; redundant: number } {
    return { confirmed: this.acker?.confirmed ?? 0, redundant: this.acker?.redundant ?? 0 };
  }

  override async init(): Promise<void> {
    const owner = this.logName();
    this.commands = await openConnection(owner, this.options.redis);
    try {
      this.reader = await openConnection(owner, this.options.redis);
      await this.createGroup();
    } catch (error) {
      closeConnection(this.reader);
      closeConnection(this.commands);
      throw error;
    }
    this.acker = new Acker(this.commands, this.options.stream, this.options.group, this.options.ackBatchSize, owner);
    this.nextClaimAt = Date.now() + this.options.claimIntervalMs;
  }

  handleDemand(demand: number): RedisStreamEvent[] {
    this.demand += demand;
    if (!this.looping) {
      this.looping = true;
      this.loopDone = this.readLoop();
    }
    return [];
  }

  override handleInfo(message: unknown): RedisStreamEvent[] | undefined {
    if (message instanceof Delivery) return message.events;
    if (message instanceof ReadFailed) throw message.error;
    return undefined;
  }

  override async terminate(reason: unknown): Promise<void> {
    this.signal.stopped = true;
    this.signal.wake?.();
    closeConnection(this.reader);
    await this.loopDone.catch(() => undefined);
    const acker = this.acker;
    if (acker !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.options.closeTimeoutMs)));
      const flushed = await Promise.race([acker.flush().then(() => true), timeout]);
      acker.close();
      // A clean stop leaves no consumer behind in the group when it holds nothing
      // (under the default name, every restart would otherwise add one).
      if (flushed && isNormalReason(reason) && acker.inFlight.size === 0) {
        await Promise.race([this.removeConsumer(), timeout]);
      }
      clearTimeout(timer);
    }
    closeConnection(this.commands);
  }

  private async removeConsumer(): Promise<void> {
    const { stream, group, consumer } = this.options;
    try {
      await removeConsumerIfSettled(this.commands!, stream, group, consumer);
    } catch (error) {
      getLogger().warn(`${this.logName()}: could not remove the consumer from its group on stop (${show(error)}); reapIdleConsumers removes it later`);
    }
  }

  /**
   * Creates the group (and the stream) unless it exists. A server that is still loading
   * its dataset (`LOADING`, right after a restart) or otherwise unreachable is waited
   * out, as a refused connection is: retried after 50 ms, 100 ms... up to 1 s, until
   * the stage stops. A warning is logged once per wait.
   */
  private async createGroup(): Promise<void> {
    const { stream, group, startId } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await command(this.commands!, ['XGROUP', 'CREATE', stream, group, startId, 'MKSTREAM']);
        return;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('BUSYGROUP')) return;
        if (this.signal.stopped || !isConnectionError(error)) throw error;
        if (attempt === 1) getLogger().warn(`${this.logName()}: XGROUP CREATE failed, retrying until Redis answers (${show(error)})`);
        await delay(Math.min(50 * attempt, 1000), this.signal);
      }
    }
  }

  private logName(): string {
    return `redisStreamProducer(${this.options.stream}/${this.options.group}/${this.options.consumer})`;
  }

  /** Reads while there is demand; one command at a time. Runs outside the stage and posts what it reads to it. */
  private async readLoop(): Promise<void> {
    try {
      while (!this.signal.stopped && this.demand > 0) {
        const count = Math.min(this.demand, this.options.maxCount);
        let events: StreamEntry[];
        try {
          if (this.historyCursor !== undefined) events = await this.readHistory(count);
          else if (Date.now() >= this.nextClaimAt) events = await this.claim(count);
          else events = await this.readNew(count);
          this.failures = 0;
        } catch (error) {
          if (this.signal.stopped) return;
          if (error instanceof Error && /^(NOGROUP|UNBLOCKED)/.test(error.message)) {
            // The stream or the group vanished (deleted, or a server restarted without persistence).
            await this.createGroup();
            continue;
          }
          if (!isConnectionError(error)) throw error;
          this.historyCursor = '0';
          this.failures++;
          await delay(Math.min(50 * this.failures, 1000), this.signal);
          continue;
        }
        if (events.length > 0 && !this.signal.stopped) {
          this.demand -= events.length;
          this.self.send(new Delivery(events));
        }
      }
    } catch (error) {
      if (!this.signal.stopped) this.self.send(new ReadFailed(error));
    } finally {
      this.looping = false;
    }
  }

  private async readNew(count: number): Promise<StreamEntry[]> {
    const { stream, group, consumer, blockMs } = this.options;
    const block = Math.max(1, Math.min(blockMs, this.nextClaimAt - Date.now()));
    const reply = await command(this.reader!, [
      'XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(count), 'BLOCK', String(block), 'STREAMS', stream, '>',
    ]);
    const raw = parseStreams(reply);
    const acker = this.acker!;
    const events = new Array<StreamEntry>(raw.entries.length);
    for (let i = 0; i < raw.entries.length; i++) {
      const e = raw.entries[i]!;
      acker.delivered(e.id);
      events[i] = new StreamEntry(stream, e.id, e.fields, 1, acker);
    }
    return events;
  }

  /** This consumer's own pending entries (after a restart or a reconnection), minus those its pipeline still holds. */
  private async readHistory(count: number): Promise<StreamEntry[]> {
    const { stream, group, consumer } = this.options;
    const reply = await command(this.reader!, [
      'XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(count), 'STREAMS', stream, this.historyCursor!,
    ]);
    const raw = parseStreams(reply);
    const last = raw.entries.length > 0 ? raw.entries[raw.entries.length - 1]!.id : undefined;
    const lastDeleted = raw.deleted.length > 0 ? raw.deleted[raw.deleted.length - 1] : undefined;
    if (last === undefined && lastDeleted === undefined) {
      this.historyCursor = undefined;
      return [];
    }
    this.historyCursor = maxId(last, lastDeleted);
    return this.prepare(raw);
  }

  private async claim(count: number): Promise<StreamEntry[]> {
    const { stream, group, consumer, claimIdleMs, claimIntervalMs } = this.options;
    const reply = await command(this.commands!, [
      'XAUTOCLAIM', stream, group, consumer, String(claimIdleMs), this.claimCursor, 'COUNT', String(count),
    ]);
    const raw: RawEntries = { entries: [], deleted: [] };
    if (Array.isArray(reply)) {
      this.claimCursor = String(reply[0]);
      parseEntryList(reply[1] ?? null, raw);
      if (Array.isArray(reply[2])) for (const id of reply[2]) raw.deleted.push(String(id));
    }
    // A full pass ends with cursor 0-0: wait for the next interval; otherwise go on at once.
    this.nextClaimAt = this.claimCursor === '0-0' ? Date.now() + claimIntervalMs : 0;
    return this.prepare(raw);
  }

  /**
   * Entries delivered before (history, claims): skips those still in this pipeline,
   * looks up their delivery counts, and dead-letters those over `maxDeliveries`.
   */
  private async prepare(raw: RawEntries): Promise<StreamEntry[]> {
    const acker = this.acker!;
    const { stream, group, consumer, maxDeliveries, deadLetterStream } = this.options;
    // Deleted entries (trimmed from the stream) cannot be processed: acknowledge them away.
    for (const id of raw.deleted) {
      if (acker.inFlight.has(id)) continue;
      acker.delivered(id);
      acker.ack(id);
    }
    const fresh = raw.entries.filter((e) => !acker.inFlight.has(e.id));
    if (fresh.length === 0) return [];
    const counts = new Map<string, number>();
    const reply = await command(this.commands!, [
      'XPENDING', stream, group, fresh[0]!.id, fresh[fresh.length - 1]!.id, String(fresh.length + acker.inFlight.size), consumer,
    ]);
    if (Array.isArray(reply)) {
      for (const row of reply) if (Array.isArray(row)) counts.set(String(row[0]), Number(row[3]));
    }
    const events: StreamEntry[] = [];
    const dead: DeadLetterEntry[] = [];
    for (const e of fresh) {
      if (acker.inFlight.has(e.id)) continue;
      const deliveries = counts.get(e.id) ?? 1;
      if (deliveries > maxDeliveries) {
        dead.push({ id: e.id, fields: e.fields, deliveries: deliveries - 1 });
        continue;
      }
      acker.delivered(e.id);
      events.push(new StreamEntry(stream, e.id, e.fields, deliveries, acker));
    }
    if (dead.length > 0) {
      await moveToDeadLetter(this.commands!, stream, group, deadLetterStream, dead);
      getLogger().warn(`redisStreamProducer(${stream}/${group}): moved ${dead.length} entries delivered ${maxDeliveries} times to ${deadLetterStream}`);
    }
    return events;
  }
}

/**
 * Starts a `RedisStreamProducer` (see there) and resolves with its stage once it is
 * connected and the group exists. Options are checked here: a missing `stream` or
 * `group`, or a count that is not a positive integer, throws a `TypeError` or
 * `RangeError` naming it, before anything connects.
 *
 * ## Example
 * ```ts
 * const jobs = await redisStreamProducer({ stream: 'jobs', group: 'workers', consumer: `w-${process.pid}` });
 * for await (const event of GenStage.stream([jobs])) { await work(event.fields); event.ack(); }
 * ```
 *
 * @param options the stream, group, consumer and tuning (see `RedisStreamProducerOptions`).
 * @param startOptions `GenStage.start` options for the producer (`dispatcher`, `bufferSize`, `name`).
 * @returns the running producer stage.
 */
export function redisStreamProducer(
  options: RedisStreamProducerOptions,
  startOptions: Omit<StartOptions<RedisStreamEvent>, 'subscribeTo'> = {},
): Promise<Stage<RedisStreamEvent>> {
  return GenStage.start(new RedisStreamProducer(options), startOptions);
}
