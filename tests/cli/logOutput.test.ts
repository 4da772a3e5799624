// cli/logOutput.ts: readable progress by default on a terminal, JSON lines with --log-format json
// or when stderr is not a terminal; one flag shared by simulate, pilot and validator-bridge.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DerchainInputError } from '../../errors/inputError.js';
import { cliLogger, logFormatOf, type LogStream } from '../../cli/logOutput.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'derchain.mjs');

function capture(isTTY: boolean): LogStream & { text: string } {
  const s = {
    text: '',
    isTTY,
    write(t: string) {
      s.text += t;
      return true;
    },
  };
  return s;
}

describe('cli: progress and log lines on stderr', () => {
  it('picks text on a terminal, json otherwise, and refuses another format as bad input', () => {
    assert.equal(logFormatOf(undefined, { isTTY: true, write: () => true }), 'text');
    assert.equal(logFormatOf(undefined, { isTTY: false, write: () => true }), 'json');
    assert.equal(logFormatOf('json', { isTTY: true, write: () => true }), 'json');
    assert.equal(logFormatOf('text', { write: () => true }), 'text');
    assert.throws(() => logFormatOf('xml', { write: () => true }), (e: unknown) => e instanceof DerchainInputError && /--log-format must be text or json/.test(e.message));
  });

  it('text on a terminal: progress updates one line in place, other lines go above it, end() closes it', () => {
    const out = capture(true);
    const { log, end } = cliLogger({ name: 'derchain-pilot', format: 'text', stream: out });
    log.info({ progress: true, iteration: 1, gas: 5012345 }, 'iteration on chain');
    log.info({ progress: true, iteration: 2, gas: 4900000 }, 'iteration on chain');
    log.warn({ iteration: 2, missing: 1 }, 'deadline passed');
    end();
    assert.ok(!out.text.includes('{"'), `no JSON on a terminal: ${out.text}`);
    const frames = out.text.split('\r\u001b[2K');
    assert.match(frames[1]!, /^\d\d:\d\d:\d\d {2}derchain-pilot {2}iteration on chain {2}iteration=1 gas=5,012,345$/);
    assert.match(frames[2]!, /iteration=2 gas=4,900,000$/);
    // the warning on its own line, then the progress line drawn again, then the final newline
    assert.match(frames[3]!, /WARN {2}derchain-pilot {2}deadline passed {2}iteration=2 missing=1\n.*iteration=2 gas=4,900,000\n$/);
    assert.equal(out.text.split('\n').length, 3);
  });

  it('text: control characters from a peer are escaped, never written raw', () => {
    const out = capture(false);
    const { log } = cliLogger({ name: 'x', format: 'text', stream: out });
    log.info({ label: 'a\u001b]0;pwned\u0007b' }, 'member');
    assert.ok(!/[\u0007\u001b]/.test(out.text), JSON.stringify(out.text));
    assert.match(out.text, /label=a\\u\{1b\}]0;pwned\\u\{7\}b/);
  });

  it('json: one pino JSON object per line, progress entries included', () => {
    const out = capture(true);
    const { log, end } = cliLogger({ name: 'derchain', format: 'json', stream: out });
    log.info({ progress: true, iteration: 3 }, 'admm progress');
    end();
    const lines = out.text.trim().split('\n');
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]!);
    assert.equal(j.msg, 'admm progress');
    assert.equal(j.iteration, 3);
    assert.equal(j.level, 30);
  });

  for (const [flag, json] of [
    [[], true],
    [['--log-format', 'text'], false],
  ] as const) {
    it(`derchain simulate ${flag.join(' ') || '(stderr a pipe)'}: ${json ? 'JSON lines' : 'readable lines'} on stderr`, () => {
      const r = spawnSync(process.execPath, [LAUNCHER, 'simulate', '--generator', '--prosumers', '2', '--json', ...flag], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DERCHAIN_DATA_DIR: '' } });
      assert.equal(r.status, 0, r.stderr);
      JSON.parse(r.stdout); // the result stays one JSON object on stdout
      const lines = r.stderr.trim().split('\n');
      assert.ok(lines.some((l) => l.includes('admm progress')), r.stderr);
      for (const l of lines) {
        if (json) assert.equal(JSON.parse(l).name, 'derchain');
        else assert.match(l, /^\d\d:\d\d:\d\d {2}derchain {2}/);
      }
    });
  }
});
