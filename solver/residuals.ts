// Primal and dual residuals of an iterate of the scaled problem, measured both on the
// original (unscaled) problem, for termination, and on the scaled one, for OSQP's rho
// update rule. Also the tests of the infeasibility certificates of the OSQP paper
// (section 3.4). Written for this project from the paper.

import type { CscMatrix } from './types.js';
import { cscMultiply, cscMultiplySymmetricUpper, cscMultiplyTransposed } from './cscMatrix.js';
import type { ScaledData } from './ruizScaling.js';

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

export class ResidualEvaluator {
  private readonly ax: Float64Array;
  private readonly px: Float64Array;
  private readonly aty: Float64Array;
  private readonly p: CscMatrix;
  private readonly a: CscMatrix;

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
    let prim = 0, normAx = 0, normZ = 0, primS = 0, normAxS = 0, normZS = 0;
    for (let i = 0; i < m; i++) {
      const r = ax[i] - z[i];
      const ar = Math.abs(r);
      const aa = Math.abs(ax[i]);
      const az = Math.abs(z[i]);
      if (ar * eInv[i] > prim) prim = ar * eInv[i];
      if (aa * eInv[i] > normAx) normAx = aa * eInv[i];
      if (az * eInv[i] > normZ) normZ = az * eInv[i];
      if (ar > primS) primS = ar;
      if (aa > normAxS) normAxS = aa;
      if (az > normZS) normZS = az;
    }
    let dual = 0, normPx = 0, normAty = 0, normQ = 0, dualS = 0, normPxS = 0, normAtyS = 0, normQS = 0;
    for (let j = 0; j < n; j++) {
      const r = Math.abs(px[j] + q[j] + aty[j]);
      const ap = Math.abs(px[j]);
      const at = Math.abs(aty[j]);
      const aq = Math.abs(q[j]);
      const s = dInv[j];
      if (r * s > dual) dual = r * s;
      if (ap * s > normPx) normPx = ap * s;
      if (at * s > normAty) normAty = at * s;
      if (aq * s > normQ) normQ = aq * s;
      if (r > dualS) dualS = r;
      if (ap > normPxS) normPxS = ap;
      if (at > normAtyS) normAtyS = at;
      if (aq > normQS) normQS = aq;
    }
    const invC = 1 / c;
    dual *= invC;
    normPx *= invC;
    normAty *= invC;
    normQ *= invC;
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
    let norm = 0;
    for (let i = 0; i < m; i++) norm = Math.max(norm, Math.abs(e[i] * dy[i]));
    if (!(norm > 1e-30) || !Number.isFinite(norm)) return null;
    const tol = eps * norm;
    let support = 0;
    for (let i = 0; i < m; i++) {
      const v = dy[i];
      const unscaled = e[i] * v;
      if (v > 0) {
        if (uScaled[i] === Infinity) {
          if (unscaled > tol) return null;
        } else support += uScaled[i] * v;
      } else if (v < 0) {
        if (lScaled[i] === -Infinity) {
          if (-unscaled > tol) return null;
        } else support += lScaled[i] * v;
      }
    }
    // support is in units of u * dy with dy unscaled (E cancels); compare with the norm
    if (!(support < -tol)) return null;
    cscMultiplyTransposed(this.a, dy, this.aty);
    for (let j = 0; j < this.aty.length; j++) if (Math.abs(this.aty[j] * dInv[j]) > tol) return null;
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
    let norm = 0;
    for (let j = 0; j < n; j++) norm = Math.max(norm, Math.abs(d[j] * dx[j]));
    if (!(norm > 1e-30) || !Number.isFinite(norm)) return null;
    const tol = eps * norm;
    let qdx = 0;
    for (let j = 0; j < n; j++) qdx += this.q[j] * dx[j];
    if (!(qdx / c < -tol)) return null;
    cscMultiplySymmetricUpper(this.p, dx, this.px);
    for (let j = 0; j < n; j++) if (Math.abs(this.px[j] * dInv[j]) / c > tol) return null;
    cscMultiply(this.a, dx, this.ax);
    for (let i = 0; i < this.ax.length; i++) {
      const v = this.ax[i] * eInv[i];
      if (uScaled[i] !== Infinity && v > tol) return null;
      if (lScaled[i] !== -Infinity && v < -tol) return null;
    }
    const cert = new Float64Array(n);
    for (let j = 0; j < n; j++) cert[j] = (d[j] * dx[j]) / norm;
    return cert;
  }
}
