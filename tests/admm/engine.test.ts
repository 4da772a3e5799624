// The ADMM engine against the centralised optimum on a small scenario: gap <= 1e-3, clearing at
// convergence, every prosumer's constraints; state-row helpers; warm start.
import assert from 'node:assert/strict';
import { index, initialState, toFixed } from '../../admm/coordinatorStep.js';
import { runAdmm, runAdmmAsync } from '../../admm/engine.js';
import { participantRows, partnerOf, partnerSlot, placeTradeRow, tradesToFixed } from '../../admm/stateRows.js';
import type { CoordinationResult } from '../../admm/types.js';
import { assertScheduleFeasible } from '../model/scheduleChecks.js';
import { syntheticScenario } from '../model/syntheticScenario.js';

describe('ADMM engine', function () {
  const sc = syntheticScenario(4, 1, 5);
  let result: CoordinationResult;
  before(() => {
    result = runAdmm(sc);
  });

  it('converges to the centralised optimum (relative gap <= 1e-3)', () => {
    assert.equal(result.converged, true);
    assert.ok(result.relativeGap <= 1e-3, `gap ${result.relativeGap}`);
    assert.equal(result.history.length, result.iterations);
    assert.ok(result.history.every((h, k) => h.iteration === k + 1));
    console.log(`      N=4 T=24: ${result.iterations} iterations, gap ${result.relativeGap.toExponential(2)}`);
  });

  it('clears at convergence and keeps every prosumer feasible', () => {
    const n = sc.prosumers.length;
    for (let t = 0; t < sc.horizon; t++) {
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) assert.ok(Math.abs(result.trades[i][j][t] + result.trades[j][i][t]) < 1e-3, `clearing ${i},${j},${t}`);
      const total = result.admmSchedules.reduce((a, s) => a + s.netTrade[t], 0);
      assert.ok(Math.abs(total) < 1e-2, `net trades sum to ${total} at ${t}`);
    }
    result.admmSchedules.forEach((s, i) => assertScheduleFeasible(sc.prosumers[i], s, sc.tariff, sc.options, sc.dtHours));
    // prices are symmetric per pair
    assert.deepEqual(result.prices[0][1], result.prices[1][0]);
  });

  it('reports residuals in real units consistent with the trades', () => {
    const last = result.history[result.history.length - 1];
    assert.ok(Math.abs(last.primalResidual - result.primalResidual) < 1e-15);
    // primal residual = ||pHat - pET|| with pHat_ij = (pET_ij - pET_ji)/2: recompute from the trades
    let r2 = 0;
    const n = sc.prosumers.length;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        if (i !== j) for (let t = 0; t < sc.horizon; t++) r2 += ((result.trades[i][j][t] + result.trades[j][i][t]) / 2) ** 2;
    assert.ok(Math.abs(Math.sqrt(r2) - last.primalResidual) < 1e-4, `${Math.sqrt(r2)} vs ${last.primalResidual}`);
  });

  it('a warm start from the converged prices needs fewer iterations', () => {
    const warm = runAdmm(sc, { initialPrices: result.prices, centralized: false });
    assert.equal(warm.converged, true);
    assert.ok(warm.iterations < result.iterations, `${warm.iterations} vs ${result.iterations}`);
  });

  it('the async form reports every iteration and gives the same result', async () => {
    const seen: number[] = [];
    const r = await runAdmmAsync(sc, { centralized: false, maxIterations: 5 }, (rec) => seen.push(rec.iteration));
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(r.converged, false);
    assert.deepEqual(
      r.history.map((h) => h.objective),
      result.history.slice(0, 5).map((h) => h.objective),
    );
  });
});

describe('coordinator state rows', () => {
  it('partner slots skip the participant itself', () => {
    assert.deepEqual([0, 1, 2].map((m) => partnerOf(1, m)), [0, 2, 3]);
    assert.deepEqual([0, 2, 3].map((j) => partnerSlot(1, j)), [0, 1, 2]);
  });

  it('rows read back what was placed, in the layout row[m*T + t]', () => {
    const n = 3;
    const t = 2;
    const st = initialState(n, t, 1_000_000n);
    st.lambda[index(n, t, 2, 0, 1)] = toFixed(0.25);
    st.hat[index(n, t, 2, 1, 0)] = toFixed(-1.5);
    const rows = participantRows(st, n, t, 2);
    assert.deepEqual(Array.from(rows.lambdaRow), [0, 0.25, 0, 0]);
    assert.deepEqual(Array.from(rows.hatRow), [0, 0, -1.5, 0]);
    const trades = tradesToFixed([new Float64Array([1, 2, 3, 4]), new Float64Array(4), new Float64Array([0.5, 0, 0, -0.000_000_6])], n, t);
    assert.equal(trades[index(n, t, 0, 2, 1)], 4_000_000n);
    assert.equal(trades[index(n, t, 2, 0, 0)], 500_000n);
    assert.equal(trades[index(n, t, 2, 1, 1)], -1n); // -0.6e-6 kW rounds half away from zero to -1e-6
    const again = new BigInt64Array(n * n * t);
    placeTradeRow(again, n, t, 0, BigInt64Array.from([1n, 2n, 3n, 4n]));
    assert.equal(again[index(n, t, 0, 1, 0)], 1n);
    assert.equal(again[index(n, t, 0, 2, 1)], 4n);
  });
});
