import { Deque } from '../../runtime/deque.js';
import { expectInteger, expectKnownKeys, expectObject } from '../../runtime/validate.js';
import type { Subscription } from '../../stage/subscription.js';
import { DEFAULT_MAX_DEMAND, newLayer, type Head, type HeadHost, type HeadSpec } from '../plan.js';
import type { FlowOperator } from '../flow.js';
import { checkFlow, withLayer } from '../extend.js';

export interface RateLimitOptions {
  /** Events let through per interval. */
  allowed: number;
  /** The interval in ms (on the flow's clock). */
  interval: number;
}

const TICK = Symbol('rateLimit tick');

function rateLimitHead(allowed: number, interval: number): HeadSpec {
  const askSize = Math.min(allowed, DEFAULT_MAX_DEMAND);
  return {
    name: 'rateLimit',
    create(host: HeadHost): Head {
      const outstanding = new Map<Subscription, number>();
      const held = new Deque<unknown>();
      let tokens = allowed;
      let armed = false;
      const arm = (): void => {
        if (armed) return;
        armed = true;
        host.sendAfter(TICK, interval);
      };
      const pump = (): void => {
        if (held.length >= allowed) return;
        for (const [sub, n] of outstanding) {
          if (n > 0) continue;
          outstanding.set(sub, askSize);
          host.ask(sub, askSize);
        }
      };
      const release = (): unknown[] => {
        const room = Math.max(0, allowed - host.bufferedCount());
        const n = Math.min(tokens, held.length, room);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = held.shift();
        tokens -= n;
        if (tokens < allowed || held.length > 0) arm();
        pump();
        return out;
      };
      return {
        manual: true,
        onSubscribe(from) {
          outstanding.set(from, 0);
          pump();
        },
        onCancel(from) {
          outstanding.delete(from);
        },
        input(events, from) {
          const n = outstanding.get(from);
          if (n !== undefined) outstanding.set(from, n - events.length);
          held.pushAll(events);
          return release();
        },
        onInfo() {
          armed = false;
          tokens = allowed;
          return release();
        },
        pending: () => held.length > 0,
        flush: () => undefined,
      };
    },
  };
}

/**
 * Lets at most `allowed` events through per `interval` ms, by shaping demand: it
 * asks its producers only for what it may let through, so upstream slows down and
 * nothing is dropped.
 *
 * Runs in a new single stage (one limit for the whole flow). The interval runs on
 * the flow's clock (a `VirtualClock` in tests); the flow ends once every held event
 * has gone out.
 *
 * ## Example
 * ```ts
 * await Flow.from(urls).pipe(rateLimit({ allowed: 10, interval: 1000 }), map(fetchText)).run(); // 10 per second
 * ```
 * @param options `allowed`, `interval`.
 * @returns an operator for `pipe`.
 */
export function rateLimit<T>(options: RateLimitOptions): FlowOperator<T, T> {
  const o = expectObject('rateLimit options', options);
  expectKnownKeys('rateLimit options', o, ['allowed', 'interval']);
  const allowed = expectInteger('allowed', o.allowed, 1);
  const interval = expectInteger('interval', o.interval, 1);
  const head = rateLimitHead(allowed, interval);
  return (flow) => {
    checkFlow(flow);
    return withLayer(flow, newLayer('rateLimit', { head }));
  };
}
