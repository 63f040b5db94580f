/**
 * Type tests of the Flow signatures users write against: checked by `tsc` in `npm run
 * typecheck`, never run. An `expectType` that does not hold, or a `@ts-expect-error`
 * line that compiles, fails the typecheck.
 */
import { from as rxFrom, interval, of, Subject, type Observable } from 'rxjs';
import {
  Flow, Stage, GenStage, departition, filter, flatMap, groupBy, map, onTrigger, partition, reduce, reject, tap, countByKey,
  workerStage, Window, type AccumulatorEvents, type JoinMode, type ReducedFlow, type WorkerStage,
} from '../../src/index.js';
import { expectType } from './assert.js';

declare const numbers: Flow<number>;
declare const words: Flow<string>;
declare const stage: Stage<number>;

// pipe: inference through every step, however many operators.
expectType<Flow<string>>()(numbers.pipe(map((n) => n + 1), map((n) => n * 2), map((n) => `${n}`)));
expectType<Flow<number>>()(
  numbers.pipe(
    map((n) => n + 1), map((n) => n + 1), map((n) => n + 1), map((n) => n + 1), map((n) => n + 1), map((n) => n + 1),
    map((n) => n + 1), map((n) => n + 1), map((n) => n + 1), map((n) => n + 1), map((n) => n + 1), map((n) => n + 1),
  ),
);
// Past twelve operators, the operators' own types are checked step by step (write their parameter types).
const inc = map((n: number) => n + 1);
const show = map((n: number) => `${n}`);
expectType<Flow<number>>()(numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc));
expectType<Flow<string>>()(numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, show, tap((s: string) => s.length)));
// @ts-expect-error a number operator after a string one does not compile
numbers.pipe(inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, inc, show, inc);
// @ts-expect-error nor do thirteen whose second does not take the first one's output
numbers.pipe(show, show, show, show, show, show, show, show, show, show, show, show, show);
// @ts-expect-error within the first twelve too
numbers.pipe(map((n) => `${n}`), map((n: number) => n + 1));
expectType<Flow<number>>()(numbers.pipe());

// filter narrows with a type guard, and keeps the type with a plain predicate.
declare const mixed: Flow<string | number | null>;
expectType<Flow<string>>()(mixed.pipe(filter((x): x is string => typeof x === 'string')));
expectType<Flow<string | number>>()(mixed.pipe(filter((x): x is string | number => x !== null), tap(() => undefined)));
expectType<Flow<string | number | null>>()(mixed.pipe(filter((x) => x !== 0)));
expectType<Flow<string | number | null>>()(mixed.pipe(reject((x) => x === null)));

// onTrigger and departition receive the reducer's accumulator.
expectType<Flow<string>>()(
  numbers.pipe(
    reduce(() => 0, (n, acc) => acc + n),
    onTrigger((acc, partition, window) => {
      expectType<number>()(acc);
      expectType<number>()(partition.index);
      expectType<'global' | number>()(window.id);
      return [[`${acc}`], acc];
    }),
  ),
);
expectType<Flow<number>>()(
  words.pipe(
    groupBy((w) => w.length),
    onTrigger((acc) => {
      expectType<Map<number, string[]>>()(acc);
      return [[acc.size], acc];
    }),
  ),
);
expectType<Flow<number>>()(
  numbers.pipe(
    partition({ stages: 4 }),
    reduce(() => 0, (n, acc) => acc + n),
    departition(() => 0, (acc, total) => {
      expectType<number>()(acc);
      return total + acc;
    }, (total) => total),
  ),
);
// A reducer gives a ReducedFlow: a Flow of its events that remembers the accumulator.
expectType<ReducedFlow<Map<string, number>, [string, number]>>()(words.pipe(countByKey((w) => w)));
expectType<Promise<[string, number][]>>()(words.pipe(countByKey((w) => w)).toArray());
// A reducer's events are its accumulator's items.
expectType<Promise<[string, number][]>>()(words.pipe(reduce(() => new Map<string, number>(), (w, acc) => acc.set(w, 1))).toArray());
expectType<Promise<string[]>>()(words.pipe(reduce(() => new Set<string>(), (w, acc) => acc.add(w))).toArray());
expectType<Flow<number>>()(words.pipe(countByKey((w) => w), map(([, n]) => n)));
expectType<AccumulatorEvents<Set<string>>>()('a' as string);
// onTrigger with an accumulator of another type does not compile.
// @ts-expect-error the accumulator is a number
numbers.pipe(reduce(() => 0, (n, acc) => acc + n), onTrigger((acc: string) => [[acc], acc]));
// @ts-expect-error onTrigger needs a reducer before it
numbers.pipe(map((n) => n), onTrigger((acc: number) => [[acc], acc]));

// boundedJoin: the inner mode has both sides; outer modes may miss one.
type User = { id: number; name: string };
type Order = { user: number; total: number };
declare const users: Flow<User>;
declare const orders: Flow<Order>;
expectType<Flow<string>>()(
  Flow.boundedJoin('inner', users, orders, (u) => u.id, (o) => o.user, (u, o) => `${u.name} ${o.total}`),
);
expectType<Flow<string>>()(
  Flow.boundedJoin('leftOuter', users, orders, (u) => u.id, (o) => o.user, (u, o) => `${u.name} ${o?.total ?? 0}`),
);
expectType<Flow<string>>()(
  Flow.boundedJoin('rightOuter', users, orders, (u) => u.id, (o) => o.user, (u, o) => `${u?.name ?? '-'} ${o.total}`),
);
expectType<Flow<[User | null, Order | null]>>()(
  Flow.boundedJoin('fullOuter', users, orders, (u) => u.id, (o) => o.user, (u, o): [User | null, Order | null] => [u, o]),
);
// @ts-expect-error a left outer join may have no order
Flow.boundedJoin('leftOuter', users, orders, (u) => u.id, (o) => o.user, (u, o) => o.total);
// @ts-expect-error a full outer join may have no user
Flow.boundedJoin('fullOuter', users, orders, (u) => u.id, (o) => o.user, (u, o) => u.name);
// A mode known only at run time may miss either side; windowJoin types its sides as boundedJoin does.
declare const mode: JoinMode;
expectType<Flow<string>>()(Flow.boundedJoin(mode, users, orders, (u) => u.id, (o) => o.user, (u, o) => `${u?.name ?? '-'} ${o?.total ?? 0}`));
// @ts-expect-error the mode may be an outer one
Flow.boundedJoin(mode, users, orders, (u) => u.id, (o) => o.user, (u, o) => u.name);
expectType<Flow<string>>()(
  Flow.windowJoin('inner', users, orders, Window.count(10), (u) => u.id, (o) => o.user, (u, o) => `${u.name} ${o.total}`),
);
// @ts-expect-error a right outer window join may have no user
Flow.windowJoin('rightOuter', users, orders, Window.count(10), (u) => u.id, (o) => o.user, (u, o) => u.name);

// Flow.from infers the element type of RxJS observables, iterables and stages.
expectType<Flow<number>>()(Flow.from(of(1, 2, 3)));
expectType<Flow<number>>()(Flow.from(interval(10)));
expectType<Flow<string>>()(Flow.from(new Subject<string>()));
expectType<Flow<string>>()(Flow.from(new Subject<string>().asObservable()));
expectType<Flow<number>>()(Flow.from([1, 2, 3]));
expectType<Flow<number>>()(Flow.from(stage));
expectType<Flow<string>>()(Flow.from((async function* () { yield 'a'; })()));

// RxJS's from() accepts a stage and a flow, with their element type.
expectType<Observable<number>>()(rxFrom(stage));
expectType<Observable<string>>()(rxFrom(words));
expectType<Observable<number>>()(rxFrom(GenStage.fromIterable([1, 2]) as unknown as Stage<number>));

// flatMap over iterables of another type.
expectType<Flow<string>>()(numbers.pipe(flatMap((n) => [`${n}`])));

// workerStage infers through its operators as pipe does, reducers included.
expectType<WorkerStage<number, [number | 'global', number]>>()(
  workerStage(
    reduce(() => 0, (n: number, acc) => acc + n),
    onTrigger((acc, _partition, w): [[[number | 'global', number]], number] => [[[w.id, acc]], 0]),
  ),
);
expectType<WorkerStage<string, string>>()(workerStage(countByKey((w: string) => w), map(([w, n]) => `${w}=${n}`)));
