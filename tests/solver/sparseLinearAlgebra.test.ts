// Tests of the solver's sparse building blocks: CSC construction, the minimum-degree
// ordering and the LDL' factorisation of quasi-definite matrices.

import assert from 'node:assert/strict';
import { cscFromTriplets, cscMultiplySymmetricUpper, cscTranspose } from '../../solver/cscMatrix.js';
import { LdlFactorization } from '../../solver/ldlFactorization.js';
import { invertPermutation, minimumDegreeOrdering } from '../../solver/minimumDegreeOrdering.js';
import { seededRandom } from './prosumerLikeQp.js';

describe('solver: CSC matrices', () => {
  it('cscFromTriplets sums duplicates and sorts rows within columns', () => {
    const a = cscFromTriplets(3, 2, [2, 0, 2, 1, 0], [0, 0, 0, 1, 1], [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(a.colPtr), [0, 2, 4]);
    assert.deepEqual(Array.from(a.rowIdx), [0, 2, 0, 1]);
    assert.deepEqual(Array.from(a.values), [2, 4, 5, 4]);
  });

  it('rejects out-of-range indices', () => {
    assert.throws(() => cscFromTriplets(2, 2, [2], [0], [1]), /row index 2/);
    assert.throws(() => cscFromTriplets(2, 2, [0], [5], [1]), /column index 5/);
  });

  it('transpose twice gives the matrix back', () => {
    const rand = seededRandom(3);
    const r: number[] = [], c: number[] = [], v: number[] = [];
    for (let k = 0; k < 40; k++) { r.push(Math.floor(rand() * 7)); c.push(Math.floor(rand() * 5)); v.push(rand()); }
    const a = cscFromTriplets(7, 5, r, c, v);
    const back = cscTranspose(cscTranspose(a));
    assert.deepEqual(Array.from(back.colPtr), Array.from(a.colPtr));
    assert.deepEqual(Array.from(back.rowIdx), Array.from(a.rowIdx));
    assert.deepEqual(Array.from(back.values), Array.from(a.values));
  });
});

/** Random sparse quasi-definite matrix [H + I, B'; B, -I] given as an upper triangle. */
function randomQuasiDefinite(n: number, m: number, seed: number) {
  const rand = seededRandom(seed);
  const r: number[] = [], c: number[] = [], v: number[] = [];
  const dense: number[][] = Array.from({ length: n + m }, () => new Array<number>(n + m).fill(0));
  const add = (i: number, j: number, x: number) => {
    const [a, b] = i <= j ? [i, j] : [j, i];
    r.push(a); c.push(b); v.push(x);
    dense[a][b] += x;
    if (a !== b) dense[b][a] += x;
  };
  for (let j = 0; j < n; j++) add(j, j, 1 + rand());
  for (let k = 0; k < n; k++) { const i = Math.floor(rand() * n), j = Math.floor(rand() * n); if (i !== j) add(i, j, 0.3 * (rand() - 0.5)); }
  for (let i = 0; i < m; i++) {
    add(n + i, n + i, -(0.5 + rand()));
    for (let k = 0; k < 3; k++) add(Math.floor(rand() * n), n + i, rand() - 0.5);
  }
  return { upper: cscFromTriplets(n + m, n + m, r, c, v), dense };
}

describe('solver: minimum-degree ordering and LDL\' factorisation', () => {
  it('the ordering is a permutation and is deterministic', () => {
    const { upper } = randomQuasiDefinite(30, 20, 7);
    const p1 = minimumDegreeOrdering(50, upper.colPtr, upper.rowIdx);
    const p2 = minimumDegreeOrdering(50, upper.colPtr, upper.rowIdx);
    assert.deepEqual(Array.from(p1), Array.from(p2));
    assert.deepEqual(Array.from(p1).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  });

  it('orders an arrow matrix with its hub last (no fill)', () => {
    // hub node 0 linked to all others: eliminating it first would fill everything
    const n = 40;
    const r: number[] = [], c: number[] = [], v: number[] = [];
    for (let j = 0; j < n; j++) { r.push(j); c.push(j); v.push(4); }
    for (let j = 1; j < n; j++) { r.push(0); c.push(j); v.push(1); }
    const a = cscFromTriplets(n, n, r, c, v);
    const perm = minimumDegreeOrdering(n, a.colPtr, a.rowIdx);
    // once only one leaf is left, hub and leaf tie; either way the hub is among the last two
    assert.ok(Array.from(perm).indexOf(0) >= n - 2, `hub at position ${Array.from(perm).indexOf(0)}`);
  });

  for (const seed of [1, 2, 3]) {
    it(`solves a random quasi-definite system to 1e-10 (seed ${seed}), with the right inertia`, () => {
      const n = 25, m = 15;
      const { upper, dense } = randomQuasiDefinite(n, m, seed);
      const size = n + m;
      const perm = minimumDegreeOrdering(size, upper.colPtr, upper.rowIdx);
      const inv = invertPermutation(perm);
      // permute: entry (i, j) goes to (inv i, inv j), kept upper
      const r: number[] = [], c: number[] = [], v: number[] = [];
      for (let j = 0; j < size; j++) for (let p = upper.colPtr[j]; p < upper.colPtr[j + 1]; p++) {
        const a = inv[upper.rowIdx[p]], b = inv[j];
        r.push(Math.min(a, b)); c.push(Math.max(a, b)); v.push(upper.values[p]);
      }
      const k = cscFromTriplets(size, size, r, c, v);
      const ldl = new LdlFactorization({ n: size, colPtr: k.colPtr, rowIdx: k.rowIdx });
      assert.equal(ldl.factor(k.values), true);
      assert.equal(ldl.positivePivots, n);
      const rand = seededRandom(seed + 100);
      const b = Float64Array.from({ length: size }, () => rand() - 0.5);
      const sol = Float64Array.from(b);
      ldl.solveInPlace(sol);
      const check = new Float64Array(size);
      cscMultiplySymmetricUpper(k, sol, check);
      for (let i = 0; i < size; i++) assert.ok(Math.abs(check[i] - b[i]) < 1e-10, `row ${i}: ${check[i]} vs ${b[i]}`);
      // and against the dense original: x = P' sol
      const x = new Float64Array(size);
      for (let t = 0; t < size; t++) x[perm[t]] = sol[t];
      for (let i = 0; i < size; i++) {
        let s = 0;
        for (let j = 0; j < size; j++) s += dense[i][j] * x[j];
        assert.ok(Math.abs(s - b[perm.indexOf(i)]) < 1e-10);
      }
    });
  }

  it('reports a singular matrix', () => {
    const k = cscFromTriplets(2, 2, [0, 0, 1], [0, 1, 1], [1, 1, 1]);
    const ldl = new LdlFactorization({ n: 2, colPtr: k.colPtr, rowIdx: k.rowIdx });
    assert.equal(ldl.factor(k.values), false);
  });
});
