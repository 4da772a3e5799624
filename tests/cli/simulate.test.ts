// `derchain simulate` end to end through the launcher in a child process: --json prints exactly
// one JSON object on stdout (progress and logs on stderr) whose numbers are consistent, --out
// writes the report, --help has examples, and bad input exits 2 naming file, line, prosumer, field.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'derchain.mjs');

function derchain(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [LAUNCHER, 'simulate', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DERCHAIN_DATA_DIR: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: derchain simulate', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints one JSON object with the run summary and writes the report with --out', () => {
    const out = join(dir, 'report');
    const r = derchain(['--prosumers', '3', '--days', '1', '--json', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, `stdout must hold one JSON object, got:\n${r.stdout}`);
    const j = JSON.parse(lines[0]);
    for (const key of [
      'prosumers',
      'horizon',
      'iterations',
      'converged',
      'admmObjective',
      'centralizedObjective',
      'relativeGap',
      'primalResidual',
      'dualResidual',
      'seconds',
    ]) {
      assert.ok(key in j, `missing ${key}`);
    }
    assert.equal(j.prosumers, 3);
    assert.equal(j.horizon, 24);
    assert.equal(j.dataOrigin, 'generator');
    assert.equal(j.converged, true);
    assert.ok(j.iterations >= 1 && j.iterations <= 500);
    assert.ok(Number.isFinite(j.admmObjective) && Number.isFinite(j.centralizedObjective));
    assert.ok(Math.abs(j.relativeGap - Math.abs(j.admmObjective - j.centralizedObjective) / Math.abs(j.centralizedObjective)) < 1e-9);
    assert.ok(j.relativeGap < 0.01, `gap ${j.relativeGap}`);
    assert.ok(j.seconds > 0);
    assert.match(r.stderr, /admm progress/, 'progress goes to stderr');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.iterations, j.iterations);
    assert.equal(summary.admmObjective, j.admmObjective);
    assert.ok(existsSync(join(out, 'report.html')));
    assert.equal(j.reportDir, out);
  });

  it('prints a readable summary without --json and honours --max-iterations and --dr-mode', () => {
    const r = derchain(['--prosumers', '2', '--max-iterations', '3', '--dr-mode', 'paper', '--seed', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 prosumers x 24 slots of 1 h/);
    assert.match(r.stdout, /3 iterations, NOT converged/);
    assert.match(r.stdout, /objective\s+ADMM .* centralised .* relative gap/);
    assert.match(r.stdout, /P01/);
  });

  it('looser tolerances stop earlier and are reported; --no-balance-rho keeps rho fixed', () => {
    const base = ['--prosumers', '3', '--json', '--market', 'bilateral'];
    const strict = JSON.parse(derchain(base).stdout);
    assert.equal(strict.market, 'bilateral');
    const loose = JSON.parse(derchain([...base, '--eps-abs', '3e-4', '--eps-dual', '3e-3', '--eps-rel', '0']).stdout);
    assert.deepEqual(strict.tolerances, { epsAbs: 1e-5, epsDual: 5e-5, epsRel: 1e-5, balanceRho: true });
    assert.deepEqual(loose.tolerances, { epsAbs: 3e-4, epsDual: 3e-3, epsRel: 0, balanceRho: true });
    assert.equal(loose.converged, true);
    assert.ok(loose.iterations < strict.iterations, `loose ${loose.iterations} vs default ${strict.iterations} iterations`);
    assert.ok(loose.primalResidual > strict.primalResidual);
    const fixed = derchain([...base, '--no-balance-rho', '--rho', '2', '--max-iterations', '5', '--out', join(dir, 'fixed-rho')]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.equal(JSON.parse(fixed.stdout).tolerances.balanceRho, false);
    const history = JSON.parse(readFileSync(join(dir, 'fixed-rho', 'summary.json'), 'utf8')).history as { rho: number }[];
    assert.equal(history.length, 5);
    assert.ok(history.every((h) => h.rho === 2), `rho changed: ${history.map((h) => h.rho).join(',')}`);
  });

  it('--market pool (the default) reports the imbalance, the settlement and pool trades; --rolling reports each re-clear', () => {
    const out = join(dir, 'pool');
    const r = derchain(['--prosumers', '3', '--json', '--rolling', '2', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.market, 'pool');
    assert.equal(j.converged, true);
    assert.ok(j.relativeGap < 1e-2, `gap ${j.relativeGap}`);
    assert.ok(j.largestImbalanceKw >= 0 && j.largestImbalanceKw <= 3 * j.tolerances.epsPrimal + 1e-9, `imbalance ${j.largestImbalanceKw}`);
    assert.equal(j.settlement.length, 3);
    // exact amounts (1e-12 currency per slot hour) sum to zero
    assert.equal(j.settlement.reduce((a: bigint, x: { amount: string }) => a + BigInt(x.amount), 0n), 0n);
    assert.equal(j.rolling.reclears, 2);
    assert.equal(j.rolling.iterations.length, 2);
    assert.ok(j.rolling.iterations.every((k: number) => k >= 2), j.rolling.iterations.join(','));
    const csv = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'prosumer,partner,slot,timestamp,trade_kW,price_per_kWh,settlement');
    assert.equal(csv.length, 1 + 3 * 24);
    // per slot the balanced trades cancel (to the CSV's printed precision)
    const bySlot = new Map<string, number>();
    for (const line of csv.slice(1)) {
      const f = line.split(',');
      assert.equal(f[1], 'community');
      bySlot.set(f[2], (bySlot.get(f[2]) ?? 0) + Number(f[4]));
    }
    for (const [slot, sum] of bySlot) assert.ok(Math.abs(sum) < 1e-9, `slot ${slot}: ${sum}`);
    assert.equal(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).market, 'pool');
    const bad = derchain(['--market', 'barter']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /field market: --market must be pool or bilateral/);
    const badRolling = derchain(['--market', 'bilateral', '--rolling', '2']);
    assert.equal(badRolling.code, 2);
    assert.match(badRolling.stderr, /--rolling needs --market pool/);
  });

  it('--help explains the data sources and shows examples', () => {
    const r = derchain(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /derchain simulate --prosumers 3 --json/);
    assert.match(r.stdout, /--dr-mode <mode>/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 error, 2 bad input/);
  });

  it('exits 2 with file, line, prosumer and field for a bad data file, and writes no report', () => {
    const data = join(dir, 'bad.csv');
    writeFileSync(
      data,
      'timestamp,prosumer,load_kW,pv_kW,outdoor_temp_C\n2021-06-01T00:00:00Z,A,1,0,20\n2021-06-01T01:00:00Z,A,x,0,20\n',
    );
    const out = join(dir, 'never');
    const r = derchain(['--data', data, '--json', '--out', out]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`file ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 3, prosumer A, field load_kW: not a number`));
    assert.ok(!existsSync(out));
  });

  it('exits 2 for bad flags and unknown options', () => {
    const days = derchain(['--days', 'soon']);
    assert.equal(days.code, 2);
    assert.match(days.stderr, /field days: --days must be a positive number/);
    for (const [flag, value] of [
      ['eps-abs', '0'],
      ['eps-dual', '-1'],
      ['eps-rel', '2'],
    ]) {
      const bad = derchain([`--${flag}`, value]);
      assert.equal(bad.code, 2, `--${flag} ${value}`);
      assert.match(bad.stderr, new RegExp(`field ${flag}: --${flag} must be a number from`));
    }
    const r = derchain(['--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option/);
  });
});
