// The QP solvers the model uses: for the prosumers' local problems the project's ADMM solver
// (solver/index.ts, OSQP's algorithm) with settings fixed for reproducibility and tight enough
// for ADMM's outer loop; for the centralised reference (the DCM, model/socialProblem.ts) the
// project's interior-point solver, which reaches 1e-9 on these degenerate, mostly linear QPs
// in a few dozen factorisations. Tests pass another backend (HiGHS) to cross-check. A backend
// is a synchronous function, so solveLocal stays a pure function of its input.
import { solveQp, solveQpInteriorPoint, type InteriorPointSettings } from '../solver/index.js';
import type { QpProblem, SolverSettings, SolverStatus } from '../solver/types.js';

export interface QpOutcome {
  status: SolverStatus;
  x: Float64Array;
  objective: number;
  iterations: number;
}

export type QpBackend = (problem: QpProblem) => QpOutcome;

/**
 * Settings of the project's solver for the model: a fixed rho-adaptation interval (the solver's
 * automatic interval depends on measured factorisation time, which would make reruns differ),
 * no time limit, tolerances 1e-8 (1e-6 leaves bound violations of 1e-5 whenever polishing fails, since
 * the relative part scales with the temperatures) and polishing (the outer ADMM needs accurate local optima).
 */
export const MODEL_SOLVER_SETTINGS: Partial<SolverSettings> = {
  epsAbs: 1e-8,
  epsRel: 1e-8,
  adaptiveRhoInterval: 25,
  timeLimitMs: 0,
  polish: true,
  maxIterations: 20000,
};

export function projectSolverBackend(settings: Partial<SolverSettings> = {}): QpBackend {
  const merged = { ...MODEL_SOLVER_SETTINGS, ...settings };
  return (problem) => {
    const r = solveQp(problem, merged);
    return { status: r.status, x: r.x, objective: r.objective, iterations: r.iterations };
  };
}

/**
 * Settings of the interior-point solver for the centralised reference: residuals and duality gap
 * to 1e-9 absolute and 1e-10 relative (unscaled). The QP objective omits the comfort terms'
 * constants and is ~50x the community's cost, hence the tighter relative part: the cost then
 * agrees with Clarabel's to ~1e-9 relative, far inside the 1e-3 gap at which ADMM is compared.
 */
export const REFERENCE_SOLVER_SETTINGS: Partial<InteriorPointSettings> = {
  epsAbs: 1e-9,
  epsRel: 1e-10,
  maxIterations: 100,
};

export function interiorPointBackend(settings: Partial<InteriorPointSettings> = {}): QpBackend {
  const merged = { ...REFERENCE_SOLVER_SETTINGS, ...settings };
  return (problem) => {
    const r = solveQpInteriorPoint(problem, merged);
    return { status: r.status, x: r.x, objective: r.objective, iterations: r.iterations };
  };
}

/** true when the status carries a usable solution */
export function usableStatus(status: SolverStatus): boolean {
  return status === 'solved' || status === 'solved_inaccurate';
}
