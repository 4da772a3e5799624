// A wrong result is never reported as converged (issue 14, defect 4): rho is bounded with a
// message naming --rho, and a run whose residual test passes far from the optimum (rho 1e6 made
// the fixed-point trades freeze at once) says stopRuleMet but not converged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { MAX_CONVERGED_GAP, runAdmm } from '../../admm/engine.js';
import { loadScenario } from '../../data/loadScenario.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { scenarioFromFlags } from '../../cli/scenarioOptions.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NO_EXTRACT = { DERCHAIN_DATA_DIR: '' };

describe('admm: converged means near the optimum', () => {
  it('rho 1e6 meets the residual test far from the optimum and is reported NOT converged', () => {
    const { scenario } = loadScenario({ env: NO_EXTRACT, prosumers: 3, seed: 1 });
    const r = runAdmm(scenario, { rho: 1e6, maxIterations: 20 });
    assert.equal(r.stopRuleMet, true, 'the residual test is fooled');
    assert.ok(r.relativeGap > MAX_CONVERGED_GAP, `gap ${r.relativeGap}`);
    assert.equal(r.converged, false);
  });

  it('--rho outside [0.001, 1000] is bad input naming the flag', () => {
    for (const rho of ['1e-9', '1e6', '1e300', '0', '-1']) {
      assert.throws(
        () => scenarioFromFlags({ generator: true, prosumers: '2', rho }, { maxDays: 1 }),
        (e: unknown) => e instanceof DerchainInputError && e.field === 'rho' && e.message.includes('--rho must be a number from 0.001 to 1000'),
        rho,
      );
    }
  });

  it('derchain simulate --rho 1e-9 exits 2 naming --rho', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'derchain.mjs'), 'simulate', '--prosumers', '2', '--rho', '1e-9'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...NO_EXTRACT },
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--rho must be a number from 0\.001 to 1000/);
  });
});
