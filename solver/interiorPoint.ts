// A primal-dual interior-point method (Mehrotra's predictor-corrector) for the solver's QP
//   minimise 1/2 x'Px + q'x  subject to  l <= Ax <= u,
// the accurate companion of the ADMM solver (solver/qpSolver.ts) for degenerate, mostly
// linear problems where ADMM needs tens of thousands of iterations for 1e-8 accuracy.
//
// Formulation (after Ruiz scaling, solver/ruizScaling.ts). Each row i with a finite lower
// bound gets a slack sl_i >= 0 with a'x - sl = l and a multiplier zl_i >= 0; a finite upper
// bound gets su_i >= 0 with a'x + su = u and zu_i >= 0; equality rows (l = u) have a free
// multiplier and no slack; rows free on both sides are dropped. With y = zu - zl (OSQP's
// sign convention) the KKT conditions are
//   Px + q + A'y = 0,   the slack equations,   sl zl = 0,  su zu = 0.
// Eliminating the slacks and bound multipliers from the Newton equations leaves the
// quasi-definite system
//   [ P + reg I   A'  ] [dx]   [ -r_dual          ]
//   [ A          -D   ] [dy] = [ -D g  or  -r_eq  ]
// with D_i = 1/(zl_i/sl_i + zu_i/su_i) on inequality rows and D_i = reg on equality rows:
// the pattern of the ADMM KKT matrix (solver/kktSystem.ts) with a per-row "1/rho", so the
// ordering and symbolic factorisation are done once and each iteration costs one numeric
// LDL' factorisation and a few solves. Iterative refinement against the unregularised
// system removes the regularisation's error. Each iteration takes an affine-scaling
// (predictor) step, chooses the centring sigma = (mu_aff / mu)^3 and solves again with
// Mehrotra's second-order correction, then steps a fraction 0.995 of the way to the
// boundary (one step length for primal and dual, as the QP's dual residual couples them).
// The starting point solves the system once with D = I and x shift 1 and moves slacks and
// multipliers into the positive orthant with Mehrotra's shift.
//
// Termination on the unscaled problem: primal residual <= epsAbs + epsRel ||Ax||, dual
// residual <= epsAbs + epsRel max(||Px||, ||A'y||, ||q||), and complementarity gap s'z <=
// epsAbs + epsRel max(|primal objective|, |dual objective|). Infeasibility: the normalised
// multipliers (or their last step) as a Farkas ray, A'y ~ 0 and u'y+ + l'y- < 0 (primal
// infeasible), the normalised iterate x (or its last step) as a ray of unbounded descent
// (dual infeasible). Deterministic: no randomness, the clock only feeds the reported times.
// Written for this project from Nocedal & Wright (Numerical Optimization, ch. 16.6 and 19)
// and Vanderbei (Linear Programming, ch. 18-19); no solver's code was copied.

import type { CscMatrix, QpProblem, SolverStatus } from './types.js';
import { cscMultiply, cscMultiplySymmetricUpper, cscMultiplyTransposed, cscTranspose } from './cscMatrix.js';
import { checkQpProblem } from './problemChecks.js';
import { dot, maxAbs, scaledMaxAbs } from './vectorOps.js';
import { resolveInteriorPointSettings, type InteriorPointResult, type InteriorPointSettings } from './interiorPointSettings.js';
import { KktSystem } from './kktSystem.js';
import { INFINITE_BOUND } from './qpSolver.js';
import { ruizScaling, type ScaledData } from './ruizScaling.js';

/** Row flags: bit 1 finite lower side (with slack), bit 2 finite upper side, 4 equality. */
const HAS_L = 1;
const HAS_U = 2;
const EQUALITY = 4;
/** Largest D kept on a row (an inactive row is then decoupled up to 1e-30). */
const D_MAX = 1e30;
/** Regularisation increase after a failed factorisation, and its ceiling. */
const REG_GROWTH = 100;
const REG_MAX = 1e-2;
/** Iterations with step below this length count towards a stall. */
const TINY_STEP = 1e-8;
const STALL_ITERATIONS = 5;

function now(): number {
  return performance.now();
}


// ------------------------------------------------------------------ hot loops
// One loop per function (V8 compiles long loops on stack replacement; a loop that has
// never run after it would deoptimise the function on every call).




/** y = zu - zl on inequality rows (equality rows keep their own multiplier, free rows 0). */
function assembleY(flags: Uint8Array, zl: Float64Array, zu: Float64Array, y: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    if ((f & EQUALITY) !== 0) continue;
    y[i] = ((f & HAS_U) !== 0 ? zu[i] : 0) - ((f & HAS_L) !== 0 ? zl[i] : 0);
  }
}

/** Row residuals: eq a'x - b, lower a'x - sl - l, upper a'x + su - u. */
function rowResiduals(
  flags: Uint8Array, ax: Float64Array, l: Float64Array, u: Float64Array, sl: Float64Array, su: Float64Array,
  re: Float64Array, rl: Float64Array, ru: Float64Array, m: number,
): void {
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    const a = ax[i];
    re[i] = (f & EQUALITY) !== 0 ? a - l[i] : 0;
    rl[i] = (f & HAS_L) !== 0 ? a - sl[i] - l[i] : 0;
    ru[i] = (f & HAS_U) !== 0 ? a + su[i] - u[i] : 0;
  }
}

/** out = [max primal residual / E, max |Ax| / E] over non-free rows. */
function primalMeasures(
  flags: Uint8Array, ax: Float64Array, re: Float64Array, rl: Float64Array, ru: Float64Array, eInv: Float64Array, m: number, out: Float64Array,
): void {
  let r = 0;
  let a = 0;
  for (let i = 0; i < m; i++) {
    if (flags[i] === 0) continue;
    const w = eInv[i];
    r = Math.max(r, Math.abs(re[i]) * w, Math.abs(rl[i]) * w, Math.abs(ru[i]) * w);
    a = Math.max(a, Math.abs(ax[i]) * w);
  }
  out[0] = r;
  out[1] = a;
}

/** out = [sum sl zl + su zu, sum l zl - u zu - b y_eq] (scaled). */
function complementarity(
  flags: Uint8Array, l: Float64Array, u: Float64Array, sl: Float64Array, zl: Float64Array, su: Float64Array, zu: Float64Array, y: Float64Array,
  m: number, out: Float64Array,
): void {
  let gap = 0;
  let support = 0;
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    if ((f & EQUALITY) !== 0) {
      support -= l[i] * y[i];
      continue;
    }
    if ((f & HAS_L) !== 0) {
      gap += sl[i] * zl[i];
      support += l[i] * zl[i];
    }
    if ((f & HAS_U) !== 0) {
      gap += su[i] * zu[i];
      support -= u[i] * zu[i];
    }
  }
  out[0] = gap;
  out[1] = support;
}

/** D on each selected row and the matrix diagonal max(D, reg) (reg on equality rows). */
function rowScaling(
  flags: Uint8Array, sel: Int32Array, sl: Float64Array, zl: Float64Array, su: Float64Array, zu: Float64Array,
  dTrue: Float64Array, rowDiag: Float64Array, reg: number,
): void {
  for (let t = 0; t < sel.length; t++) {
    const i = sel[t];
    const f = flags[i];
    if ((f & EQUALITY) !== 0) {
      dTrue[i] = 0;
      rowDiag[t] = reg;
      continue;
    }
    const w = ((f & HAS_L) !== 0 ? zl[i] / sl[i] : 0) + ((f & HAS_U) !== 0 ? zu[i] / su[i] : 0);
    const d = w > 1 / D_MAX ? 1 / w : D_MAX;
    dTrue[i] = d;
    rowDiag[t] = d > reg ? d : reg;
  }
}

/**
 * Right-hand side [-r_dual; -D g (inequality) or -r_eq (equality)] with
 * g = (rcl + zl rl) / sl + (zu ru - rcu) / su.
 */
function newtonRhs(
  flags: Uint8Array, sel: Int32Array, rd: Float64Array, re: Float64Array, rl: Float64Array, ru: Float64Array,
  sl: Float64Array, zl: Float64Array, su: Float64Array, zu: Float64Array, rcl: Float64Array, rcu: Float64Array,
  dTrue: Float64Array, rhs: Float64Array, n: number,
): void {
  for (let j = 0; j < n; j++) rhs[j] = -rd[j];
  for (let t = 0; t < sel.length; t++) {
    const i = sel[t];
    const f = flags[i];
    if ((f & EQUALITY) !== 0) {
      rhs[n + t] = -re[i];
      continue;
    }
    let g = 0;
    if ((f & HAS_L) !== 0) g += (rcl[i] + zl[i] * rl[i]) / sl[i];
    if ((f & HAS_U) !== 0) g += (zu[i] * ru[i] - rcu[i]) / su[i];
    rhs[n + t] = -dTrue[i] * g;
  }
}

/** Scatters the row part of a KKT vector into a full-length (m) vector, free rows 0. */
function scatterRows(sel: Int32Array, v: Float64Array, n: number, full: Float64Array): void {
  for (let t = 0; t < sel.length; t++) full[sel[t]] = v[n + t];
}

/** res = rhs - K0 sol with K0 = [P A'; A -D_true] (px = P sol_x + A' sol_y, ax = A sol_x given). */
function kktResidual(
  sel: Int32Array, rhs: Float64Array, sol: Float64Array, px: Float64Array, aty: Float64Array, ax: Float64Array, dTrue: Float64Array,
  res: Float64Array, n: number,
): void {
  for (let j = 0; j < n; j++) res[j] = rhs[j] - px[j] - aty[j];
  for (let t = 0; t < sel.length; t++) {
    const i = sel[t];
    res[n + t] = rhs[n + t] - ax[i] + dTrue[i] * sol[n + t];
  }
}

function addInPlace(a: Float64Array, b: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) a[i] += b[i];
}

/**
 * Slack and bound-multiplier steps. On a side whose ratio z/s is at most 1 (inactive-ish)
 * the slack step comes from the primal equation (ds = +-(A dx) + r) and the multiplier step
 * from complementarity; on the dominant active side of a row (z/s > 1) the multiplier step
 * comes from the system's dy (dy = dzu - dzl) and the slack step from complementarity.
 * Rebuilding dy from A dx on an active row would multiply the error of dx by z/s (up to
 * 1e12 near the end) and destroy the dual residual.
 */
function boundSteps(
  flags: Uint8Array, ad: Float64Array, rl: Float64Array, ru: Float64Array, sl: Float64Array, zl: Float64Array, su: Float64Array, zu: Float64Array,
  rcl: Float64Array, rcu: Float64Array, dsl: Float64Array, dzl: Float64Array, dsu: Float64Array, dzu: Float64Array, dy: Float64Array, m: number,
): void {
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    if ((f & EQUALITY) !== 0 || f === 0) continue;
    const hasL = (f & HAS_L) !== 0;
    const hasU = (f & HAS_U) !== 0;
    const wl = hasL ? zl[i] / sl[i] : 0;
    const wu = hasU ? zu[i] / su[i] : 0;
    const lowerFromDy = hasL && wl > 1 && wl >= wu;
    const upperFromDy = hasU && wu > 1 && wu > wl;
    const dySys = dy[i];
    let dzlv = 0;
    let dzuv = 0;
    if (hasL && !lowerFromDy) {
      const ds = ad[i] + rl[i];
      dzlv = (-rcl[i] - zl[i] * ds) / sl[i];
      dsl[i] = ds;
      dzl[i] = dzlv;
    }
    if (hasU && !upperFromDy) {
      const ds = -ru[i] - ad[i];
      dzuv = (-rcu[i] - zu[i] * ds) / su[i];
      dsu[i] = ds;
      dzu[i] = dzuv;
    }
    if (lowerFromDy) {
      dzlv = dzuv - dySys;
      dzl[i] = dzlv;
      dsl[i] = (-rcl[i] - sl[i] * dzlv) / zl[i];
    }
    if (upperFromDy) {
      dzuv = dySys + dzlv;
      dzu[i] = dzuv;
      dsu[i] = (-rcu[i] - su[i] * dzuv) / zu[i];
    }
    dy[i] = dzuv - dzlv;
  }
}

/** Largest alpha in (0, 1e30] keeping v + alpha dv >= 0 on the rows with the flag bit. */
function maxStep(flags: Uint8Array, bit: number, v: Float64Array, dv: Float64Array, m: number): number {
  let alpha = 1e30;
  for (let i = 0; i < m; i++) {
    if ((flags[i] & bit) === 0) continue;
    const d = dv[i];
    if (d < 0) alpha = Math.min(alpha, -v[i] / d);
  }
  return alpha;
}

/** sum (v + a dv)(w + a dw) over the rows with the flag bit. */
function steppedProduct(flags: Uint8Array, bit: number, v: Float64Array, dv: Float64Array, w: Float64Array, dw: Float64Array, a: number, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    if ((flags[i] & bit) === 0) continue;
    s += (v[i] + a * dv[i]) * (w[i] + a * dw[i]);
  }
  return s;
}

/** rc = s z + ds_aff dz_aff - sigma mu on the rows with the flag bit. */
function correctorTargets(flags: Uint8Array, bit: number, s: Float64Array, z: Float64Array, ds: Float64Array, dz: Float64Array, sigmaMu: number, rc: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) rc[i] = (flags[i] & bit) !== 0 ? s[i] * z[i] + ds[i] * dz[i] - sigmaMu : 0;
}

function productTargets(flags: Uint8Array, bit: number, s: Float64Array, z: Float64Array, rc: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) rc[i] = (flags[i] & bit) !== 0 ? s[i] * z[i] : 0;
}

function axpy(y: Float64Array, a: number, x: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) y[i] += a * x[i];
}

/** Steps the rows' multipliers: equality rows y += a dy; slacks and bound multipliers where present. */
function stepRows(
  flags: Uint8Array, a: number, y: Float64Array, dy: Float64Array, sl: Float64Array, dsl: Float64Array, zl: Float64Array, dzl: Float64Array,
  su: Float64Array, dsu: Float64Array, zu: Float64Array, dzu: Float64Array, m: number,
): void {
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    if ((f & EQUALITY) !== 0) {
      y[i] += a * dy[i];
      continue;
    }
    if ((f & HAS_L) !== 0) {
      sl[i] += a * dsl[i];
      zl[i] += a * dzl[i];
    }
    if ((f & HAS_U) !== 0) {
      su[i] += a * dsu[i];
      zu[i] += a * dzu[i];
    }
  }
}

/** out = [u'v+ + l'v- (b'v on equality rows), largest |E v| pushing against an absent side]. */
function supportOf(flags: Uint8Array, v: Float64Array, l: Float64Array, u: Float64Array, e: Float64Array, m: number, out: Float64Array): void {
  let support = 0;
  let bad = 0;
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    const vi = v[i];
    if (vi > 0) {
      if ((f & (HAS_U | EQUALITY)) !== 0) support += u[i] * vi;
      else bad = Math.max(bad, e[i] * vi);
    } else if (vi < 0) {
      if ((f & (HAS_L | EQUALITY)) !== 0) support += l[i] * vi;
      else bad = Math.max(bad, -e[i] * vi);
    }
  }
  out[0] = support;
  out[1] = bad;
}

/** Largest (A d)/E outside the recession cone of the rows' bounds. */
function recessionViolation(flags: Uint8Array, ad: Float64Array, eInv: Float64Array, m: number): number {
  let r = 0;
  for (let i = 0; i < m; i++) {
    const f = flags[i];
    const v = ad[i] * eInv[i];
    if ((f & (HAS_U | EQUALITY)) !== 0) r = Math.max(r, v);
    if ((f & (HAS_L | EQUALITY)) !== 0) r = Math.max(r, -v);
  }
  return r;
}

// ------------------------------------------------------------------ solver

export class InteriorPointSolver {
  readonly n: number;
  readonly m: number;
  private readonly settings: InteriorPointSettings;
  private readonly pOriginal: CscMatrix;
  private readonly qOriginal: Float64Array;
  private readonly scaled: ScaledData;
  private readonly ls: Float64Array;
  private readonly us: Float64Array;
  private readonly flags: Uint8Array;
  private readonly sel: Int32Array;
  private readonly complementarityCount: number;
  private readonly kkt: KktSystem;
  private readonly setupMs: number;

  constructor(problem: QpProblem, settings?: Partial<InteriorPointSettings>) {
    const start = now();
    this.settings = resolveInteriorPointSettings(settings);
    const { P, A } = problem;
    const { n, m } = checkQpProblem(problem);
    this.n = n;
    this.m = m;
    this.pOriginal = P;
    this.qOriginal = Float64Array.from(problem.q);
    this.scaled = ruizScaling(P, this.qOriginal, A, this.settings.scaling);
    const { e } = this.scaled;
    this.ls = new Float64Array(m);
    this.us = new Float64Array(m);
    this.flags = new Uint8Array(m);
    const selected: number[] = [];
    let count = 0;
    for (let i = 0; i < m; i++) {
      const lo = problem.l[i] <= -INFINITE_BOUND ? -Infinity : problem.l[i];
      const hi = problem.u[i] >= INFINITE_BOUND ? Infinity : problem.u[i];
      if (lo > hi) throw new Error(`bounds of row ${i}: l = ${problem.l[i]} exceeds u = ${problem.u[i]}`);
      this.ls[i] = lo * e[i];
      this.us[i] = hi * e[i];
      let f = 0;
      if (lo === hi) f = EQUALITY;
      else {
        if (lo > -Infinity) f |= HAS_L;
        if (hi < Infinity) f |= HAS_U;
      }
      if (f === EQUALITY) this.us[i] = this.ls[i]; // identical after scaling
      this.flags[i] = f;
      if (f !== 0) selected.push(i);
      if ((f & HAS_L) !== 0) count++;
      if ((f & HAS_U) !== 0) count++;
    }
    this.sel = Int32Array.from(selected);
    this.complementarityCount = count;
    this.kkt = new KktSystem(this.scaled.p, cscTranspose(this.scaled.a), this.sel, null);
    this.setupMs = now() - start;
  }

  /** Numeric factorisations of the Newton system so far. */
  get factorizationCount(): number {
    return this.kkt.factorizations;
  }

  solve(): InteriorPointResult {
    const start = now();
    const s = this.settings;
    const { n, m, flags, sel, ls, us } = this;
    const k = sel.length;
    const { p, a, q } = this.scaled;
    const factorizationsBefore = this.kkt.factorizations;
    const ncomp = this.complementarityCount;

    const x = new Float64Array(n);
    const y = new Float64Array(m);
    const sl = new Float64Array(m);
    const zl = new Float64Array(m);
    const su = new Float64Array(m);
    const zu = new Float64Array(m);
    const ax = new Float64Array(m);
    const px = new Float64Array(n);
    const aty = new Float64Array(n);
    const rd = new Float64Array(n);
    const re = new Float64Array(m);
    const rl = new Float64Array(m);
    const ru = new Float64Array(m);
    const dTrue = new Float64Array(m);
    const rowDiag = new Float64Array(k);
    const rhs = new Float64Array(n + k);
    const sol = new Float64Array(n + k);
    const corr = new Float64Array(n + k);
    const res = new Float64Array(n + k);
    const wn = new Float64Array(n);
    const wn2 = new Float64Array(n);
    const wm = new Float64Array(m);
    const wm2 = new Float64Array(m);
    const rcl = new Float64Array(m);
    const rcu = new Float64Array(m);
    const dx = new Float64Array(n);
    const dy = new Float64Array(m);
    const dsl = new Float64Array(m);
    const dzl = new Float64Array(m);
    const dsu = new Float64Array(m);
    const dzu = new Float64Array(m);
    const dslA = new Float64Array(m);
    const dzlA = new Float64Array(m);
    const dsuA = new Float64Array(m);
    const dzuA = new Float64Array(m);
    const stats = new Float64Array(2);
    let reg = s.regularization;

    /** K0 sol -> res = rhs - K0 sol (wn, wn2, wm hold P x, A'y, A x). */
    const residualOf = (v: Float64Array): number => {
      cscMultiplySymmetricUpper(p, v, wn);
      wm2.fill(0);
      scatterRows(sel, v, n, wm2);
      cscMultiplyTransposed(a, wm2, wn2);
      cscMultiply(a, v, wm);
      kktResidual(sel, rhs, v, wn, wn2, wm, dTrue, res, n);
      return maxAbs(res, n + k);
    };

    /** Solves the Newton system for rhs into sol, with iterative refinement against K0. */
    const newtonSolve = (): void => {
      sol.set(rhs);
      this.kkt.solveInPlace(sol);
      if (s.refineIterations === 0) return;
      const target = 1e-15 * Math.max(1, maxAbs(rhs, n + k));
      let err = residualOf(sol);
      for (let it = 0; it < s.refineIterations && err > target; it++) {
        corr.set(res);
        this.kkt.solveInPlace(corr);
        addInPlace(corr, sol, n + k); // corr = sol + correction
        const prev = err;
        // evaluate the candidate; keep it only if the residual shrinks
        const candidateErr = residualOf(corr);
        if (!(candidateErr < prev)) {
          residualOf(sol); // restore res for consistency
          break;
        }
        sol.set(corr);
        err = candidateErr;
      }
    };

    /** Directions from sol for the targets rcl, rcu. */
    const directions = (): void => {
      for (let j = 0; j < n; j++) dx[j] = sol[j];
      scatterRows(sel, sol, n, dy); // equality rows keep this; inequality rows are overwritten
      cscMultiply(a, dx, wm);
      boundSteps(flags, wm, rl, ru, sl, zl, su, zu, rcl, rcu, dsl, dzl, dsu, dzu, dy, m);
    };

    const stepLength = (): number => {
      let alpha = Math.min(maxStep(flags, HAS_L, sl, dsl, m), maxStep(flags, HAS_L, zl, dzl, m));
      alpha = Math.min(alpha, maxStep(flags, HAS_U, su, dsu, m), maxStep(flags, HAS_U, zu, dzu, m));
      return alpha;
    };

    const factor = (): boolean => {
      for (;;) {
        rowScaling(flags, sel, sl, zl, su, zu, dTrue, rowDiag, reg);
        if (this.kkt.factor(reg, rowDiag) && this.kkt.inertiaOk) return true;
        if (reg * REG_GROWTH > REG_MAX) return false;
        reg *= REG_GROWTH;
      }
    };

    const evaluateResiduals = (): void => {
      cscMultiply(a, x, ax);
      cscMultiplySymmetricUpper(p, x, px);
      cscMultiplyTransposed(a, y, aty);
      for (let j = 0; j < n; j++) rd[j] = px[j] + q[j] + aty[j];
      rowResiduals(flags, ax, ls, us, sl, su, re, rl, ru, m);
    };

    // ---- starting point: [P + I, A'; A, -I] [x; w] = [-q; target]
    let status: SolverStatus | null = null;
    {
      const ones = new Float64Array(k).fill(1);
      if (!this.kkt.factor(1, ones) || !this.kkt.inertiaOk) {
        return this.finish('non_convex', 0, x, y, null, start, factorizationsBefore, null);
      }
      for (let j = 0; j < n; j++) sol[j] = -q[j];
      for (let t = 0; t < k; t++) {
        const i = sel[t];
        const f = flags[i];
        sol[n + t] = (f & EQUALITY) !== 0 ? ls[i] : f === (HAS_L | HAS_U) ? 0.5 * (ls[i] + us[i]) : (f & HAS_L) !== 0 ? ls[i] : us[i];
      }
      this.kkt.solveInPlace(sol);
      for (let j = 0; j < n; j++) x[j] = sol[j];
      scatterRows(sel, sol, n, y);
      cscMultiply(a, x, ax);
      let minS = Infinity;
      let minZ = Infinity;
      for (let i = 0; i < m; i++) {
        const f = flags[i];
        if ((f & EQUALITY) !== 0 || f === 0) continue;
        if ((f & HAS_L) !== 0) {
          sl[i] = ax[i] - ls[i];
          zl[i] = Math.max(-y[i], 0);
          minS = Math.min(minS, sl[i]);
          minZ = Math.min(minZ, zl[i]);
        }
        if ((f & HAS_U) !== 0) {
          su[i] = us[i] - ax[i];
          zu[i] = Math.max(y[i], 0);
          minS = Math.min(minS, su[i]);
          minZ = Math.min(minZ, zu[i]);
        }
      }
      if (ncomp > 0) {
        const shiftS = Math.max(-1.5 * minS, 0);
        const shiftZ = Math.max(-1.5 * minZ, 0);
        let sz = 0, sumS = 0, sumZ = 0;
        for (let i = 0; i < m; i++) {
          const f = flags[i];
          if ((f & HAS_L) !== 0) {
            sl[i] += shiftS;
            zl[i] += shiftZ;
            sz += sl[i] * zl[i];
            sumS += sl[i];
            sumZ += zl[i];
          }
          if ((f & HAS_U) !== 0) {
            su[i] += shiftS;
            zu[i] += shiftZ;
            sz += su[i] * zu[i];
            sumS += su[i];
            sumZ += zu[i];
          }
        }
        const extraS = sz > 0 && sumZ > 0 ? (0.5 * sz) / sumZ : 1;
        const extraZ = sz > 0 && sumS > 0 ? (0.5 * sz) / sumS : 1;
        for (let i = 0; i < m; i++) {
          const f = flags[i];
          if ((f & HAS_L) !== 0) {
            sl[i] = Math.max(sl[i] + extraS, 1e-8);
            zl[i] = Math.max(zl[i] + extraZ, 1e-8);
          }
          if ((f & HAS_U) !== 0) {
            su[i] = Math.max(su[i] + extraS, 1e-8);
            zu[i] = Math.max(zu[i] + extraZ, 1e-8);
          }
        }
      }
      assembleY(flags, zl, zu, y, m);
    }

    // ---- iterations
    let iter = 0;
    let stalled = 0;
    let measures: Measures | null = null;
    let lastAlpha = 0;
    let ray: Float64Array | null = null;
    evaluateResiduals();
    for (;;) {
      measures = this.measure(x, y, ax, px, aty, rd, re, rl, ru, sl, zl, su, zu, stats);
      if (s.verbose) console.error(`interior point: iteration ${iter} pr ${measures.primal.toExponential(2)}/${measures.epsPrimal.toExponential(1)} du ${measures.dual.toExponential(2)}/${measures.epsDual.toExponential(1)} gap ${measures.gap.toExponential(2)}/${measures.epsGap.toExponential(1)} alpha ${lastAlpha.toExponential(2)} reg ${reg}`);
      if (measures.primal <= measures.epsPrimal && measures.dual <= measures.epsDual && measures.gap <= measures.epsGap) {
        status = 'solved';
        break;
      }
      if (iter > 0) {
        // the multipliers (or their last step) as a Farkas ray; x (or its step) as a descent ray
        ray = this.primalRay(y, wn) ? y : lastAlpha > 0 && this.primalRay(dy, wn) ? dy : null;
        if (ray !== null) {
          status = 'primal_infeasible';
          break;
        }
        ray = this.dualRay(x, wm, wn) ? x : lastAlpha > 0 && this.dualRay(dx, wm, wn) ? dx : null;
        if (ray !== null) {
          status = 'dual_infeasible';
          break;
        }
      }
      if (iter >= s.maxIterations || stalled >= STALL_ITERATIONS) break;
      if (!factor()) {
        status = iter === 0 ? 'non_convex' : null;
        break;
      }
      const mu = ncomp > 0 ? measures.gapScaled / ncomp : 0;
      // predictor (affine scaling)
      productTargets(flags, HAS_L, sl, zl, rcl, m);
      productTargets(flags, HAS_U, su, zu, rcu, m);
      newtonRhs(flags, sel, rd, re, rl, ru, sl, zl, su, zu, rcl, rcu, dTrue, rhs, n);
      newtonSolve();
      directions();
      let alpha = Math.min(1, stepLength());
      if (ncomp > 0) {
        const muAff = (steppedProduct(flags, HAS_L, sl, dsl, zl, dzl, alpha, m) + steppedProduct(flags, HAS_U, su, dsu, zu, dzu, alpha, m)) / ncomp;
        const ratio = mu > 0 ? Math.max(0, Math.min(1, muAff / mu)) : 0;
        const sigma = ratio * ratio * ratio;
        dslA.set(dsl);
        dzlA.set(dzl);
        dsuA.set(dsu);
        dzuA.set(dzu);
        // corrector with the second-order term
        correctorTargets(flags, HAS_L, sl, zl, dslA, dzlA, sigma * mu, rcl, m);
        correctorTargets(flags, HAS_U, su, zu, dsuA, dzuA, sigma * mu, rcu, m);
        newtonRhs(flags, sel, rd, re, rl, ru, sl, zl, su, zu, rcl, rcu, dTrue, rhs, n);
        newtonSolve();
        directions();
        alpha = Math.min(1, s.stepFraction * stepLength());
      }
      axpy(x, alpha, dx, n);
      stepRows(flags, alpha, y, dy, sl, dsl, zl, dzl, su, dsu, zu, dzu, m);
      assembleY(flags, zl, zu, y, m);
      lastAlpha = alpha;
      stalled = alpha < TINY_STEP ? stalled + 1 : 0;
      iter++;
      evaluateResiduals();
    }
    if (status === null) {
      // a limit or a stall: accurate within 10x counts as an inaccurate solution
      const mm = measures as Measures;
      const near = mm.primal <= 10 * mm.epsPrimal && mm.dual <= 10 * mm.epsDual && mm.gap <= 10 * mm.epsGap;
      status = near ? 'solved_inaccurate' : 'max_iterations';
    }
    return this.finish(status, iter, x, y, ray, start, factorizationsBefore, measures);
  }

  // ---------------------------------------------------------------- internals

  /** Unscaled residuals, gap, and their tolerances. */
  private measure(
    x: Float64Array, y: Float64Array, ax: Float64Array, px: Float64Array, aty: Float64Array, rd: Float64Array,
    re: Float64Array, rl: Float64Array, ru: Float64Array, sl: Float64Array, zl: Float64Array, su: Float64Array, zu: Float64Array, stats: Float64Array,
  ): Measures {
    const { n, m, flags, ls, us, settings: s } = this;
    const { q, dInv, eInv, c } = this.scaled;
    primalMeasures(flags, ax, re, rl, ru, eInv, m, stats);
    const primal = stats[0];
    const normAx = stats[1];
    const invC = 1 / c;
    const dual = scaledMaxAbs(rd, dInv, n) * invC;
    const normPx = scaledMaxAbs(px, dInv, n) * invC;
    const normAty = scaledMaxAbs(aty, dInv, n) * invC;
    const normQ = scaledMaxAbs(q, dInv, n) * invC;
    const xPx = dot(x, px, n);
    const qx = dot(q, x, n);
    complementarity(flags, ls, us, sl, zl, su, zu, y, m, stats);
    const gapScaled = stats[0];
    const pobj = (0.5 * xPx + qx) * invC;
    const dobj = (-0.5 * xPx + stats[1]) * invC;
    return {
      primal,
      dual,
      gap: gapScaled * invC,
      gapScaled,
      epsPrimal: s.epsAbs + s.epsRel * normAx,
      epsDual: s.epsAbs + s.epsRel * Math.max(normPx, normAty, normQ),
      epsGap: s.epsAbs + s.epsRel * Math.max(Math.abs(pobj), Math.abs(dobj)),
    };
  }

  /** v (scaled multipliers) as a Farkas ray: ||A'v|| <= eps ||v||, support < -eps ||v|| (unscaled). */
  private primalRay(v: Float64Array, wn: Float64Array): boolean {
    const { m, n, flags, ls, us } = this;
    const { a, e, dInv } = this.scaled;
    let norm = 0;
    for (let i = 0; i < m; i++) norm = Math.max(norm, Math.abs(e[i] * v[i]));
    if (!(norm > 1e-30) || !Number.isFinite(norm)) return false;
    const tol = this.settings.epsPrimalInfeasible * norm;
    const stats = new Float64Array(2);
    supportOf(flags, v, ls, us, e, m, stats);
    if (stats[1] > tol || !(stats[0] < -tol)) return false;
    cscMultiplyTransposed(a, v, wn);
    return scaledMaxAbs(wn, dInv, n) <= tol;
  }

  /** v (scaled x) as a ray of unbounded descent: ||Pv|| ~ 0, q'v < 0, Av in the recession cone. */
  private dualRay(v: Float64Array, wm: Float64Array, wn: Float64Array): boolean {
    const { m, n, flags } = this;
    const { p, a, q, d, dInv, eInv, c } = this.scaled;
    const norm = scaledMaxAbs(v, d, n);
    if (!(norm > 1e-30) || !Number.isFinite(norm)) return false;
    const tol = this.settings.epsDualInfeasible * norm;
    if (!(dot(q, v, n) / c < -tol)) return false;
    cscMultiplySymmetricUpper(p, v, wn);
    if (scaledMaxAbs(wn, dInv, n) / c > tol) return false;
    cscMultiply(a, v, wm);
    return recessionViolation(flags, wm, eInv, m) <= tol;
  }

  private finish(
    status: SolverStatus, iterations: number, xs: Float64Array, ys: Float64Array, ray: Float64Array | null,
    start: number, factorizationsBefore: number, measures: Measures | null,
  ): InteriorPointResult {
    const { n, m } = this;
    const { d, e, c } = this.scaled;
    const x = new Float64Array(n);
    const y = new Float64Array(m);
    let objective = NaN;
    const result: Partial<InteriorPointResult> = {};
    if (status === 'primal_infeasible') {
      x.fill(NaN);
      y.fill(NaN);
      objective = Infinity;
      const cert = new Float64Array(m);
      let norm = 0;
      const v = ray ?? ys;
      for (let i = 0; i < m; i++) norm = Math.max(norm, Math.abs(e[i] * v[i]));
      for (let i = 0; i < m; i++) {
        // entries pushing against an absent side passed the test as noise (< eps): drop them
        const f = this.flags[i];
        const c = (e[i] * v[i]) / (norm > 0 ? norm : 1);
        cert[i] = (c > 0 && (f & (HAS_U | EQUALITY)) === 0) || (c < 0 && (f & (HAS_L | EQUALITY)) === 0) ? 0 : c;
      }
      result.primalInfeasibilityCertificate = cert;
    } else if (status === 'dual_infeasible') {
      x.fill(NaN);
      y.fill(NaN);
      objective = -Infinity;
      const cert = new Float64Array(n);
      let norm = 0;
      const v = ray ?? xs;
      for (let j = 0; j < n; j++) norm = Math.max(norm, Math.abs(d[j] * v[j]));
      for (let j = 0; j < n; j++) cert[j] = (d[j] * v[j]) / (norm > 0 ? norm : 1);
      result.dualInfeasibilityCertificate = cert;
    } else if (status === 'non_convex') {
      x.fill(NaN);
      y.fill(NaN);
    } else {
      for (let j = 0; j < n; j++) x[j] = d[j] * xs[j];
      for (let i = 0; i < m; i++) y[i] = (e[i] * ys[i]) / c;
      const px = new Float64Array(n);
      cscMultiplySymmetricUpper(this.pOriginal, x, px);
      let obj = 0;
      for (let j = 0; j < n; j++) obj += x[j] * (0.5 * px[j] + this.qOriginal[j]);
      objective = obj;
    }
    const out: InteriorPointResult = {
      status,
      x,
      y,
      objective,
      iterations,
      primalResidual: measures?.primal ?? NaN,
      dualResidual: measures?.dual ?? NaN,
      polished: false,
      setupMs: this.setupMs,
      solveMs: now() - start,
      factorizations: this.kkt.factorizations - factorizationsBefore,
      rho: NaN,
      dualityGap: measures?.gap ?? NaN,
      epsGap: measures?.epsGap ?? NaN,
      mu: measures && this.complementarityCount > 0 ? measures.gapScaled / this.complementarityCount : 0,
      ...result,
    };
    if (status === 'solved_inaccurate' || status === 'max_iterations') out.limitReached = 'iterations';
    return out;
  }
}

interface Measures {
  primal: number;
  dual: number;
  /** unscaled complementarity */
  gap: number;
  /** scaled complementarity (for mu) */
  gapScaled: number;
  epsPrimal: number;
  epsDual: number;
  epsGap: number;
}

/** One-shot interior-point solve. */
export function solveQpInteriorPoint(problem: QpProblem, settings?: Partial<InteriorPointSettings>): InteriorPointResult {
  return new InteriorPointSolver(problem, settings).solve();
}
