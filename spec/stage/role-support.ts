/**
 * A stage's role objects (ProducerSide, ConsumerSide, PcQueue, StageCalls) driven by
 * hand, with no process behind them: a `FakeCore` stands for the stage they belong to,
 * `peer()` for the stage at the other end of a subscription. Every message is recorded
 * as a readable row (`['ask', 'a', 10]`), so a spec states each transition exactly.
 */
import * as M from '../../src/stage/messages.js';
import { Subscription } from '../../src/stage/subscription.js';
import type { StageProcess } from '../../src/stage/stage-process.js';
import type { AnyCallbacks, StageCore } from '../../src/stage/role.js';
import type { ProducerSide } from '../../src/stage/producer-side.js';
import type { Stage } from '../../src/stage/handle.js';
import type { CancelMode } from '../../src/stage/types.js';

const KINDS: Record<number, string> = {
  [M.SUBSCRIBE_TO]: 'subscribeTo', [M.P_SUBSCRIBE]: 'subscribe', [M.P_ASK]: 'ask', [M.P_CANCEL]: 'producerCancel',
  [M.C_EVENTS]: 'events', [M.C_CANCEL]: 'consumerCancel', [M.CALL]: 'call', [M.CAST]: 'cast', [M.INFO]: 'info',
  [M.BUFFERED_INFO]: 'bufferedInfo', [M.STOP]: 'stop', [M.DEMAND]: 'demand', [M.QUERY]: 'query', [M.EXIT]: 'exit',
};

/** Names given to subscriptions by `link`, used in the rows. */
const names = new WeakMap<object, string>();

/** A message as a row: its kind, then its payload (a subscription as the name `link` gave it). */
export function row(m: M.Message): unknown[] {
  const show = (v: unknown): unknown => (v instanceof Subscription ? (names.get(v) ?? `#${v.tag}`) : v);
  const out: unknown[] = [KINDS[m.kind], show(m.a)];
  if (m.b !== undefined) out.push(typeof m.b === 'function' ? 'fn' : show(m.b));
  if (m.c !== undefined) out.push(typeof m.c === 'function' ? 'fn' : m.c);
  return out;
}

/** The stage at the other end of a subscription: it records what it is sent. */
export interface Peer {
  readonly name: string;
  readonly log: unknown[][];
}

export function peer(name: string, impl: object = {}): Peer {
  const log: unknown[][] = [];
  return { name, log, post: (m: M.Message) => log.push(row(m)), describe: () => name, handle: {}, impl } as Peer;
}

/** The stage under test, without a process: what its role objects ask of it is recorded. */
export class FakeCore implements StageCore {
  readonly handle = {} as Stage<unknown>;
  callback = 'init';
  stopping = false;
  /** What the stage posted to its own mailbox. */
  readonly posted: unknown[][] = [];
  /** Its mailbox as `peekMail` sees it (the asks a coalescing dispatcher takes). */
  readonly mail: M.Message[] = [];
  readonly exits: unknown[] = [];
  /** [callback, events] of every emit. */
  readonly emitted: unknown[][] = [];
  readonly placed: unknown[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  /** Set when the spec composes a producer side: emit and placeInfo go through it, as in StageProcess. */
  producer: ProducerSide | undefined = undefined;

  readonly impl: AnyCallbacks;

  /** `impl`: the callbacks the roles call (handleDemand, handleEvents, handleCancel...), as a plain object. */
  constructor(
    readonly name: string,
    impl: object,
  ) {
    this.impl = impl as AnyCallbacks;
  }

  describe(): string {
    return this.name;
  }
  post(m: M.Message): void {
    this.posted.push(row(m));
  }
  peekMail(): M.Message | undefined {
    return this.mail[0];
  }
  skipMail(): void {
    this.mail.shift();
  }
  requestExit(reason: unknown): void {
    this.exits.push(reason);
    this.stopping = true;
  }
  emit(events: unknown, callback: string): void {
    if (events === undefined || (Array.isArray(events) && events.length === 0)) return;
    this.emitted.push([callback, events]);
    this.producer?.dispatch(events as unknown[]);
  }
  emitAfter(result: unknown): unknown {
    this.emit(result, 'callback');
    return undefined;
  }
  invokeOptional(name: 'handleCast' | 'handleInfo' | 'handleCancel', arg: unknown, sub?: Subscription): unknown {
    this.callback = name;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with this.impl as `this`
    const fn = this.impl[name] as ((a: unknown, b?: unknown) => unknown) | undefined;
    return typeof fn === 'function' ? fn.call(this.impl, arg, sub) : undefined;
  }
  placeInfo(message: unknown): void {
    this.placed.push(message);
    this.producer?.placeInfo(message);
  }
  warn(message: string): void {
    this.warnings.push(message);
  }
  error(message: string): void {
    this.errors.push(message);
  }
}

export interface LinkOptions {
  maxDemand?: number;
  minDemand?: number;
  cancel?: CancelMode;
  options?: Record<string, unknown>;
}

/** A subscription named `name` between two ends (a FakeCore or a peer). */
export function link(name: string, producer: object, consumer: object, o: LinkOptions = {}): Subscription {
  const max = o.maxDemand ?? 10;
  const sub = new Subscription(producer as StageProcess, consumer as StageProcess, max, o.minDemand ?? Math.floor(max * 0.75), o.cancel ?? 'permanent', o.options ?? {});
  names.set(sub, name);
  return sub;
}

/** 0, 1, ... n - 1 from `from`. */
export function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}
