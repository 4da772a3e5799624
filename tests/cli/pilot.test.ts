// `derchain pilot --json` end to end through the launcher: anvil, the contract, one agent process
// per prosumer; stdout holds one JSON object with simulate's fields plus the chain's (gas, blocks,
// matchesInMemory, contract), the tolerances given on the command line reach the contract's round,
// and the report is written. Bad flags exit 2 before anything starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'derchain.mjs');

function pilot(args: string[]) {
  const r = spawnSync(process.execPath, [LAUNCHER, 'pilot', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DERCHAIN_DATA_DIR: '' },
    timeout: 150_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: derchain pilot', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-cli-pilot-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints one object with the run and chain figures; the tolerances reach the contract', () => {
    const out = join(dir, 'report');
    const r = pilot(['--prosumers', '3', '--eps-abs', '3e-4', '--eps-dual', '3e-3', '--json', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `stdout must hold one JSON object, got:\n${r.stdout}`);
    const j = JSON.parse(lines[0]!);
    for (const key of ['prosumers', 'horizon', 'iterations', 'converged', 'admmObjective', 'centralizedObjective', 'relativeGap', 'primalResidual', 'dualResidual', 'seconds', 'gasPerIteration', 'gasTotal', 'blocks', 'matchesInMemory', 'contract']) {
      assert.ok(key in j, `missing ${key}`);
    }
    assert.equal(j.prosumers, 3);
    assert.equal(j.converged, true);
    assert.equal(j.matchesInMemory, true);
    assert.deepEqual(j.tolerances, { epsAbs: 3e-4, epsDual: 3e-3, epsRel: 1e-5, balanceRho: true });
    // the in-memory run with the same tolerances stopped at the same iteration (matchesInMemory),
    // and these tolerances stop well before the defaults' ~57 iterations for this scenario
    assert.ok(j.iterations >= 2 && j.iterations < 45, `${j.iterations} iterations`);
    assert.ok(j.relativeGap < 1e-3, `gap ${j.relativeGap}`);
    assert.ok(j.gasPerIteration > 0 && j.gasTotal >= j.gasPerIteration);
    assert.match(j.contract, /^0x[0-9a-fA-F]{40}$/);
    assert.ok(existsSync(join(out, 'report.html')));
    assert.doesNotMatch(r.stdout + r.stderr, /"0x[0-9a-f]{64}"/, 'a private key in the output');
  });

  it('exits 2 on bad flags before starting a chain', () => {
    const r = pilot(['--prosumers', '1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /at least 2 prosumers/);
    const eps = pilot(['--eps-dual', 'tiny']);
    assert.equal(eps.code, 2);
    assert.match(eps.stderr, /--eps-dual must be a number from/);
  });
});
