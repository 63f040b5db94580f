// Code that mixes genstage with each of its subpath entries, as a user writes it. It is
// type-checked (never run) against the packed tarball by .ci/package-check.sh: a type
// declared twice across entries (two unrelated `Stage`s or `Flow`s) fails here.
import { Readable } from 'node:stream';
import { Consumer, Flow, GenStage, Stage, filter, map, reduce, type Subscription } from 'genstage';
import { fromReadableStream, toReadableStream } from 'genstage/web';
import { fromObservable, throughFlow, toObservable, sourceStats } from 'genstage/rxjs';
import { throughFlow as ixThroughFlow, toAsyncIterable } from 'genstage/ix';
import { fromLines, fromReadable, tcpAcceptor, toReadable, toWritable, udpProducer } from 'genstage/node';
import { redisStreamProducer, redisStreamSink, StreamConsumer, type RedisStreamEvent } from 'genstage/redis';
import { VirtualClock, settle } from 'genstage/testing';
import { from, Observable, of, map as rxMap } from 'rxjs';
import { AsyncIterableX, from as ixFrom } from 'ix/asynciterable';
import { map as ixMap } from 'ix/asynciterable/operators';

const same = <T>(value: T): T => value;

const doubled: Flow<number> = Flow.from([1, 2, 3]).pipe(map((n: number) => n * 2));

// genstage/web
const stream: ReadableStream<number> = toReadableStream(doubled);
const fromStream: Stage<number> = await fromReadableStream(stream);
same<ReadableStream<number>>(toReadableStream(fromStream));

// genstage/rxjs
const observable: Observable<number> = toObservable(doubled);
const fromObs: Stage<number> = await fromObservable(of(1, 2, 3), { bufferSize: 10, overflow: 'drop-oldest' });
same<Observable<number>>(toObservable(fromStream));
same<number>((await sourceStats(fromObs)).dropped);
const piped: Observable<string> = of(1, 2, 3).pipe(
  throughFlow((flow: Flow<number>) => flow.pipe(filter((n: number) => n > 1), map((n: number) => String(n)))),
  rxMap((text) => text.toUpperCase()),
);
same<Observable<number>>(from(fromObs));
same<Observable<number>>(from(doubled));

// genstage/ix
const iterable: AsyncIterableX<number> = toAsyncIterable(doubled);
same<AsyncIterableX<number>>(toAsyncIterable(fromObs));
const ixPiped: AsyncIterableX<string> = ixFrom([1, 2, 3]).pipe(
  ixThroughFlow((flow: Flow<number>) => flow.pipe(map((n: number) => n + 1))),
  ixMap((n: number) => `#${n}`),
);

// genstage/node
const readable: Readable = toReadable(doubled);
same<Readable>(toReadable(fromObs));
const fromNode: Stage<string> = await fromReadable<string>(Readable.from(['a', 'b']));
const lines: Stage<string> = await fromLines('/etc/hostname');
const writable = await toWritable<string>();
const acceptor = await tcpAcceptor({ port: 0 });
const datagrams = await udpProducer({ port: 0 });

// stages from every entry, consumed by the core
const all: number[] = await Flow.fromStages([fromStream, fromObs]).toArray();
const words: string[] = await Flow.fromStages([fromNode, lines, writable.stage]).pipe(map((line: string) => line.trim())).toArray();
const total = await Flow.from(fromObs).pipe(reduce(() => [0], (n: number, [sum]: number[]) => [sum! + n])).toArray();
class Printer extends Consumer<string> {
  handleEvents(events: string[]): void {
    console.log(events);
  }
}
await GenStage.start(new Printer(), { subscribeTo: [lines, { to: fromNode, maxDemand: 10 }] });
class Summer extends Consumer<number> {
  total = 0;
  handleEvents(events: number[]): void {
    for (const n of events) this.total += n;
  }
}
const subscription: Subscription<number> = await (await GenStage.start(new Summer())).subscribe(fromStream);
for await (const n of GenStage.stream([fromObs, fromStream])) same<number>(n);

// genstage/redis
const orders: Stage<RedisStreamEvent> = await redisStreamProducer({ stream: 'orders', group: 'billing', redis: { url: 'redis://localhost' } });
await GenStage.start(new StreamConsumer(async (events: RedisStreamEvent[]) => void events.length), { subscribeTo: [orders] });
const sink: Stage<never> = await redisStreamSink<number>({ stream: 'out' }, [fromObs]);
same<Observable<RedisStreamEvent>>(toObservable(orders));
same<ReadableStream<RedisStreamEvent>>(toReadableStream(orders));

// genstage/testing
const clock = new VirtualClock();
const timed = Flow.from([1, 2, 3], { clock });
clock.advance(1000);
await settle();

export { stream, observable, piped, iterable, ixPiped, readable, acceptor, datagrams, all, words, total, subscription, sink, timed };
