// QpSolver: the OSQP algorithm (Stellato, Banjac, Goulart, Bemporad, Boyd, "OSQP: an
// operator splitting solver for quadratic programs", Math. Prog. Comp. 2020) for
//   minimise 1/2 x'Px + q'x  subject to  l <= Ax <= u.
// ADMM on the quasi-definite KKT system [P + sigma I, A'; A, -diag(1/rho)] with a
// per-row rho (equality rows 1e3 rho, free rows 1e-6), Ruiz scaling, over-relaxation,
// adaptive rho (refactor only when rho changes by more than the tolerance), primal and
// dual infeasibility certificates, polishing, and iteration and time limits. The KKT
// factorisation is cached across solves; updating q or the bounds keeps it.
// Everything is deterministic: the automatic rho-update interval is a rule on flop counts
// of the factorisation and of one iteration, not on measured time.
// Written for this project from the paper; no OSQP code was copied.

import type { CscMatrix, QpProblem, SolverResult, SolverSettings, SolverStatus } from './types.js';
import { cscMultiplySymmetricUpper, cscNnz, cscTranspose } from './cscMatrix.js';
import { checkQpProblem, checkVector } from './problemChecks.js';
import { resolveSettings } from './defaultSettings.js';
import { KktSystem } from './kktSystem.js';
import { ResidualEvaluator, type Residuals } from './residuals.js';
import { ruizScaling, type ScaledData } from './ruizScaling.js';
import { correctActivity, guessActivity, polishSolution } from './solutionPolishing.js';

/** Bounds at or beyond this magnitude count as infinite. */
export const INFINITE_BOUND = 1e20;
const RHO_MIN = 1e-6;
const RHO_MAX = 1e6;
const RHO_EQUALITY_FACTOR = 1e3;
/** Share of a factorisation's cost that the iterations between rho updates should exceed (cf. OSQP's 0.4). */
const ADAPTIVE_RHO_FRACTION = 0.4;
const ADAPTIVE_RHO_MIN_INTERVAL = 25;
/** Active-set corrections tried after a failed polish. */
const POLISH_CORRECTION_ROUNDS = 1;

const enum RowKind {
  Inequality = 0,
  Equality = 1,
  Free = 2,
}

function now(): number {
  return performance.now();
}


/**
 * Right-hand side of the ADMM linear system, [sigma x - q; z - y / rho], written straight
 * into the factored order: entry j of x goes to posX[j], row i to posZ[i].
 */
function buildRhs(
  rhs: Float64Array, posX: Int32Array, posZ: Int32Array, x: Float64Array, z: Float64Array, y: Float64Array,
  q: Float64Array, rhoInv: Float64Array, sigma: number, n: number, m: number,
): void {
  for (let j = 0; j < n; j++) rhs[posX[j]] = sigma * x[j] - q[j];
  for (let i = 0; i < m; i++) rhs[posZ[i]] = z[i] - rhoInv[i] * y[i];
}

/**
 * The relaxed x, z (projected) and y updates of one ADMM iteration, from the KKT solution
 * in sol (factored order); the previous x is saved to xPrev on the way.
 */
function updateIterates(
  sol: Float64Array, posX: Int32Array, posZ: Int32Array, x: Float64Array, xPrev: Float64Array, z: Float64Array, y: Float64Array,
  rho: Float64Array, rhoInv: Float64Array, l: Float64Array, u: Float64Array, alpha: number, n: number, m: number,
): void {
  const beta = 1 - alpha;
  for (let j = 0; j < n; j++) {
    const xj = x[j];
    xPrev[j] = xj;
    x[j] = alpha * sol[posX[j]] + beta * xj;
  }
  for (let i = 0; i < m; i++) {
    const zi = z[i];
    const ri = rhoInv[i];
    const yi = y[i];
    const zRelaxed = alpha * (zi + ri * (sol[posZ[i]] - yi)) + beta * zi;
    let zNew = zRelaxed + ri * yi;
    const lo = l[i];
    const hi = u[i];
    if (zNew < lo) zNew = lo;
    else if (zNew > hi) zNew = hi;
    y[i] = yi + rho[i] * (zRelaxed - zNew);
    z[i] = zNew;
  }
}

export class QpSolver {
  readonly n: number;
  readonly m: number;
  private readonly settings: SolverSettings;
  private readonly pOriginal: CscMatrix;
  private readonly qOriginal: Float64Array;
  private readonly lOriginal: Float64Array;
  private readonly uOriginal: Float64Array;
  private readonly scaled: ScaledData;
  private readonly at: CscMatrix;
  /** scaled q, bounds */
  private readonly qs: Float64Array;
  private readonly ls: Float64Array;
  private readonly us: Float64Array;
  private readonly rowKind: Uint8Array;
  private readonly rhoVec: Float64Array;
  private readonly rhoInvVec: Float64Array;
  private rho: number;
  private readonly kkt: KktSystem;
  private readonly residuals: ResidualEvaluator;
  private readonly rhoInterval: number;
  // iterates (scaled)
  private readonly x: Float64Array;
  private readonly z: Float64Array;
  private readonly y: Float64Array;
  private readonly xPrev: Float64Array;
  private readonly yPrev: Float64Array;
  private readonly rhs: Float64Array;
  private readonly deltaX: Float64Array;
  private readonly deltaY: Float64Array;
  private nonConvex = false;
  private solvedOnce = false;
  private lastSolveUsable = false;
  private warmStartPending = false;
  private readonly setupMs: number;
  private polishFactorizationTotal = 0;

  constructor(problem: QpProblem, settings?: Partial<SolverSettings>) {
    const start = now();
    this.settings = resolveSettings(settings);
    const { P, A } = problem;
    const { n, m } = checkQpProblem(problem);
    this.n = n;
    this.m = m;
    this.pOriginal = P;
    this.qOriginal = Float64Array.from(problem.q);
    this.lOriginal = new Float64Array(m);
    this.uOriginal = new Float64Array(m);
    this.setBoundsOriginal(problem.l, problem.u);

    this.scaled = ruizScaling(P, this.qOriginal, A, this.settings.scaling);
    this.at = cscTranspose(this.scaled.a);
    this.qs = this.scaled.q;
    this.ls = new Float64Array(m);
    this.us = new Float64Array(m);
    this.rowKind = new Uint8Array(m);
    this.scaleBounds();
    this.classifyRows();

    this.rho = Math.min(Math.max(this.settings.rho, RHO_MIN), RHO_MAX);
    this.rhoVec = new Float64Array(m);
    this.rhoInvVec = new Float64Array(m);
    this.fillRhoVectors();
    this.kkt = new KktSystem(this.scaled.p, this.at, null, null);
    this.factorKkt();
    this.residuals = new ResidualEvaluator(this.scaled, this.qs);

    this.x = new Float64Array(n);
    this.z = new Float64Array(m);
    this.y = new Float64Array(m);
    this.xPrev = new Float64Array(n);
    this.yPrev = new Float64Array(m);
    this.rhs = new Float64Array(n + m);
    this.deltaX = new Float64Array(n);
    this.deltaY = new Float64Array(m);

    // deterministic rho-update interval: iterations whose cost exceeds a share of one factorisation
    if (this.settings.adaptiveRhoInterval > 0) {
      this.rhoInterval = this.settings.adaptiveRhoInterval;
    } else {
      const iterationFlops = 4 * this.kkt.ldl.nnzL + 4 * cscNnz(A) + 2 * cscNnz(P) + 12 * (n + m);
      const raw = Math.ceil(this.kkt.ldl.factorFlops / (ADAPTIVE_RHO_FRACTION * Math.max(iterationFlops, 1)));
      const every = this.settings.checkTerminationEvery;
      const interval = Math.max(ADAPTIVE_RHO_MIN_INTERVAL, raw);
      this.rhoInterval = Math.ceil(interval / every) * every;
    }
    this.setupMs = now() - start;
  }

  /** Total numeric factorisations of the ADMM KKT matrix, setup included. */
  get factorizationCount(): number {
    return this.kkt.factorizations;
  }

  /** Numeric factorisations of reduced KKT matrices done by polishing. */
  get polishFactorizationCount(): number {
    return this.polishFactorizationTotal;
  }

  /** The current (possibly adapted) scalar rho. */
  get currentRho(): number {
    return this.rho;
  }

  /** Iterations between rho updates (resolved automatic rule). */
  get adaptiveRhoInterval(): number {
    return this.rhoInterval;
  }

  /** Replaces q; the factorisation is kept. */
  updateLinearCost(q: Float64Array): void {
    checkVector(q, this.n, 'q', false);
    this.qOriginal.set(q);
    const { d, c } = this.scaled;
    for (let j = 0; j < this.n; j++) this.qs[j] = c * d[j] * q[j];
  }

  /** Replaces l and u; refactors only when a row changes between equality, inequality and free. */
  updateBounds(l: Float64Array, u: Float64Array): void {
    checkVector(l, this.m, 'l', true);
    checkVector(u, this.m, 'u', true);
    this.setBoundsOriginal(l, u);
    this.scaleBounds();
    if (this.classifyRows()) {
      this.fillRhoVectors();
      this.factorKkt();
    }
  }

  /** Starts the next solve from x (and y, else zero duals); z is set to A x. */
  warmStart(x: Float64Array, y?: Float64Array): void {
    checkVector(x, this.n, 'warm start x', false);
    if (y !== undefined) checkVector(y, this.m, 'warm start y', false);
    const { dInv, eInv, c, a } = this.scaled;
    for (let j = 0; j < this.n; j++) this.x[j] = x[j] * dInv[j];
    this.z.fill(0);
    for (let j = 0; j < this.n; j++) {
      const xj = this.x[j];
      if (xj === 0) continue;
      for (let k = a.colPtr[j]; k < a.colPtr[j + 1]; k++) this.z[a.rowIdx[k]] += a.values[k] * xj;
    }
    for (let i = 0; i < this.m; i++) this.y[i] = y === undefined ? 0 : c * y[i] * eInv[i];
    this.warmStartPending = true;
  }

  solve(): SolverResult {
    const start = now();
    const s = this.settings;
    const factorizationsBefore = this.kkt.factorizations;
    const n = this.n;
    const m = this.m;
    if (this.nonConvex) return this.finish('non_convex', 0, null, false, start, factorizationsBefore);
    // warm start from the previous solve only when it ended with a usable point
    if (!this.warmStartPending && !(s.warmStart && this.solvedOnce && this.lastSolveUsable)) {
      this.x.fill(0);
      this.z.fill(0);
      this.y.fill(0);
    }
    this.warmStartPending = false;
    this.solvedOnce = true;

    const { x, z, y, xPrev, yPrev, rhs, rhoVec, rhoInvVec, ls, us, qs } = this;
    const posX = this.kkt.inversePerm.subarray(0, n);
    const posZ = this.kkt.inversePerm.subarray(n, n + m);
    const sigma = s.sigma;
    const alpha = s.alpha;
    const every = s.checkTerminationEvery;
    const deadline = s.timeLimitMs > 0 ? start + s.timeLimitMs : Infinity;
    let status: SolverStatus | null = null;
    let res: Residuals | null = null;
    let iter = 0;
    for (iter = 1; iter <= s.maxIterations; iter++) {
      const check = iter % every === 0 || iter === s.maxIterations;
      if (check) yPrev.set(y);
      buildRhs(rhs, posX, posZ, x, z, y, qs, rhoInvVec, sigma, n, m);
      this.kkt.solvePermutedInPlace(rhs);
      updateIterates(rhs, posX, posZ, x, xPrev, z, y, rhoVec, rhoInvVec, ls, us, alpha, n, m);
      res = null;
      if (check) {
        res = this.residuals.evaluate(x, z, y, s.epsAbs, s.epsRel);
        if (res.primal <= res.epsPrimal && res.dual <= res.epsDual) {
          status = 'solved';
          break;
        }
        for (let i = 0; i < m; i++) this.deltaY[i] = y[i] - yPrev[i];
        for (let j = 0; j < n; j++) this.deltaX[j] = x[j] - xPrev[j];
        if (this.residuals.primalInfeasibility(this.deltaY, ls, us, s.epsPrimalInfeasible) !== null) {
          status = 'primal_infeasible';
          break;
        }
        if (this.residuals.dualInfeasibility(this.deltaX, ls, us, s.epsDualInfeasible) !== null) {
          status = 'dual_infeasible';
          break;
        }
      }
      if (s.adaptiveRho && iter % this.rhoInterval === 0 && iter < s.maxIterations) {
        if (res === null) res = this.residuals.evaluate(x, z, y, s.epsAbs, s.epsRel);
        this.adaptRho(res);
        if (this.nonConvex) return this.finish('non_convex', iter, null, false, start, factorizationsBefore);
      }
      if (deadline !== Infinity && now() > deadline) {
        status = 'time_limit';
        break;
      }
    }
    if (iter > s.maxIterations) {
      iter = s.maxIterations;
      status = 'max_iterations';
    }
    if (status === 'max_iterations' || status === 'time_limit') {
      res = this.residuals.evaluate(x, z, y, s.epsAbs, s.epsRel);
      if (res.primal <= 10 * res.epsPrimal && res.dual <= 10 * res.epsDual) {
        return this.finish('solved_inaccurate', iter, res, false, start, factorizationsBefore, status === 'time_limit' ? 'time' : 'iterations');
      }
    }
    if (status === 'solved' && s.polish && res !== null) {
      const polished = this.tryPolish(res);
      if (polished !== null) return this.finish('solved', iter, polished, true, start, factorizationsBefore);
    }
    return this.finish(status as SolverStatus, iter, res, false, start, factorizationsBefore);
  }

  // ---------------------------------------------------------------- internals

  private setBoundsOriginal(l: Float64Array, u: Float64Array): void {
    for (let i = 0; i < this.m; i++) {
      const lo = l[i] <= -INFINITE_BOUND ? -Infinity : l[i];
      const hi = u[i] >= INFINITE_BOUND ? Infinity : u[i];
      if (lo > hi) throw new Error(`bounds of row ${i}: l = ${l[i]} exceeds u = ${u[i]}`);
      this.lOriginal[i] = lo;
      this.uOriginal[i] = hi;
    }
  }

  private scaleBounds(): void {
    const { e } = this.scaled;
    for (let i = 0; i < this.m; i++) {
      this.ls[i] = this.lOriginal[i] * e[i];
      this.us[i] = this.uOriginal[i] * e[i];
    }
  }

  /** Sets each row's kind; returns true when some kind changed. */
  private classifyRows(): boolean {
    let changed = false;
    for (let i = 0; i < this.m; i++) {
      const lo = this.lOriginal[i];
      const hi = this.uOriginal[i];
      const kind = lo === -Infinity && hi === Infinity ? RowKind.Free : lo === hi ? RowKind.Equality : RowKind.Inequality;
      if (this.rowKind[i] !== kind) changed = true;
      this.rowKind[i] = kind;
    }
    return changed;
  }

  private fillRhoVectors(): void {
    for (let i = 0; i < this.m; i++) {
      const kind = this.rowKind[i];
      const r = kind === RowKind.Equality ? RHO_EQUALITY_FACTOR * this.rho : kind === RowKind.Free ? RHO_MIN : this.rho;
      this.rhoVec[i] = r;
      this.rhoInvVec[i] = 1 / r;
    }
  }

  private factorKkt(): void {
    const ok = this.kkt.factor(this.settings.sigma, this.rhoInvVec);
    if (!ok || !this.kkt.inertiaOk) this.nonConvex = true;
  }

  private adaptRho(res: Residuals): void {
    const ratio = res.primalScaledRelative / Math.max(res.dualScaledRelative, 1e-30);
    let next = this.rho * Math.sqrt(ratio);
    if (!Number.isFinite(next)) return;
    next = Math.min(Math.max(next, RHO_MIN), RHO_MAX);
    const tol = this.settings.adaptiveRhoTolerance;
    if (next > this.rho * tol || next < this.rho / tol) {
      this.rho = next;
      this.fillRhoVectors();
      this.factorKkt();
    }
  }

  /** Polishes; returns the residuals of the polished point after adopting it, or null. */
  private tryPolish(admm: Residuals): Residuals | null {
    const s = this.settings;
    const input = {
      p: this.scaled.p,
      a: this.scaled.a,
      q: this.qs,
      l: this.ls,
      u: this.us,
      delta: s.polishDelta,
      refineIterations: s.polishRefineIterations,
      admmSystem: this.kkt,
    };
    let activity: Int8Array | null = guessActivity(this.z, this.y, this.ls, this.us);
    for (let round = 0; round <= POLISH_CORRECTION_ROUNDS && activity !== null; round++) {
      const out = polishSolution(input, activity);
      this.polishFactorizationTotal++;
      if (out === null) return null;
      const res = this.residuals.evaluate(out.x, out.z, out.y, s.epsAbs, s.epsRel);
      // dual sign consistency on the active rows (unscaled y)
      const { e, c } = this.scaled;
      let signViolation = 0;
      for (let i = 0; i < this.m; i++) {
        if (this.rowKind[i] === RowKind.Equality) continue;
        const yi = (out.y[i] * e[i]) / c;
        if (out.activity[i] < 0 && yi > signViolation) signViolation = yi;
        if (out.activity[i] > 0 && -yi > signViolation) signViolation = -yi;
      }
      const acceptable =
        res.primal <= Math.max(admm.primal, 1e-12) * 1.0000001 + 1e-14 &&
        res.dual <= Math.max(admm.dual, 1e-12) * 1.0000001 + 1e-14 &&
        signViolation <= res.epsDual;
      if (acceptable) {
        this.x.set(out.x);
        this.z.set(out.z);
        this.y.set(out.y);
        return res;
      }
      activity = correctActivity(out, this.ls, this.us);
    }
    return null;
  }

  private finish(
    status: SolverStatus,
    iterations: number,
    res: Residuals | null,
    polished: boolean,
    start: number,
    factorizationsBefore: number,
    limitReached?: 'iterations' | 'time',
  ): SolverResult {
    const n = this.n;
    const m = this.m;
    const { d, e, c } = this.scaled;
    const x = new Float64Array(n);
    const y = new Float64Array(m);
    let objective = NaN;
    let primalCert: Float64Array | undefined;
    let dualCert: Float64Array | undefined;
    if (status === 'primal_infeasible') {
      x.fill(NaN);
      const cert = this.residuals.primalInfeasibility(this.deltaY, this.ls, this.us, this.settings.epsPrimalInfeasible);
      if (cert !== null) primalCert = cert;
      y.fill(NaN);
      objective = Infinity;
    } else if (status === 'dual_infeasible') {
      x.fill(NaN);
      y.fill(NaN);
      const cert = this.residuals.dualInfeasibility(this.deltaX, this.ls, this.us, this.settings.epsDualInfeasible);
      if (cert !== null) dualCert = cert;
      objective = -Infinity;
    } else if (status === 'non_convex') {
      x.fill(NaN);
      y.fill(NaN);
    } else {
      for (let j = 0; j < n; j++) x[j] = d[j] * this.x[j];
      for (let i = 0; i < m; i++) y[i] = (e[i] * this.y[i]) / c;
      const px = new Float64Array(n);
      cscMultiplySymmetricUpper(this.pOriginal, x, px);
      let obj = 0;
      for (let j = 0; j < n; j++) obj += x[j] * (0.5 * px[j] + this.qOriginal[j]);
      objective = obj;
    }
    this.lastSolveUsable = status === 'solved' || status === 'solved_inaccurate' || status === 'max_iterations' || status === 'time_limit';
    const result: SolverResult = {
      status,
      x,
      y,
      objective,
      iterations,
      primalResidual: res?.primal ?? NaN,
      dualResidual: res?.dual ?? NaN,
      polished,
      setupMs: this.setupMs,
      solveMs: now() - start,
      factorizations: this.kkt.factorizations - factorizationsBefore,
      rho: this.rho,
    };
    if (primalCert !== undefined) result.primalInfeasibilityCertificate = primalCert;
    if (dualCert !== undefined) result.dualInfeasibilityCertificate = dualCert;
    if (limitReached !== undefined) result.limitReached = limitReached;
    return result;
  }
}
