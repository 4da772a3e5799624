// One prosumer's block of the QP (model note, constraints (1)-(9), (11)-(13) and its own cost),
// appended to a QpBuilder. The same builder serves the local problem PLT_i (model/localProblem.ts)
// and the social problem DCM (model/socialProblem.ts); the trades enter only through the net
// trade s[t] = sum_j pET[i][j][t] in the balance (13), so the block exposes s and the caller adds
// the trade terms.
//
// Variables per slot t (absent when the prosumer lacks the DER):
//   pG, pRE, pFIT, s                      always
//   pAC, tIn                              with HVAC
//   pS                                    with a shiftable load, only in window slots
//   pCH, pDIS, e                          with a battery
//   pDR                                   only in DR event slots (piDR[t] > 0)
// plus the peak epigraph z >= pG[t], z >= 0 (demand charge piD * z).
//
// Demand response:
//   'paper':    0 <= pDR <= pG (12), pDR subtracted from the supply in (13), revenue piDR*dt*pDR.
//   'baseline': pDR is a settlement quantity, not an energy flow: 0 <= pDR <= b[t] - pG[t]
//               (b from model/drBaseline.ts), revenue piDR*dt*pDR, (13) without pDR.
//               At the optimum pDR = b - pG: the reward of the one-sided rule
//               piDR*max(0, b - pG) whenever pG <= b; it commits the prosumer to pG <= b in
//               event slots. (The exact one-sided reward is concave in pG, i.e. non-convex as a
//               cost; the commitment is its convex restriction, exact on pG <= b.)
// HVAC timing: 'same-slot' pAC[t] drives tIn[t]; 'paper' pAC[t-1] drives tIn[t] with the HVAC
// off before the horizon (pAC[-1] = 0), so pAC[T-1] has no effect and stays 0.
import type { ProsumerSchedule } from './prosumerSchedule.js';
import { drBaseline } from './drBaseline.js';
import { hvacDecay, initialIndoor } from './hvacDynamics.js';
import type { QpBuilder } from './qpBuilder.js';
import type { ModelOptions, ProsumerInput, Tariff } from './scenario.js';
import { shiftableWindows } from './shiftableWindows.js';
import { slotCalendar } from './slotCalendar.js';

/** What the block needs besides the prosumer's own data. */
export interface BlockContext {
  tariff: Tariff;
  options: ModelOptions;
  dtHours: number;
  /** slot of the day of the first slot (model/slotCalendar.ts); 0 = the horizon starts at midnight */
  startSlot: number;
}

/** Variable indices of one prosumer in the QP (-1: absent in that slot). */
export interface ProsumerLayout {
  T: number;
  pG: Int32Array;
  pRE: Int32Array;
  pFIT: Int32Array;
  s: Int32Array;
  pAC: Int32Array;
  tIn: Int32Array;
  pS: Int32Array;
  pCH: Int32Array;
  pDIS: Int32Array;
  e: Int32Array;
  pDR: Int32Array;
  z: number;
  /** row of the balance (13) in each slot */
  balanceRows: Int32Array;
  /** preferred shiftable load PS[t], NaN outside the windows (or no shiftable load) */
  preferredShift: Float64Array;
  /** DR baseline b[t] ('baseline' mode), kW */
  baseline: Float64Array;
}

const absent = (T: number) => new Int32Array(T).fill(-1);

function vars(b: QpBuilder, T: number): Int32Array {
  const first = b.addVariables(T);
  return Int32Array.from({ length: T }, (_, t) => first + t);
}

/** Append prosumer i's variables, constraints and own cost to `b`. */
export function addProsumerBlock(b: QpBuilder, prosumer: ProsumerInput, ctx: BlockContext): ProsumerLayout {
  const { load, pv, tOut } = prosumer.series;
  const T = load.length;
  const { tariff, options, dtHours: dt } = ctx;
  const par = prosumer.params;
  const cal = slotCalendar(T, dt, ctx.startSlot);

  const L: ProsumerLayout = {
    T,
    pG: vars(b, T),
    pRE: vars(b, T),
    pFIT: vars(b, T),
    s: vars(b, T),
    pAC: absent(T),
    tIn: absent(T),
    pS: absent(T),
    pCH: absent(T),
    pDIS: absent(T),
    e: absent(T),
    pDR: absent(T),
    z: b.addVariables(1),
    balanceRows: new Int32Array(T),
    preferredShift: new Float64Array(T).fill(Number.NaN),
    baseline: new Float64Array(T),
  };
  const PGmax = par.grid.PGmax;
  for (let t = 0; t < T; t++) {
    b.addBound(L.pG[t], 0, PGmax); // (1)
    b.addLinear(L.pG[t], tariff.energy[t] * dt);
    b.addBound(L.pRE[t], 0, pv[t]); // (5)
    b.addBound(L.pFIT[t], 0, Infinity); // (11)
    b.addRow([L.pRE[t], L.pFIT[t]], [1, 1], -Infinity, pv[t]); // (11) pFIT <= PRE - pRE
    b.addLinear(L.pFIT[t], -tariff.feedIn[t] * dt);
    b.addRow([L.z, L.pG[t]], [1, -1], 0, Infinity); // z >= pG[t]
  }
  b.addBound(L.z, 0, Infinity);
  b.addLinear(L.z, tariff.demandCharge);

  const h = par.hvac;
  if (h) {
    L.pAC = vars(b, T);
    L.tIn = vars(b, T);
    const a = hvacDecay(h, dt);
    const paperTiming = options.hvacTiming === 'paper';
    for (let t = 0; t < T; t++) {
      b.addBound(L.pAC[t], 0, h.PACmax); // (3)
      b.addBound(L.tIn[t], h.TACmin, h.TACmax); // (3)
      // (2): tIn[t] - a*tIn[t-1] - gamma*pAC[t'] = (1 - a)*tOut[t]
      const cols: number[] = [L.tIn[t]];
      const vals: number[] = [1];
      let rhs = (1 - a) * tOut[t];
      if (t > 0) {
        cols.push(L.tIn[t - 1]);
        vals.push(-a);
      } else rhs += a * initialIndoor(h);
      const driver = paperTiming ? t - 1 : t;
      if (driver >= 0) {
        cols.push(L.pAC[driver]);
        vals.push(-h.gamma);
      }
      b.addRow(cols, vals, rhs, rhs);
      // wAC * (tIn - tRef)^2
      b.addQuadratic(L.tIn[t], L.tIn[t], 2 * h.wAC);
      b.addLinear(L.tIn[t], -2 * h.wAC * h.tRef);
      b.constant += h.wAC * h.tRef * h.tRef;
    }
  }

  const sh = par.shiftable;
  if (sh) {
    const win = shiftableWindows(sh, cal, dt);
    L.preferredShift = win.preferred;
    for (const group of win.groups) {
      let energy = 0;
      for (const t of group) {
        const ps = win.preferred[t];
        const v = b.addVariables(1);
        L.pS[t] = v;
        b.addBound(v, 0, sh.PSmax); // (4)
        b.addQuadratic(v, v, 2 * sh.wS);
        b.addLinear(v, -2 * sh.wS * ps);
        b.constant += sh.wS * ps * ps;
        energy += ps;
      }
      b.addRow(
        group.map((t) => L.pS[t]),
        group.map(() => 1),
        energy,
        energy,
      ); // (4) energy of the day's window conserved
    }
  }

  const bat = par.battery;
  if (bat) {
    L.pCH = vars(b, T);
    L.pDIS = vars(b, T);
    L.e = vars(b, T);
    const e0 = bat.e0 * bat.E;
    for (let t = 0; t < T; t++) {
      b.addBound(L.pCH[t], 0, bat.PCHmax); // (8)
      b.addBound(L.pDIS[t], 0, bat.PDISmax); // (9)
      const last = t === T - 1 && options.terminalEnergy;
      b.addBound(L.e[t], last ? Math.max(bat.aMin * bat.E, e0) : bat.aMin * bat.E, bat.aMax * bat.E); // (7), terminal
      // (6): e[t] - e[t-1] - etaCH*dt*pCH + dt/etaDIS*pDIS = 0
      const cols = [L.e[t], L.pCH[t], L.pDIS[t]];
      const vals = [1, -bat.etaCH * dt, dt / bat.etaDIS];
      if (t > 0) {
        cols.push(L.e[t - 1]);
        vals.push(-1);
      }
      const rhs = t > 0 ? 0 : e0;
      b.addRow(cols, vals, rhs, rhs);
      b.addLinear(L.pCH[t], bat.beta * dt);
      b.addLinear(L.pDIS[t], bat.beta * dt);
    }
  }

  const paperDr = options.demandResponse === 'paper';
  const hasEvents = tariff.demandResponse.some((r) => r > 0);
  if (hasEvents && !paperDr) L.baseline = drBaseline(prosumer, cal, dt);
  for (let t = 0; t < T; t++) {
    const rate = tariff.demandResponse[t];
    if (!(rate > 0)) continue;
    const v = b.addVariables(1);
    L.pDR[t] = v;
    b.addBound(v, 0, Infinity);
    if (paperDr) b.addRow([v, L.pG[t]], [1, -1], -Infinity, 0); // (12) pDR <= pG
    else b.addRow([v, L.pG[t]], [1, 1], -Infinity, L.baseline[t]); // pDR <= b - pG
    b.addLinear(v, -rate * dt);
  }

  // (13): pRE + pG - pDR(paper) + pDIS - pAC - pS - pCH - s = L
  for (let t = 0; t < T; t++) {
    const cols = [L.pRE[t], L.pG[t], L.s[t]];
    const vals = [1, 1, -1];
    if (L.pDR[t] >= 0 && paperDr) {
      cols.push(L.pDR[t]);
      vals.push(-1);
    }
    if (L.pDIS[t] >= 0) {
      cols.push(L.pDIS[t], L.pCH[t]);
      vals.push(1, -1);
    }
    if (L.pAC[t] >= 0) {
      cols.push(L.pAC[t]);
      vals.push(-1);
    }
    if (L.pS[t] >= 0) {
      cols.push(L.pS[t]);
      vals.push(-1);
    }
    L.balanceRows[t] = b.addRow(cols, vals, load[t], load[t]);
  }
  return L;
}

const pick = (x: Float64Array, idx: Int32Array, fill = 0): number[] => Array.from(idx, (k) => (k >= 0 ? x[k] : fill));

/** Read prosumer i's schedule out of a solution vector; `trade` is its trade-cost term. */
export function extractSchedule(
  prosumer: ProsumerInput,
  layout: ProsumerLayout,
  x: Float64Array,
  ctx: BlockContext,
  trade: number,
): ProsumerSchedule {
  const sched: ProsumerSchedule = {
    id: prosumer.id,
    pG: pick(x, layout.pG),
    pAC: pick(x, layout.pAC),
    // a home without HVAC has no modelled indoor temperature: NaN (null in JSON)
    tIn: pick(x, layout.tIn, Number.NaN),
    pS: pick(x, layout.pS),
    pRE: pick(x, layout.pRE),
    pFIT: pick(x, layout.pFIT),
    pCH: pick(x, layout.pCH),
    pDIS: pick(x, layout.pDIS),
    e: pick(x, layout.e),
    pDR: pick(x, layout.pDR),
    netTrade: pick(x, layout.s),
    cost: 0,
    costTerms: {},
  };
  const c = evaluateOwnCost(prosumer, layout.preferredShift, sched, ctx, trade);
  sched.cost = c.cost;
  sched.costTerms = c.terms;
  return sched;
}

/**
 * The prosumer's own cost (model note) of a schedule, by term; `trade` is added as the 'trade'
 * term. Positive terms are charges, negative ones revenues.
 */
export function evaluateOwnCost(
  prosumer: ProsumerInput,
  preferredShift: Float64Array,
  s: Pick<ProsumerSchedule, 'pG' | 'tIn' | 'pS' | 'pFIT' | 'pCH' | 'pDIS' | 'pDR'>,
  ctx: BlockContext,
  trade: number,
): { cost: number; terms: Record<string, number> } {
  const { tariff, dtHours: dt } = ctx;
  const T = s.pG.length;
  const par = prosumer.params;
  let energy = 0;
  let peak = 0;
  let comfortAC = 0;
  let comfortShift = 0;
  let battery = 0;
  let feedIn = 0;
  let demandResponse = 0;
  for (let t = 0; t < T; t++) {
    energy += tariff.energy[t] * dt * s.pG[t];
    peak = Math.max(peak, s.pG[t]);
    if (par.hvac) comfortAC += par.hvac.wAC * (s.tIn[t] - par.hvac.tRef) ** 2;
    if (par.shiftable && !Number.isNaN(preferredShift[t])) comfortShift += par.shiftable.wS * (s.pS[t] - preferredShift[t]) ** 2;
    if (par.battery) battery += par.battery.beta * dt * (s.pCH[t] + s.pDIS[t]);
    feedIn -= dt * tariff.feedIn[t] * s.pFIT[t];
    demandResponse -= dt * tariff.demandResponse[t] * s.pDR[t];
  }
  const terms: Record<string, number> = {
    energy,
    demand: tariff.demandCharge * Math.max(0, peak),
    comfortAC,
    comfortShift,
    battery,
    feedIn,
    demandResponse,
    trade,
  };
  let cost = 0;
  for (const v of Object.values(terms)) cost += v;
  return { cost, terms };
}
