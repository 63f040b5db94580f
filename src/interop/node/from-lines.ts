import { rangeError, typeError } from '../../runtime/errors.js';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { Stage } from '../../stage/handle.js';
import type { Clock } from '../../runtime/clock.js';
import { expectInteger, expectKnownKeys, expectObject, show } from '../../runtime/validate.js';
import { startReadableProducer, type ChunkDecoder } from './from-readable.js';

/** Options of `fromLines`. */
export interface FromLinesOptions {
  /** Default `'utf8'`. */
  encoding?: BufferEncoding;
  /** Bytes read from the file at a time (default 64 KiB). */
  highWaterMark?: number;
  name?: string;
  clock?: Clock;
}

/** Splits decoded text on `\n` (dropping a `\r` before it), keeping a partial last line for the next chunk. */
class LineDecoder implements ChunkDecoder<Buffer, string> {
  private partial = '';
  private readonly decoder: StringDecoder;
  constructor(encoding: BufferEncoding) {
    this.decoder = new StringDecoder(encoding);
  }
  write(chunk: Buffer): string[] {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() as string;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
    }
    return lines;
  }
  end(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length === 0) return [];
    return [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
  }
}

let names = 1;

/**
 * A producer stage that emits the lines of a text file, without their line
 * endings (`\n` or `\r\n`); a last line without a newline is emitted too.
 *
 * The call checks that the file can be opened for reading and rejects with the file
 * system's error if not (a missing file: `ENOENT`; also `EACCES`, `EISDIR`), so
 * `await fromLines(path)` fails where the mistake is. The stage then opens the file at
 * the first demand and reads a chunk at a time, only while consumers want more lines
 * than are already split out; it is closed when the stage stops. The stage exits
 * `'normal'` after the last line has gone out, and with the read error if reading
 * fails later (the file was removed in between).
 *
 * ## Example
 * ```ts
 * import { Flow, flatMap, reduce } from 'genstage';
 * import { fromLines } from 'genstage/node';
 *
 * const lines = await fromLines('words.txt');
 * const total = await Flow.fromStages([lines]).pipe(map((l: string) => l.length)).toArray();
 * ```
 *
 * @param path the file.
 * @param options `encoding` ('utf8'), `highWaterMark` (65536), `name`, `clock`.
 * @returns the started producer.
 */
export function fromLines(path: string, options: FromLinesOptions = {}): Promise<Stage<string>> {
  if (typeof path !== 'string' || path.length === 0) throw typeError('ERR_GENSTAGE_INVALID_TYPE', `fromLines: expected path to be a non-empty string, got: ${show(path)}`);
  const o = expectObject('fromLines options', options);
  expectKnownKeys('fromLines options', o, ['encoding', 'highWaterMark', 'name', 'clock']);
  const encoding = (o.encoding ?? 'utf8') as BufferEncoding;
  if (typeof encoding !== 'string') throw typeError('ERR_GENSTAGE_INVALID_TYPE', `expected encoding to be a Buffer encoding, got: ${show(o.encoding)}`);
  if (!Buffer.isEncoding(encoding)) throw rangeError('ERR_GENSTAGE_OUT_OF_RANGE', `expected encoding to be a Buffer encoding, got: ${show(o.encoding)}`);
  const highWaterMark = o.highWaterMark === undefined ? 65_536 : expectInteger('highWaterMark', o.highWaterMark, 1);
  const name = options.name ?? `fromLines#${names++}`;
  return openable(path).then(() =>
    startReadableProducer<Buffer, string>(() => createReadStream(path, { highWaterMark }), new LineDecoder(encoding), {
      destroyOnStop: true,
      lazy: true,
      name,
      clock: options.clock,
    }),
  );
}

/** Rejects with the file system's error (`ENOENT`, `EACCES`, `EISDIR`) unless `path` is a file that can be opened for reading. */
async function openable(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    if ((await handle.stat()).isDirectory()) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${path}'`), { code: 'EISDIR', syscall: 'read', path });
    }
  } finally {
    await handle.close();
  }
}
