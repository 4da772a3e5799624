// Seeded random convex QPs for the solver tests: P = M'M + mu I (upper triangle), with
// equality rows, two-sided inequality rows, one-sided rows and variable bound rows, all
// feasible by construction (built around a random interior point).

import { cscFromTriplets } from '../../solver/cscMatrix.js';
import type { QpProblem } from '../../solver/types.js';
import { seededRandom } from './prosumerLikeQp.js';

export function randomConvexQp(n: number, seed: number, opts: { mu?: number; density?: number } = {}): QpProblem {
  const rand = seededRandom(seed);
  const mu = opts.mu ?? 0.1;
  const density = opts.density ?? 0.4;
  const normal = (): number => {
    const u1 = rand();
    const u2 = rand();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  // P = M'M + mu I with M sparse k x n
  const k = Math.max(1, Math.floor(n / 2));
  const M: number[][] = [];
  for (let r = 0; r < k; r++) M.push(Array.from({ length: n }, () => (rand() < density ? normal() : 0)));
  const pr: number[] = [], pc: number[] = [], pv: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      let v = i === j ? mu : 0;
      for (let r = 0; r < k; r++) v += M[r][i] * M[r][j];
      if (v !== 0) {
        pr.push(i);
        pc.push(j);
        pv.push(v);
      }
    }
  }
  const q = Float64Array.from({ length: n }, () => 3 * normal());
  const x0 = Array.from({ length: n }, () => normal());
  const ar: number[] = [], ac: number[] = [], av: number[] = [];
  const l: number[] = [], u: number[] = [];
  let row = 0;
  const addRow = (coeffs: number[], kind: 'eq' | 'range' | 'lower' | 'upper'): void => {
    let ax = 0;
    coeffs.forEach((c, j) => {
      if (c !== 0) {
        ar.push(row);
        ac.push(j);
        av.push(c);
        ax += c * x0[j];
      }
    });
    const slack = 0.1 + rand();
    if (kind === 'eq') { l.push(ax); u.push(ax); }
    else if (kind === 'range') { l.push(ax - slack); u.push(ax + 0.5 * slack); }
    else if (kind === 'lower') { l.push(ax - 0.2 * slack); u.push(Infinity); }
    else { l.push(-Infinity); u.push(ax + 0.2 * slack); }
    row++;
  };
  const randomRow = (): number[] => {
    const r: number[] = Array.from({ length: n }, () => (rand() < density ? normal() : 0));
    if (!r.some((v) => v !== 0)) r[Math.floor(rand() * n)] = 1;
    return r;
  };
  const nEq = Math.max(1, Math.floor(n / 4));
  for (let t = 0; t < nEq; t++) addRow(randomRow(), 'eq');
  for (let t = 0; t < Math.floor(n / 2); t++) addRow(randomRow(), 'range');
  for (let t = 0; t < Math.floor(n / 3); t++) addRow(randomRow(), t % 2 === 0 ? 'lower' : 'upper');
  // variable bounds on every variable (tight enough to bind some of them)
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    addRow(e, 'range');
  }
  return {
    P: cscFromTriplets(n, n, pr, pc, pv),
    q,
    A: cscFromTriplets(row, n, ar, ac, av),
    l: Float64Array.from(l),
    u: Float64Array.from(u),
  };
}
