import { expect } from 'chai';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A module-level declaration in src/ named like a global (`class Buffer`, `type
 * Request`) hides the global in that file and reads as the global everywhere else.
 * Globals of this runtime, plus the browser globals the library also runs under.
 */
const BROWSER_GLOBALS = ['Request', 'Response', 'Headers', 'Event', 'EventTarget', 'Worker', 'MessageChannel', 'Blob', 'File', 'Image', 'Node', 'Text', 'Range', 'Selection', 'Storage'];

/** Installed by mocha for the specs, not globals of the library's runtime. */
const MOCHA_GLOBALS = new Set(['describe', 'it', 'before', 'after', 'beforeEach', 'afterEach', 'context', 'specify', 'run', 'xdescribe', 'xit', 'xcontext', 'xspecify']);

function srcFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? srcFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('reliability: no global names shadowed', () => {
  it('should declare no module-level class, interface, type, function or constant named like a global (Buffer, Request, Event...)', () => {
    const globals = new Set([...Object.getOwnPropertyNames(globalThis).filter((name) => !MOCHA_GLOBALS.has(name)), ...BROWSER_GLOBALS]);
    const root = new URL('../../src', import.meta.url).pathname;
    const shadowing: string[] = [];
    for (const file of srcFiles(root)) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const m = /^(?:export )?(?:declare )?(?:abstract )?(?:class|interface|type|enum|function\*?|const|let|var) ([A-Za-z_$][\w$]*)/.exec(line);
        if (m && globals.has(m[1] as string)) shadowing.push(`${file.slice(root.length + 1)}:${i + 1} ${m[1]}`);
      });
    }
    expect(shadowing).to.deep.equal([]);
  });
});
