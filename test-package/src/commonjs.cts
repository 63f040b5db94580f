// A CommonJS TypeScript module using genstage through require() (Node >= 20.19 loads
// the ES modules synchronously), type-checked against the packed tarball.
import genstage = require('genstage');
import web = require('genstage/web');
import rxjs = require('genstage/rxjs');
import testing = require('genstage/testing');
import { of } from 'rxjs';

export async function run(): Promise<number[]> {
  const flow: genstage.Flow<number> = genstage.Flow.from([1, 2, 3]).pipe(genstage.map((n: number) => n * 2));
  const stream: ReadableStream<number> = web.toReadableStream(flow);
  const stage: genstage.Stage<number> = await web.fromReadableStream(stream);
  const fromObs: genstage.Stage<number> = await rxjs.fromObservable(of(4, 5));
  const clock = new testing.VirtualClock();
  clock.advance(10);
  return genstage.Flow.fromStages([stage, fromObs]).toArray();
}
