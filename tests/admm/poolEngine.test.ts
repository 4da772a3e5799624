// The in-memory pool engine (admm/poolEngine.ts) on a small generated case: it reaches the DCM
// optimum (and with the defaults stops on the residual rule within 1e-3 of it), its balanced trades
// and settlement cancel exactly, a participant that misses iterations
// is carried over and the round still converges, a warm start from the round's own end stops at once,
// runs are bit-for-bit reproducible, and the rolling re-clears carry the executed slot over.
import assert from 'node:assert/strict';
import { coldStartPrices, DEFAULT_POOL_OPTIONS, runPool, scaleAwareRho, setupPool } from '../../admm/poolEngine.js';
import { runPoolRolling, shiftedWarmStart } from '../../admm/poolRolling.js';
import { accumulateSubmission, closeIteration, openRound } from '../../admm/poolStep.js';
import { loadScenario } from '../../data/loadScenario.js';
import type { Scenario } from '../../model/scenario.js';

const scenario = (n: number, days = 1): Scenario => loadScenario({ generator: true, prosumers: n, days, start: '2016-08-08', seed: 3, env: {} }).scenario;

describe('pool engine', function () {
  this.timeout(120_000);
  const sc = scenario(3);
  const tight = runPool(sc, { epsPrimal: 1e-3, epsDual: 1e-4, maxIterations: 300 });

  it('reaches the DCM optimum on a small case', () => {
    assert.equal(tight.pool.status, 'converged');
    assert.ok(tight.relativeGap < 1e-4, `relative gap ${tight.relativeGap}`);
    assert.ok(tight.pool.largestImbalanceKw <= 3 * 1e-3 + 1e-12);
    // the scale-aware rho is the default
    assert.ok(Math.abs(tight.pool.rho - scaleAwareRho(sc)) < 1e-6);
    // the stop is the residual rule, and the reported imbalance and its slot are those of the final rows
    assert.ok(tight.stopRuleMet);
    assert.equal(tight.pool.largestImbalanceSlots.length, tight.history.length);
    const net = Array.from({ length: sc.horizon }, (_, t) => Math.abs(tight.pool.fixed.rows.reduce((a, r) => a + r[t], 0)));
    const slot = tight.pool.largestImbalanceSlots[tight.history.length - 1];
    assert.equal(net[slot], Math.max(...net));
    assert.equal(net[slot] * tight.pool.resolutionKw, tight.pool.largestImbalanceKw);
  });

  it('starts cold from the tariff midpoint per slot and warm from the prices it is given (the round\'s initialPrices)', () => {
    const problem = setupPool(sc);
    const cold = problem.startPrices();
    assert.equal(cold.length, sc.horizon);
    for (let t = 0; t < sc.horizon; t++) assert.equal(cold[t], BigInt(Math.round(((sc.tariff.energy[t] + sc.tariff.feedIn[t]) / 2) * 1e6)));
    assert.deepEqual(coldStartPrices(sc), cold);
    assert.ok(coldStartPrices(sc, 'zero').every((p) => p === 0n));
    const warm = shiftedWarmStart(tight);
    problem.warmStart(warm);
    assert.deepEqual(Array.from(problem.startPrices(), (p) => Number(p) / 1e6), Array.from(warm.prices, (p) => Math.round(p * 1e6) / 1e6));
    // a copy: changing it does not change the problem
    problem.startPrices()[0] = 123n;
    assert.notEqual(problem.startPrices()[0], 123n);
    problem.coldStart();
    assert.deepEqual(problem.startPrices(), cold);
  });

  it('with the default options the round ends on the residual rule, within 1e-3 of the optimum and N x epsPrimal of balance', () => {
    const r = runPool(sc);
    assert.equal(r.pool.status, 'converged');
    assert.ok(r.stopRuleMet && r.converged);
    assert.ok(r.relativeGap <= 1e-3, `relative gap ${r.relativeGap}`);
    assert.ok(r.pool.largestImbalanceKw <= sc.prosumers.length * DEFAULT_POOL_OPTIONS.epsPrimal + 1e-12);
    assert.equal(r.pool.alpha, DEFAULT_POOL_OPTIONS.alpha);
  });

  it('balanced trades cancel per slot and the settlement sums to zero exactly; the final rows replay through the spec', () => {
    const T = sc.horizon;
    for (let t = 0; t < T; t++) {
      const micro = tight.pool.balancedTrades.reduce((a, z) => a + Math.round(z[t] * 1e6), 0);
      assert.equal(micro, 0, `slot ${t}`);
    }
    assert.equal(
      tight.pool.settlement.reduce((a, s) => a + BigInt(s.amount), 0n),
      0n,
    );
    // a replay of the final rows through the spec gives the same totals and prices path-independently
    const config = { ...setupPool(sc).config, minIterations: 1 };
    const round = openRound(config);
    for (const [i, r] of tight.pool.fixed.rows.entries()) accumulateSubmission(config, round, i, Int16Array.from(r), null);
    const k = closeIteration(config, round);
    const sum = tight.pool.fixed.rows.reduce((a, r) => a + r.reduce((x, v) => x + Math.abs(v), 0), 0);
    assert.ok(sum > 0, 'the prosumers trade');
    assert.equal(k.maxAbs * 1000n <= 3n * 1000n, true, 'the final rows are balanced within epsPrimal');
  });

  it('carries a missing participant over and still converges; runs are reproducible', () => {
    const skip = (k: number, i: number) => i === 1 && (k === 3 || k === 4);
    const a = runPool(sc, { skip, centralized: false });
    const b = runPool(sc, { skip, centralized: false });
    assert.equal(a.pool.status, 'converged');
    assert.deepEqual(a.pool.fixed, b.pool.fixed);
    assert.deepEqual(
      a.history.map((h) => h.largestImbalanceKw),
      b.history.map((h) => h.largestImbalanceKw),
    );
    const plain = runPool(sc, { centralized: false });
    assert.notDeepEqual(a.history.slice(0, 5).map((h) => h.primalResidual), plain.history.slice(0, 5).map((h) => h.primalResidual));
  });

  it('a warm start from the round\'s own end stops after minIterations', () => {
    const p = setupPool(sc, { centralized: false });
    const cold = p.solve();
    const warm = p.warmStart({ prices: cold.pool.clearingPrices, targets: cold.pool.fixed.targets.map((z) => z.map((v) => Number(v) / 1e6)) }).solve();
    assert.equal(warm.pool.status, 'converged');
    assert.equal(warm.iterations, 2, `warm start took ${warm.iterations}`);
    assert.ok(cold.iterations > 2);
    assert.throws(() => p.warmStart({ prices: [1, 2], targets: [] }), /slots/);
  });

  it('rolling re-clears shift the warm start and carry the executed slot over', () => {
    const two = scenario(2, 2);
    const r = runPoolRolling(two, { hours: 2, window: 24 }, { centralized: false });
    assert.equal(r.steps.length, 3);
    assert.ok(r.steps.every((s) => s.converged && s.status === 'converged'));
    for (const s of r.steps) {
      assert.ok(Number.isInteger(s.firstIterationImbalanceSlot) && s.firstIterationImbalanceSlot >= 0 && s.firstIterationImbalanceSlot < 24);
      assert.ok(s.firstIterationImbalanceKw >= 0);
    }
    assert.equal(r.steps[2].firstIterationImbalanceKw, r.last.history[0].largestImbalanceKw);
    assert.equal(r.last.timestamps[0], two.timestamps[2]);
    const shifted = shiftedWarmStart(r.first);
    assert.equal(shifted.prices[0], r.first.pool.clearingPrices[1]);
    assert.equal(shifted.prices[23], r.first.pool.clearingPrices[0]);
    assert.throws(() => runPoolRolling(two, { hours: 30, window: 24 }), /need 54 slots/);
  });
});
