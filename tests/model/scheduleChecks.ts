// Test helper: assert that a prosumer schedule satisfies the model's constraints (1)-(13).
import assert from 'node:assert/strict';
import type { ProsumerSchedule } from '../../admm/types.js';
import { hvacDecay, initialIndoor } from '../../model/hvacDynamics.js';
import type { ModelOptions, ProsumerInput, Tariff } from '../../model/scenario.js';
import { shiftableWindows } from '../../model/shiftableWindows.js';
import { slotCalendar } from '../../model/slotCalendar.js';

export function assertScheduleFeasible(
  p: ProsumerInput,
  s: ProsumerSchedule,
  tariff: Tariff,
  options: ModelOptions,
  dt: number,
  tol = 1e-5,
  startSlot = 0,
): void {
  const T = p.series.load.length;
  const par = p.params;
  const paperDr = options.demandResponse === 'paper';
  for (let t = 0; t < T; t++) {
    assert.ok(s.pG[t] >= -tol && s.pG[t] <= par.grid.PGmax + tol, `(1) pG[${t}] = ${s.pG[t]}`);
    assert.ok(s.pRE[t] >= -tol && s.pRE[t] <= p.series.pv[t] + tol, `(5) pRE[${t}]`);
    assert.ok(s.pFIT[t] >= -tol && s.pFIT[t] <= p.series.pv[t] - s.pRE[t] + tol, `(11) pFIT[${t}]`);
    assert.ok(s.pDR[t] >= -tol, `pDR[${t}] >= 0`);
    if (paperDr) assert.ok(s.pDR[t] <= s.pG[t] + tol, `(12) pDR[${t}] <= pG`);
    const supply = s.pRE[t] + s.pG[t] - (paperDr ? s.pDR[t] : 0) + s.pDIS[t];
    const demand = p.series.load[t] + s.pAC[t] + s.pS[t] + s.pCH[t] + s.netTrade[t];
    assert.ok(Math.abs(supply - demand) <= 1e-6, `(13) balance at ${t}: ${supply - demand}`);
  }
  if (par.hvac) {
    const h = par.hvac;
    const a = hvacDecay(h, dt);
    let prev = initialIndoor(h);
    for (let t = 0; t < T; t++) {
      const drive = options.hvacTiming === 'paper' ? (t > 0 ? s.pAC[t - 1] : 0) : s.pAC[t];
      const expected = p.series.tOut[t] - (p.series.tOut[t] - prev) * a + h.gamma * drive;
      assert.ok(Math.abs(s.tIn[t] - expected) <= tol, `(2) tIn[${t}] ${s.tIn[t]} vs ${expected}`);
      assert.ok(s.tIn[t] >= h.TACmin - tol && s.tIn[t] <= h.TACmax + tol, `(3) comfort band at ${t}`);
      assert.ok(s.pAC[t] >= -tol && s.pAC[t] <= h.PACmax + tol, `(3) pAC[${t}]`);
      prev = s.tIn[t];
    }
  }
  if (par.shiftable) {
    const win = shiftableWindows(par.shiftable, slotCalendar(T, dt, startSlot), dt);
    for (const g of win.groups) {
      let want = 0;
      let got = 0;
      for (const t of g) {
        want += win.preferred[t];
        got += s.pS[t];
        assert.ok(s.pS[t] >= -tol && s.pS[t] <= par.shiftable.PSmax + tol, `(4) pS[${t}]`);
      }
      assert.ok(Math.abs(want - got) <= 1e-5, `(4) shiftable energy ${got} vs ${want}`);
    }
    for (let t = 0; t < T; t++) if (Number.isNaN(win.preferred[t])) assert.equal(s.pS[t], 0, `(4) pS[${t}] outside the window`);
  }
  if (par.battery) {
    const b = par.battery;
    let prev = b.e0 * b.E;
    for (let t = 0; t < T; t++) {
      const expected = prev + b.etaCH * dt * s.pCH[t] - (dt * s.pDIS[t]) / b.etaDIS;
      assert.ok(Math.abs(s.e[t] - expected) <= tol, `(6) e[${t}]`);
      assert.ok(s.e[t] >= b.aMin * b.E - tol && s.e[t] <= b.aMax * b.E + tol, `(7) e[${t}] = ${s.e[t]}`);
      assert.ok(s.pCH[t] >= -tol && s.pCH[t] <= b.PCHmax + tol, `(8) pCH[${t}]`);
      assert.ok(s.pDIS[t] >= -tol && s.pDIS[t] <= b.PDISmax + tol, `(9) pDIS[${t}]`);
      prev = s.e[t];
    }
    if (options.terminalEnergy) assert.ok(s.e[T - 1] >= b.e0 * b.E - tol, 'terminal energy');
  }
  for (let t = 0; t < T; t++) if (!(tariff.demandResponse[t] > 0)) assert.equal(s.pDR[t], 0, `pDR outside events at ${t}`);
}
