// PLT_i: constraints hold, the closed-form trade split equals explicit per-partner variables,
// reruns are bit-identical, and HiGHS agrees with the project's solver.
import assert from 'node:assert/strict';
import { solveLocal, type LocalSolveInput } from '../../model/localProblem.js';
import type { QpBackend } from '../../model/qpBackend.js';
import { loadHighsBackend } from './highsBackend.js';
import { assertScheduleFeasible } from './scheduleChecks.js';
import { syntheticScenario } from './syntheticScenario.js';

describe('solveLocal (PLT_i)', function () {
  let highs: QpBackend;
  before(async () => {
    highs = await loadHighsBackend();
  });
  const sc = syntheticScenario(5, 1, 3);
  const T = sc.horizon;
  const M = 3;
  // partner prices and pHat that vary by partner and slot
  const inputFor = (i: number): LocalSolveInput => ({
    prosumer: sc.prosumers[i],
    tariff: sc.tariff,
    options: sc.options,
    dtHours: sc.dtHours,
    partners: M,
    rho: 0.7,
    lambdaRow: Float64Array.from({ length: M * T }, (_, k) => 0.1 + 0.05 * Math.sin(k)),
    hatRow: Float64Array.from({ length: M * T }, (_, k) => Math.cos(0.7 * k)),
  });

  it('satisfies constraints (1)-(13) and conserves the net trade', () => {
    for (let i = 0; i < 4; i++) {
      const out = solveLocal(inputFor(i));
      assert.equal(out.status, 'solved');
      assertScheduleFeasible(sc.prosumers[i], out.schedule, sc.tariff, sc.options, sc.dtHours);
      for (let t = 0; t < T; t++) {
        let sum = 0;
        for (let m = 0; m < M; m++) sum += out.trades[m * T + t];
        assert.ok(Math.abs(sum - out.schedule.netTrade[t]) < 1e-9, `sum of trades = s at ${t}`);
      }
    }
  });

  it('closed-form split equals explicit partner variables (both solved by HiGHS)', () => {
    for (let i = 0; i < 3; i++) {
      const a = solveLocal(inputFor(i), { backend: highs });
      const b = solveLocal(inputFor(i), { backend: highs, explicitPartners: true });
      let d = 0;
      for (let k = 0; k < a.trades.length; k++) d = Math.max(d, Math.abs(a.trades[k] - b.trades[k]));
      assert.ok(d < 1e-5, `max trade difference ${d}`);
      assert.ok(Math.abs(a.schedule.cost - b.schedule.cost) < 1e-5 * Math.max(1, Math.abs(a.schedule.cost)));
    }
  });

  it('project solver and HiGHS reach the same local optimum', () => {
    for (let i = 0; i < 5; i++) {
      const a = solveLocal(inputFor(i));
      const b = solveLocal(inputFor(i), { backend: highs });
      // compare the full PLT objective: own cost + (rho+eps)/2 p^2 - c p
      const plt = (o: typeof a) => {
        let v = o.schedule.cost - o.schedule.costTerms.trade;
        const inp = inputFor(i);
        const k = inp.rho + sc.options.tradeCost;
        for (let j = 0; j < o.trades.length; j++) v += (k / 2) * o.trades[j] ** 2 - (inp.rho * inp.hatRow[j] + inp.lambdaRow[j]) * o.trades[j];
        return v;
      };
      const gap = Math.abs(plt(a) - plt(b));
      assert.ok(gap < 1e-4 * Math.max(1, Math.abs(plt(b))), `prosumer ${i}: ${plt(a)} vs ${plt(b)}`);
    }
  });

  it('is deterministic: a rerun gives bit-identical trades and schedule', () => {
    const a = solveLocal(inputFor(1));
    const fresh = syntheticScenario(5, 1, 3); // new objects: no cache shared
    const b = solveLocal({ ...inputFor(1), prosumer: fresh.prosumers[1], tariff: fresh.tariff });
    assert.deepEqual(Array.from(a.trades), Array.from(b.trades));
    assert.deepEqual(a.schedule, b.schedule);
  });

  it('without partners the net trade is zero', () => {
    const out = solveLocal({ ...inputFor(0), partners: 0, lambdaRow: new Float64Array(0), hatRow: new Float64Array(0) });
    assert.equal(out.trades.length, 0);
    for (const s of out.schedule.netTrade) assert.ok(Math.abs(s) < 1e-6);
  });
});
