// Primal and dual residuals of an iterate of the scaled problem, measured both on the
// original (unscaled) problem, for termination, and on the scaled one, for OSQP's rho
// update rule. Also the tests of the infeasibility certificates of the OSQP paper
// (section 3.4). Written for this project from the paper.

import type { CscMatrix } from './types.js';
import { cscMultiply, cscMultiplySymmetricUpper, cscMultiplyTransposed } from './cscMatrix.js';
import type { ScaledData } from './ruizScaling.js';
import { dot, scaledMaxAbs } from './vectorOps.js';

export interface Residuals {
  /** ||Ax - z||_inf, unscaled */
  primal: number;
  /** ||Px + q + A'y||_inf, unscaled */
  dual: number;
  /** tolerance the primal residual must meet */
  epsPrimal: number;
  /** tolerance the dual residual must meet */
  epsDual: number;
  /** scaled residuals normalised as in OSQP's rho update */
  primalScaledRelative: number;
  dualScaledRelative: number;
}

// Each hot loop sits in a function of its own, with the maxima taken by Math.max: V8
// compiles long loops on stack replacement, and code after such a loop that has never run
// (or a rarely taken branch) would otherwise deoptimise the function on every call.

/** out = [max|r|/E, max|Ax|/E, max|z|/E, max|r|, max|Ax|, max|z|] with r = Ax - z. */
function primalStats(ax: Float64Array, z: Float64Array, eInv: Float64Array, m: number, out: Float64Array): void {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
  for (let i = 0; i < m; i++) {
    const ei = eInv[i];
    const ar = Math.abs(ax[i] - z[i]);
    const aa = Math.abs(ax[i]);
    const az = Math.abs(z[i]);
    a0 = Math.max(a0, ar * ei);
    a1 = Math.max(a1, aa * ei);
    a2 = Math.max(a2, az * ei);
    a3 = Math.max(a3, ar);
    a4 = Math.max(a4, aa);
    a5 = Math.max(a5, az);
  }
  out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3; out[4] = a4; out[5] = a5;
}

/** out = [max|r|/D, max|Px|/D, max|A'y|/D, max|q|/D, then the same unweighted] with r = Px + q + A'y. */
function dualStats(px: Float64Array, q: Float64Array, aty: Float64Array, dInv: Float64Array, n: number, out: Float64Array): void {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  for (let j = 0; j < n; j++) {
    const r = Math.abs(px[j] + q[j] + aty[j]);
    const ap = Math.abs(px[j]);
    const at = Math.abs(aty[j]);
    const aq = Math.abs(q[j]);
    const sj = dInv[j];
    a0 = Math.max(a0, r * sj);
    a1 = Math.max(a1, ap * sj);
    a2 = Math.max(a2, at * sj);
    a3 = Math.max(a3, aq * sj);
    a4 = Math.max(a4, r);
    a5 = Math.max(a5, ap);
    a6 = Math.max(a6, at);
    a7 = Math.max(a7, aq);
  }
  out[0] = a0; out[1] = a1; out[2] = a2; out[3] = a3; out[4] = a4; out[5] = a5; out[6] = a6; out[7] = a7;
}



/** out = [u'dy+ + l'dy- over finite bounds, max |E dy| pushing against an infinite bound]. */
function supportValue(dy: Float64Array, l: Float64Array, u: Float64Array, e: Float64Array, m: number, out: Float64Array): void {
  let support = 0;
  let violation = 0;
  for (let i = 0; i < m; i++) {
    const v = dy[i];
    const pos = Math.max(v, 0);
    const neg = Math.min(v, 0);
    const ui = u[i];
    const li = l[i];
    const uFinite = ui < Infinity;
    const lFinite = li > -Infinity;
    support += (uFinite ? ui * pos : 0) + (lFinite ? li * neg : 0);
    violation = Math.max(violation, uFinite ? 0 : e[i] * pos, lFinite ? 0 : -e[i] * neg);
  }
  out[0] = support;
  out[1] = violation;
}

/** How far (A dx)/E leaves the recession cone of [l, u]. */
function recessionConeViolation(ax: Float64Array, eInv: Float64Array, l: Float64Array, u: Float64Array, m: number): number {
  let r = 0;
  for (let i = 0; i < m; i++) {
    const v = ax[i] * eInv[i];
    r = Math.max(r, u[i] < Infinity ? v : 0, l[i] > -Infinity ? -v : 0);
  }
  return r;
}

export class ResidualEvaluator {
  private readonly ax: Float64Array;
  private readonly px: Float64Array;
  private readonly aty: Float64Array;
  private readonly p: CscMatrix;
  private readonly a: CscMatrix;
  private readonly stats = new Float64Array(8);

  constructor(private readonly data: ScaledData, private readonly q: Float64Array) {
    this.p = data.p;
    this.a = data.a;
    this.ax = new Float64Array(data.a.m);
    this.px = new Float64Array(data.p.n);
    this.aty = new Float64Array(data.p.n);
  }

  /** Residuals of the scaled iterate (x, z, y). */
  evaluate(x: Float64Array, z: Float64Array, y: Float64Array, epsAbs: number, epsRel: number): Residuals {
    const { ax, px, aty, q } = this;
    const { dInv, eInv, c } = this.data;
    cscMultiply(this.a, x, ax);
    cscMultiplySymmetricUpper(this.p, x, px);
    cscMultiplyTransposed(this.a, y, aty);
    const m = ax.length;
    const n = px.length;
    const st = this.stats;
    primalStats(ax, z, eInv, m, st);
    const prim = st[0], normAx = st[1], normZ = st[2], primS = st[3], normAxS = st[4], normZS = st[5];
    dualStats(px, q, aty, dInv, n, st);
    const invC = 1 / c;
    const dual = st[0] * invC, normPx = st[1] * invC, normAty = st[2] * invC, normQ = st[3] * invC;
    const dualS = st[4], normPxS = st[5], normAtyS = st[6], normQS = st[7];
    return {
      primal: prim,
      dual,
      epsPrimal: epsAbs + epsRel * Math.max(normAx, normZ),
      epsDual: epsAbs + epsRel * Math.max(normPx, normAty, normQ),
      primalScaledRelative: primS / Math.max(normAxS, normZS, 1e-30),
      dualScaledRelative: dualS / Math.max(normPxS, normAtyS, normQS, 1e-30),
    };
  }

  /**
   * Tests the difference dy of two scaled dual iterates as a certificate of primal
   * infeasibility: ||A'dy|| <= eps ||dy|| and u'dy+ + l'dy- < -eps ||dy|| (unscaled).
   * Returns the unscaled, normalised certificate or null.
   */
  primalInfeasibility(dy: Float64Array, lScaled: Float64Array, uScaled: Float64Array, eps: number): Float64Array | null {
    const { e, dInv } = this.data;
    const m = dy.length;
    const norm = scaledMaxAbs(dy, e, m);
    if (!(norm > 1e-30) || !Number.isFinite(norm)) return null;
    const tol = eps * norm;
    supportValue(dy, lScaled, uScaled, e, m, this.stats);
    const support = this.stats[0];
    const infiniteViolation = this.stats[1];
    if (infiniteViolation > tol) return null;
    // support is in units of u * dy with dy unscaled (E cancels); compare with the norm
    if (!(support < -tol)) return null;
    cscMultiplyTransposed(this.a, dy, this.aty);
    if (scaledMaxAbs(this.aty, dInv, this.aty.length) > tol) return null;
    const cert = new Float64Array(m);
    for (let i = 0; i < m; i++) cert[i] = (e[i] * dy[i]) / norm;
    return cert;
  }

  /**
   * Tests the difference dx of two scaled primal iterates as a certificate of dual
   * infeasibility: ||P dx|| <= eps ||dx||, q'dx < -eps ||dx||, A dx in the recession cone
   * of [l, u] up to eps ||dx|| (unscaled). Returns the unscaled, normalised direction or null.
   */
  dualInfeasibility(dx: Float64Array, lScaled: Float64Array, uScaled: Float64Array, eps: number): Float64Array | null {
    const { d, dInv, eInv, c } = this.data;
    const n = dx.length;
    const norm = scaledMaxAbs(dx, d, n);
    if (!(norm > 1e-30) || !Number.isFinite(norm)) return null;
    const tol = eps * norm;
    const qdx = dot(this.q, dx, n);
    if (!(qdx / c < -tol)) return null;
    cscMultiplySymmetricUpper(this.p, dx, this.px);
    if (scaledMaxAbs(this.px, dInv, n) / c > tol) return null;
    cscMultiply(this.a, dx, this.ax);
    if (recessionConeViolation(this.ax, eInv, lScaled, uScaled, this.ax.length) > tol) return null;
    const cert = new Float64Array(n);
    for (let j = 0; j < n; j++) cert[j] = (d[j] * dx[j]) / norm;
    return cert;
  }
}
