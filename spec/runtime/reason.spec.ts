import { expect } from 'chai';
import { CallTimeoutError, StageExitError, getLogger, isNormalReason, setLogger, type Logger } from '../../src/index.js';
import { describeReason } from '../../src/runtime/reason.js';

describe('runtime: exit reasons', () => {
  const normal: [string, unknown][] = [
    ['normal', 'normal'],
    ['shutdown', 'shutdown'],
    ['{ shutdown: detail }', { shutdown: 'deploy' }],
    ['{ shutdown: undefined }', { shutdown: undefined }],
  ];
  const abnormal: [string, unknown][] = [
    ['an Error', new Error('x')],
    ['an Error with a shutdown property', Object.assign(new Error('x'), { shutdown: true })],
    ['another string', 'kill'],
    ['"Normal" (case matters)', 'Normal'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 0],
    ['an object without shutdown', { reason: 'shutdown' }],
  ];
  for (const [title, reason] of normal) {
    it(`should count ${title} as a normal reason`, () => expect(isNormalReason(reason)).to.equal(true));
  }
  for (const [title, reason] of abnormal) {
    it(`should count ${title} as abnormal`, () => expect(isNormalReason(reason)).to.equal(false));
  }

  it('should describe reasons for logs: Errors by name and message, strings as is, other values as JSON', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeReason(new TypeError('bad'))).to.equal('TypeError: bad');
    expect(describeReason('noproc')).to.equal('noproc');
    expect(describeReason({ shutdown: 'x' })).to.equal('{"shutdown":"x"}');
    expect(describeReason(undefined)).to.equal('undefined');
    expect(describeReason(circular)).to.equal('[object Object]');
  });

  it('should carry the reason in StageExitError, and an Error reason as its cause', () => {
    const cause = new Error('inner');
    const withCause = new StageExitError(cause);
    expect(withCause.reason).to.equal(cause);
    expect(withCause.cause).to.equal(cause);
    expect(withCause.message).to.equal('stage exited: Error: inner');
    expect(withCause.name).to.equal('StageExitError');
    const plain = new StageExitError('shutdown', 'custom');
    expect([plain.reason, plain.message, plain.cause]).to.deep.equal(['shutdown', 'custom', undefined]);
  });

  it('should name the timeout in CallTimeoutError', () => {
    const error = new CallTimeoutError(250);
    expect([error.name, error.message, error.timeoutMs]).to.deep.equal(['CallTimeoutError', 'call timed out after 250 ms', 250]);
  });
});

describe('runtime: logger', () => {
  it('should install a logger with setLogger, return the previous one, and restore the console logger with setLogger()', () => {
    const mine: Logger = { warn: () => {}, error: () => {} };
    const original = getLogger();
    const previous = setLogger(mine);
    try {
      expect(previous).to.equal(original);
      expect(getLogger()).to.equal(mine);
      expect(setLogger()).to.equal(mine);
      expect(getLogger()).to.not.equal(mine);
    } finally {
      setLogger(original);
    }
  });
});
