import { expect } from 'chai';
import { Observable, Subject, lastValueFrom, toArray } from 'rxjs';
import { Flow, map } from '../../src/index.js';
import { throughFlow, BufferOverflowError, type SourceStats } from '../../src/interop/rxjs/index.js';
import { deferred } from './support.js';

/**
 * Push sources read by a flow are bounded (issue 13 item 6): `Flow.from(observable)` and
 * RxJS `throughFlow` hold at most `bufferSize` values beyond what the flow has asked
 * for, as `fromObservable` does, and `overflow` decides what one more does.
 */

/** A Subject behind an observable that says when it has been subscribed (the flow subscribes at its first demand). */
function signalling(): { subject: Subject<number>; observable: Observable<number>; subscribed: Promise<void> } {
  const subject = new Subject<number>();
  const ready = deferred<void>();
  const observable = new Observable<number>((subscriber) => {
    const inner = subject.subscribe(subscriber);
    ready.resolve();
    return inner;
  });
  return { subject, observable, subscribed: ready.promise };
}

const HUNDRED_THOUSAND = 100_000;

function pushAll(subject: Subject<number>): void {
  for (let i = 0; i < HUNDRED_THOUSAND; i++) subject.next(i);
  subject.complete();
}

const firstN = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('bounded push sources in flows', () => {
  describe('Flow.from(observable)', () => {
    it('should hold at most bufferSize values beyond the demand when a Subject pushes 100,000 values faster than the flow takes them', async () => {
      const { subject, observable, subscribed } = signalling();
      const reports: SourceStats[] = [];
      const result = Flow.from(observable, { bufferSize: 100, overflow: 'drop-newest', maxDemand: 10, onDrop: (_n, stats) => reports.push(stats) })
        .pipe(map((n: number) => n))
        .toArray();
      await subscribed;
      pushAll(subject);
      // 10 values the first stage asked for, then 100 held; the other 99,890 dropped and counted.
      expect(await result).to.deep.equal(firstN(110));
      const last = reports[reports.length - 1] as SourceStats;
      expect(last.received).to.equal(HUNDRED_THOUSAND);
      expect(last.dropped).to.equal(HUNDRED_THOUSAND - 110);
      expect(Math.max(...reports.map((s) => s.buffered))).to.be.at.most(110);
    });

    it("should fail the flow with a BufferOverflowError by default (bufferSize 1000, overflow 'error')", async () => {
      const { subject, observable, subscribed } = signalling();
      const result = Flow.from(observable, { maxDemand: 10 }).pipe(map((n: number) => n)).toArray();
      await subscribed;
      pushAll(subject);
      const error = await result.then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(BufferOverflowError);
      expect((error as BufferOverflowError).code).to.equal('ERR_GENSTAGE_BUFFER_OVERFLOW');
      expect((error as BufferOverflowError).bufferSize).to.equal(1000);
      expect((error as Error).message).to.equal("buffer of 1000 items is full and overflow is 'error'");
    });

    it('should reject bad bufferSize and overflow options at the call', () => {
      expect(() => Flow.from(new Subject<number>(), { bufferSize: 0 })).to.throw(RangeError, /bufferSize.*got: 0/);
      expect(() => Flow.from(new Subject<number>(), { overflow: 'block' as never })).to.throw(RangeError, /overflow.*"block"/);
    });
  });

  describe('throughFlow', () => {
    it('should hold at most bufferSize values beyond the demand when a Subject pushes 100,000 values faster than the flow takes them', async () => {
      const { subject, observable, subscribed } = signalling();
      const reports: SourceStats[] = [];
      const result = lastValueFrom(
        observable.pipe(
          throughFlow((flow) => flow.pipe(map((n: number) => n)), { bufferSize: 100, overflow: 'drop-newest', maxDemand: 10, onDrop: (_n, stats) => reports.push(stats) }),
          toArray(),
        ),
      );
      await subscribed;
      pushAll(subject);
      expect(await result).to.deep.equal(firstN(110));
      const last = reports[reports.length - 1] as SourceStats;
      expect(last.received).to.equal(HUNDRED_THOUSAND);
      expect(last.dropped).to.equal(HUNDRED_THOUSAND - 110);
      expect(Math.max(...reports.map((s) => s.buffered))).to.be.at.most(110);
    });

    it("should error with a BufferOverflowError by default (bufferSize 1000, overflow 'error')", async () => {
      const { subject, observable, subscribed } = signalling();
      const result = lastValueFrom(observable.pipe(throughFlow((flow) => flow.pipe(map((n: number) => n)), { maxDemand: 10 }), toArray()));
      await subscribed;
      pushAll(subject);
      const error = await result.then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(BufferOverflowError);
      expect((error as BufferOverflowError).code).to.equal('ERR_GENSTAGE_BUFFER_OVERFLOW');
      expect((error as Error).message).to.equal("buffer of 1000 items is full and overflow is 'error'");
    });

    it('should reject bad bufferSize and overflow options at the call', () => {
      expect(() => throughFlow((flow) => flow, { bufferSize: 0 })).to.throw(RangeError, /bufferSize.*got: 0/);
      expect(() => throughFlow((flow) => flow, { overflow: 'block' as never })).to.throw(RangeError, /overflow.*"block"/);
    });
  });
});
