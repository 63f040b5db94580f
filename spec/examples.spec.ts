import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs `examples/<name>.ts` under tsx in a child process; resolves with its exit code and stdout. */
function runExample(name: string, args: readonly string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `examples/${name}.ts`, ...args],
      { cwd: ROOT, timeout: 90_000, env: { ...process.env, REDIS_URL: '' } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The examples the README points to run to the end and print what they promise. */
describe('examples', function () {
  this.timeout(120_000);

  it('producer-consumer (the demo) should end with every stage stopped', async () => {
    const { code, stdout } = await runExample('producer-consumer');
    expect(code).to.equal(0);
    expect(stdout).to.contain('C got 5 events: [0, 1, 2, 1, 2]');
    expect(stdout.trimEnd().split('\n').slice(-2)).to.deep.equal(['C exited: normal', 'A, B and C have stopped (B reported the events it still held: nothing is dropped silently).']);
  });

  it('dashboard (npm run demo:dashboard) should print its URL, count words, and exit after --seconds', async () => {
    const { code, stdout } = await runExample('dashboard', ['--seconds', '2']);
    expect(code).to.equal(0);
    expect(stdout).to.match(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(stdout).to.match(/^stopped after counting [1-9][\d,]* words$/m);
  });

  it('event-time-window should count page views per minute', async () => {
    const { code, stdout } = await runExample('event-time-window');
    expect(code).to.equal(0);
    expect(stdout).to.contain('minute 0: /home=2, /docs=1\nminute 1: /home=1\nminute 2: /docs=1, /home=1');
  });

  it('join should print every join mode', async () => {
    const { code, stdout } = await runExample('join');
    expect(code).to.equal(0);
    expect(stdout).to.contain('fullOuter: ann - pad, ann - pen, bob - null, cy - ink, null - lamp');
  });

  it('pmap should map in order, by chunks, and replace a timed-out task', async () => {
    const { code, stdout } = await runExample('pmap');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^pmap +0 1 4 9 16 25 36 49 64 81 \.\.\.$/m);
    expect(stdout).to.match(/^chunked +285 2185 6085 11985$/m);
    const farmed = /^farming +(.*)$/m.exec(stdout)![1]!.split(' ');
    expect(farmed).to.include('timeout(5)');
    // Unordered: the squares of 0..11 but 5, in whatever order they finished.
    expect(farmed.filter((r) => r !== 'timeout(5)').map(Number).sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11].map((n) => n * n));
  });

  it('tcp-echo should serve its 12 clients and release its port', async () => {
    const { code, stdout } = await runExample('tcp-echo');
    expect(code).to.equal(0);
    expect(stdout).to.contain('#12 HELLO FROM CLIENT 11');
    expect(stdout).to.contain('acceptor { received: 12, emitted: 12, dropped: 0, buffered: 0 }');
    expect(stdout).to.match(/stopped; port \d+ released/);
  });

  it('dynamic-supervisor should print at least 200 times and exit normally', async () => {
    const { code, stdout } = await runExample('dynamic-supervisor');
    expect(code).to.equal(0);
    expect(stdout).to.match(/^printed (\d+); supervisor exited: normal$/m);
    expect(Number(/^printed (\d+)/m.exec(stdout)![1])).to.be.at.least(200);
  });
});
