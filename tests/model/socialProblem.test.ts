// The DCM: agrees with HiGHS, clears, satisfies every prosumer's constraints; the aggregated
// trade cost eps/N sum s^2 equals the explicit pairwise minimum; the trade cost barely moves the
// optimum; paper DR mode shows the arbitrage that baseline mode removes.
import assert from 'node:assert/strict';
import type { QpBackend } from '../../model/qpBackend.js';
import { QpBuilder } from '../../model/qpBuilder.js';
import { drBaseline } from '../../model/drBaseline.js';
import { slotCalendar } from '../../model/slotCalendar.js';
import { solveCentralized } from '../../model/socialProblem.js';
import { pairwiseTrades } from '../../model/tradeSplit.js';
import { loadHighsBackend } from './highsBackend.js';
import { assertScheduleFeasible } from './scheduleChecks.js';
import { syntheticScenario } from './syntheticScenario.js';

describe('solveCentralized (DCM)', function () {
  let highs: QpBackend;
  before(async () => {
    highs = await loadHighsBackend();
  });

  it('3 prosumers, one day: project solver and HiGHS agree; constraints and clearing hold', () => {
    const sc = syntheticScenario(3, 1, 1);
    const a = solveCentralized(sc);
    const b = solveCentralized(sc, { backend: highs });
    assert.equal(a.status, 'solved');
    assert.ok(Math.abs(a.objective - b.objective) <= 1e-5 * Math.abs(b.objective), `${a.objective} vs ${b.objective}`);
    a.schedules.forEach((s, i) => assertScheduleFeasible(sc.prosumers[i], s, sc.tariff, sc.options, sc.dtHours));
    for (let t = 0; t < sc.horizon; t++) {
      const sum = a.schedules.reduce((acc, s) => acc + s.netTrade[t], 0);
      assert.ok(Math.abs(sum) < 1e-6, `clearing at ${t}: ${sum}`);
    }
    // trades actually happen (the coupling matters)
    assert.ok(a.schedules.some((s) => s.netTrade.some((v) => Math.abs(v) > 0.1)));
  });

  it('aggregated trade cost eps/N sum s^2 equals the explicit pairwise minimum, at p_ij = (s_i - s_j)/N', () => {
    const N = 4;
    const eps = 0.3;
    const nets = [[1.5], [-0.25], [-2], [0.75]]; // sums to 0
    const b = new QpBuilder();
    const v = new Map<string, number>();
    for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) v.set(`${i},${j}`, b.addVariables(1));
    for (const k of v.values()) b.addQuadratic(k, k, 2 * eps); // eps * p_ij^2 for i<j (= eps/2 over ordered pairs)
    for (let i = 0; i < N; i++) {
      const cols: number[] = [];
      const vals: number[] = [];
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        cols.push(v.get(`${Math.min(i, j)},${Math.max(i, j)}`)!);
        vals.push(i < j ? 1 : -1);
      }
      b.addRow(cols, vals, nets[i][0], nets[i][0]);
    }
    const r = highs(b.toProblem());
    const closed = (eps / N) * nets.reduce((acc, s) => acc + s[0] ** 2, 0);
    assert.ok(Math.abs(r.objective - closed) < 1e-7, `${r.objective} vs ${closed}`);
    const p = pairwiseTrades(nets);
    for (const [key, k] of v) {
      const [i, j] = key.split(',').map(Number);
      assert.ok(Math.abs(r.x[k] - p[i][j][0]) < 1e-6);
      assert.ok(Math.abs(p[i][j][0] + p[j][i][0]) < 1e-15);
    }
  });

  it('the default trade cost changes the optimum by less than 1e-3 (relative)', () => {
    const sc = syntheticScenario(6, 1, 2);
    const withCost = solveCentralized(sc);
    const tiny = solveCentralized({ ...sc, options: { ...sc.options, tradeCost: 1e-9 } });
    const rel = Math.abs(withCost.objective - tiny.objective) / Math.abs(tiny.objective);
    assert.ok(withCost.objective >= tiny.objective - 1e-6);
    assert.ok(rel < 1e-3, `relative change ${rel}`);
    console.log(`      trade cost ${sc.options.tradeCost}: objective ${withCost.objective.toFixed(6)} vs ${tiny.objective.toFixed(6)} with 1e-9 (relative ${rel.toExponential(2)})`);
  });

  it("paper DR mode buys to be paid for 'reducing'; baseline mode keeps imports under the baseline", () => {
    const base = syntheticScenario(3, 1, 4);
    // a DR rate far above the energy price in the event slots
    const tariff = { ...base.tariff, demandResponse: Float64Array.from(base.tariff.demandResponse, (r) => (r > 0 ? 1.5 : 0)) };
    const paper = solveCentralized({ ...base, tariff, options: { ...base.options, demandResponse: 'paper' } });
    const baseline = solveCentralized({ ...base, tariff, options: { ...base.options, demandResponse: 'baseline' } });
    const events = Array.from(tariff.demandResponse.keys()).filter((t) => tariff.demandResponse[t] > 0);
    assert.ok(events.length > 0);
    // paper: in event slots the grid purchase goes to PGmax and is "reduced" by the same amount
    for (const [i, s] of paper.schedules.entries()) {
      const PGmax = base.prosumers[i].params.grid.PGmax;
      for (const t of events) {
        assert.ok(s.pG[t] > PGmax - 1e-4, `paper: prosumer ${i} buys ${s.pG[t]} at ${t}`);
        // what the home uses from the grid is pG - pDR; the rest is bought only to be "reduced"
        assert.ok(s.pDR[t] > PGmax / 2, `paper: prosumer ${i} "reduces" ${s.pDR[t]} at ${t}`);
      }
    }
    // baseline: the reward is only for imports below the baseline; no purchase beyond it
    const cal = slotCalendar(base.horizon, base.dtHours, 0);
    baseline.schedules.forEach((s, i) => {
      const b = drBaseline(base.prosumers[i], cal, base.dtHours);
      for (const t of events) {
        assert.ok(s.pG[t] <= b[t] + 1e-6, `baseline: purchase ${s.pG[t]} above baseline ${b[t]} at ${t}`);
        assert.ok(Math.abs(s.pDR[t] - (b[t] - s.pG[t])) < 1e-5, 'baseline: paid exactly for the reduction below the baseline');
      }
    });
    assert.ok(paper.objective < baseline.objective - 1, 'the arbitrage shows as a much lower paper objective');
  });
});
