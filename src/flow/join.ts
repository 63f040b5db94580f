import { typeError } from '../runtime/errors.js';
import { defaultHash } from '../dispatchers/hash.js';
import { expectFunction, expectOneOf } from '../runtime/validate.js';
import type { Subscription } from '../stage/subscription.js';
import { newLayer, type Head, type HeadSpec, type Plan, type ReducerSpec, type Routing } from './plan.js';
import { checkLayerOptions, type LayerOptions } from './routing.js';
import { checkWindow, type Window } from './window.js';

/** Which unmatched events a join also emits (with `null` for the missing side). */
export type JoinMode = 'inner' | 'leftOuter' | 'rightOuter' | 'fullOuter';

/**
 * The `join` function of `Flow.boundedJoin` and `Flow.windowJoin` in mode `M`: in
 * `'inner'` both sides are there; in `'leftOuter'` the right one may be `null`, in
 * `'rightOuter'` the left one, in `'fullOuter'` (or a mode only known at run time,
 * typed `JoinMode`) either.
 */
export type JoinFunction<M extends JoinMode, L, R, O> = (
  left: M extends 'inner' | 'leftOuter' ? L : L | null,
  right: M extends 'inner' | 'rightOuter' ? R : R | null,
) => O;

const MODES = ['inner', 'leftOuter', 'rightOuter', 'fullOuter'] as const;

/** An event with the side it came from. */
class Sided {
  constructor(readonly left: boolean, readonly value: unknown) {}
}

interface Row {
  readonly value: unknown;
  matched: boolean;
}

interface JoinState {
  readonly left: Map<unknown, Row[]>;
  readonly right: Map<unknown, Row[]>;
}

const sideHead: HeadSpec = {
  name: 'join',
  create(): Head {
    return {
      input(events: unknown[], from: Subscription): unknown[] {
        const left = from.options.side === 'left';
        const out = new Array<unknown>(events.length);
        for (let i = 0; i < events.length; i++) out[i] = new Sided(left, events[i]);
        return out;
      },
      flush: () => undefined,
    };
  },
};

/**
 * The plan of a join: both sides are routed by key into the join's stages; each
 * stage keeps, per window, every row of both sides by key. A new row is joined at
 * once with the other side's rows of its key; at the window's `'done'`, outer modes
 * emit the rows that never matched.
 * @internal
 */
export function joinPlan(
  where: string,
  mode: JoinMode,
  left: Plan,
  right: Plan,
  window: Window<unknown>,
  leftKey: (event: never) => unknown,
  rightKey: (event: never) => unknown,
  join: (left: never, right: never) => unknown,
  options: LayerOptions,
): Plan {
  expectOneOf('mode', mode, MODES);
  checkWindow(window);
  expectFunction('leftKey', leftKey);
  expectFunction('rightKey', rightKey);
  expectFunction('join', join);
  const o = checkLayerOptions(where, options);
  if (o.window !== undefined) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `${where}: give the window as an argument, not as an option`);
  const lk = leftKey as (event: unknown) => unknown;
  const rk = rightKey as (event: unknown) => unknown;
  const j = join as (l: unknown, r: unknown) => unknown;
  const stages = o.stages;
  const route = (key: (event: unknown) => unknown): Routing => ({ kind: 'key', index: (event) => defaultHash(key(event)) % stages });
  const emitLeft = mode === 'leftOuter' || mode === 'fullOuter';
  const emitRight = mode === 'rightOuter' || mode === 'fullOuter';

  const reducer: ReducerSpec = {
    name: where,
    init: (): JoinState => ({ left: new Map(), right: new Map() }),
    step: undefined,
    emitStep: (event, acc) => {
      const state = acc as JoinState;
      const { left: isLeft, value } = event as Sided;
      const key = isLeft ? lk(value) : rk(value);
      const row: Row = { value, matched: false };
      const mine = isLeft ? state.left : state.right;
      const rows = mine.get(key);
      if (rows === undefined) mine.set(key, [row]);
      else rows.push(row);
      const others = (isLeft ? state.right : state.left).get(key);
      if (others === undefined) return [[], acc];
      const out = new Array<unknown>(others.length);
      for (let i = 0; i < others.length; i++) {
        const other = others[i] as Row;
        other.matched = true;
        out[i] = isLeft ? j(value, other.value) : j(other.value, value);
      }
      row.matched = true;
      return [out, acc];
    },
  };

  const onTrigger = (acc: unknown, _partition: unknown, info: { trigger: unknown }): readonly [unknown[], unknown] => {
    if (info.trigger !== 'done') return [[], acc];
    const state = acc as JoinState;
    const out: unknown[] = [];
    if (emitLeft) for (const rows of state.left.values()) for (const r of rows) if (!r.matched) out.push(j(r.value, null));
    if (emitRight) for (const rows of state.right.values()) for (const r of rows) if (!r.matched) out.push(j(null, r.value));
    return [out, acc];
  };

  return {
    source: {
      kind: 'flows',
      inputs: [
        { plan: left, routing: route(lk), side: 'left' },
        { plan: right, routing: route(rk), side: 'right' },
      ],
    },
    layers: [
      newLayer('join', {
        stages,
        maxDemand: o.maxDemand,
        minDemand: o.minDemand,
        window: window.mapEvents((e: Sided) => e.value) as Window<unknown>,
        head: sideHead,
        reducer,
        onTrigger,
      }),
    ],
    clock: undefined,
  };
}
