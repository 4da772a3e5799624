// Deterministic generator of QPs shaped like a prosumer's local problem (PLT_i in
// docs/model.md): per slot grid purchase, HVAC power, indoor temperature, shiftable load,
// self-used PV, feed-in, battery charge/discharge/level, demand response and either one
// aggregated net trade (partners = 0) or one trade per partner; a peak epigraph variable;
// box bounds as identity rows; temperature and battery dynamics, the balance, the feed-in
// and demand-response limits and the peak rows; the ADMM penalty rho/2 (pHat - p)^2 -
// lambda p on the trades and small quadratic discomfort terms. Independent of model/: it
// only reproduces the size and sparsity of the real problem, for solver tests and bench.

import { cscFromTriplets } from '../../solver/cscMatrix.js';
import type { QpProblem } from '../../solver/types.js';

/** A small seeded generator (32-bit xorshift-multiply), deterministic across platforms. */
export function seededRandom(seed: number): () => number {
  let s = (seed >>> 0) ^ 0x9e3779b9;
  if (s === 0) s = 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return ((Math.imul(s, 0x2545f491) >>> 0) + 0.5) / 4294967296;
  };
}

export interface ProsumerLikeQp extends QpProblem {
  /** number of trade variables per slot (partners, or 1 when aggregated) */
  tradesPerSlot: number;
  /** index of the first variable of slot t is t * perSlot */
  perSlot: number;
}

export function prosumerLikeQp(T: number, partners: number, seed: number): ProsumerLikeQp {
  const rand = seededRandom(seed);
  const trades = partners > 0 ? partners : 1;
  const base = 10;
  const perSlot = base + trades;
  const n = T * perSlot + 1;
  const peak = T * perSlot;
  const V = { pG: 0, pAC: 1, tIn: 2, pS: 3, pRE: 4, pFIT: 5, pCH: 6, pDIS: 7, e: 8, pDR: 9 } as const;
  const idx = (t: number, k: number): number => t * perSlot + k;
  const dt = 1; // hours per slot
  const rho = 0.5 + rand();
  const a = Math.exp(-dt / (2 + rand()));
  const gamma = -(1.5 + rand());
  const tRef = 23 + 2 * rand();
  const wAC = 0.01 + 0.02 * rand();
  const wS = 0.02 + 0.05 * rand();
  const etaCh = 0.9 + 0.05 * rand();
  const etaDis = 0.9 + 0.05 * rand();
  const capacity = 5 + 10 * rand();
  const e0 = capacity * 0.5;
  const tIn0 = tRef;
  const windowStart = Math.floor(T * 0.3);
  const windowEnd = Math.floor(T * 0.8);

  const P = { r: [] as number[], c: [] as number[], v: [] as number[] };
  const q = new Float64Array(n);
  const A = { r: [] as number[], c: [] as number[], v: [] as number[] };
  const l: number[] = [];
  const u: number[] = [];
  let row = 0;
  const addRow = (entries: Array<[number, number]>, lo: number, hi: number): void => {
    for (const [col, val] of entries) {
      A.r.push(row);
      A.c.push(col);
      A.v.push(val);
    }
    l.push(lo);
    u.push(hi);
    row++;
  };
  const box = (col: number, lo: number, hi: number): void => addRow([[col, 1]], lo, hi);
  let shiftTotal = 0;
  const shiftCols: number[] = [];
  for (let t = 0; t < T; t++) {
    const hour = (t * dt) % 24;
    const sun = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
    const pv = sun * (3 + 2 * rand());
    const load = 0.4 + 0.8 * rand() + (hour > 17 && hour < 22 ? 1 : 0);
    const tOut = 26 + 6 * sun + rand();
    const piE = 0.15 + 0.1 * rand() + (hour > 16 && hour < 21 ? 0.1 : 0);
    const piFit = 0.05 + 0.02 * rand();
    const piDr = 0.1 * rand();
    const inWindow = t >= windowStart && t < windowEnd;
    const pShift = inWindow ? 0.3 + 0.5 * rand() : 0;
    // costs
    q[idx(t, V.pG)] = piE * dt;
    P.r.push(idx(t, V.tIn)); P.c.push(idx(t, V.tIn)); P.v.push(2 * wAC);
    q[idx(t, V.tIn)] = -2 * wAC * tRef;
    if (inWindow) {
      P.r.push(idx(t, V.pS)); P.c.push(idx(t, V.pS)); P.v.push(2 * wS);
      q[idx(t, V.pS)] = -2 * wS * pShift;
      shiftTotal += pShift;
      shiftCols.push(idx(t, V.pS));
    }
    q[idx(t, V.pCH)] = 0.01 * dt;
    q[idx(t, V.pDIS)] = 0.01 * dt;
    q[idx(t, V.pFIT)] = -piFit * dt;
    q[idx(t, V.pDR)] = -piDr * dt;
    for (let k = 0; k < trades; k++) {
      const col = idx(t, base + k);
      const pHat = (rand() - 0.5) * 2;
      const lambda = (rand() - 0.5) * 0.2;
      P.r.push(col); P.c.push(col); P.v.push(rho);
      q[col] = -rho * pHat - lambda;
    }
    // boxes
    box(idx(t, V.pG), 0, 20);
    box(idx(t, V.pAC), 0, 3);
    box(idx(t, V.tIn), 20, 27);
    box(idx(t, V.pS), 0, inWindow ? 1.5 : 0);
    box(idx(t, V.pRE), 0, pv);
    box(idx(t, V.pFIT), 0, Infinity);
    box(idx(t, V.pCH), 0, 3);
    box(idx(t, V.pDIS), 0, 3);
    box(idx(t, V.e), 0.1 * capacity, t === T - 1 ? capacity : 0.95 * capacity);
    if (t === T - 1) {
      // e[T] >= e[0]
      l[l.length - 1] = e0;
    }
    box(idx(t, V.pDR), 0, Infinity);
    for (let k = 0; k < trades; k++) box(idx(t, base + k), partners > 0 ? -2 : -5, partners > 0 ? 2 : 5);
    // dynamics: tIn[t] - a tIn[t-1] - gamma pAC[t] = (1 - a) tOut
    const tempRow: Array<[number, number]> = [[idx(t, V.tIn), 1], [idx(t, V.pAC), -gamma]];
    let tempRhs = (1 - a) * tOut;
    if (t > 0) tempRow.push([idx(t - 1, V.tIn), -a]);
    else tempRhs += a * tIn0;
    addRow(tempRow, tempRhs, tempRhs);
    const batRow: Array<[number, number]> = [[idx(t, V.e), 1], [idx(t, V.pCH), -etaCh * dt], [idx(t, V.pDIS), dt / etaDis]];
    let batRhs = 0;
    if (t > 0) batRow.push([idx(t - 1, V.e), -1]);
    else batRhs = e0;
    addRow(batRow, batRhs, batRhs);
    // balance: pAC + pS + pCH + sum trades - pRE - pG + pDR - pDIS = -load
    const bal: Array<[number, number]> = [
      [idx(t, V.pAC), 1], [idx(t, V.pS), 1], [idx(t, V.pCH), 1], [idx(t, V.pRE), -1],
      [idx(t, V.pG), -1], [idx(t, V.pDR), 1], [idx(t, V.pDIS), -1],
    ];
    for (let k = 0; k < trades; k++) bal.push([idx(t, base + k), 1]);
    addRow(bal, -load, -load);
    addRow([[idx(t, V.pFIT), 1], [idx(t, V.pRE), 1]], -Infinity, pv);
    addRow([[idx(t, V.pDR), 1], [idx(t, V.pG), -1]], -Infinity, 0);
    addRow([[idx(t, V.pG), 1], [peak, -1]], -Infinity, 0);
  }
  q[peak] = 0.5 + rand();
  box(peak, 0, Infinity);
  addRow(shiftCols.map((c) => [c, 1] as [number, number]), shiftTotal, shiftTotal);
  const m = row;
  return {
    P: cscFromTriplets(n, n, P.r, P.c, P.v),
    q,
    A: cscFromTriplets(m, n, A.r, A.c, A.v),
    l: Float64Array.from(l),
    u: Float64Array.from(u),
    tradesPerSlot: trades,
    perSlot,
  };
}
