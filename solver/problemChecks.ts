// Input checks shared by the project's QP solvers (ADMM and interior point): shapes, P given as its
// upper triangle, and finite (q) or possibly infinite (l, u) vectors. Errors name the matrix or
// vector and the index.
import { validateCsc } from './cscMatrix.js';
import type { QpProblem } from './types.js';

export function checkVector(v: Float64Array, length: number, name: string, allowInfinite: boolean): void {
  if (!(v instanceof Float64Array)) throw new Error(`${name} must be a Float64Array`);
  if (v.length !== length) throw new Error(`${name} has length ${v.length}, expected ${length}`);
  for (let i = 0; i < length; i++) {
    const x = v[i];
    if (Number.isNaN(x) || (!allowInfinite && !Number.isFinite(x))) throw new Error(`${name}[${i}] is ${x}`);
  }
}

/** Throws on a malformed problem; returns its sizes. */
export function checkQpProblem(problem: QpProblem): { n: number; m: number } {
  const { P, A } = problem;
  const n = P.n;
  const m = A.m;
  validateCsc(P, 'P', n, n);
  validateCsc(A, 'A', m, n);
  for (let j = 0; j < n; j++) {
    for (let k = P.colPtr[j]; k < P.colPtr[j + 1]; k++) {
      if (P.rowIdx[k] > j) throw new Error(`P has an entry below the diagonal at (${P.rowIdx[k]}, ${j}); give the upper triangle only`);
    }
  }
  checkVector(problem.q, n, 'q', false);
  checkVector(problem.l, m, 'l', true);
  checkVector(problem.u, m, 'u', true);
  return { n, m };
}
