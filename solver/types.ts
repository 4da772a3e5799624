// Public types of the project's QP solver (OSQP's algorithm): the problem
//   minimise 1/2 x'Px + q'x  subject to  l <= Ax <= u
// with P symmetric positive semidefinite given by its upper triangle, in compressed sparse
// column (CSC) form, and the settings, status and result of a solve.

/** A sparse matrix in compressed sparse column form (0-based, row indices sorted per column). */
export interface CscMatrix {
  /** rows */
  m: number;
  /** columns */
  n: number;
  /** column pointers, length n + 1 */
  colPtr: Int32Array;
  /** row index of each stored entry, length nnz */
  rowIdx: Int32Array;
  /** value of each stored entry, length nnz */
  values: Float64Array;
}

export interface QpProblem {
  /** n x n, upper triangle only (entries below the diagonal are an error) */
  P: CscMatrix;
  q: Float64Array;
  /** m x n constraint matrix */
  A: CscMatrix;
  /** lower bounds, -Infinity allowed */
  l: Float64Array;
  /** upper bounds, +Infinity allowed */
  u: Float64Array;
}

export interface SolverSettings {
  rho: number;
  sigma: number;
  /** over-relaxation, in (0, 2) */
  alpha: number;
  epsAbs: number;
  epsRel: number;
  epsPrimalInfeasible: number;
  epsDualInfeasible: number;
  maxIterations: number;
  /** wall-clock limit in milliseconds, 0 = none */
  timeLimitMs: number;
  adaptiveRho: boolean;
  /** iterations between rho updates (0 = automatic from factorisation time) */
  adaptiveRhoInterval: number;
  /** factor by which rho must change before refactoring */
  adaptiveRhoTolerance: number;
  /** Ruiz equilibration passes, 0 = off */
  scaling: number;
  polish: boolean;
  polishDelta: number;
  polishRefineIterations: number;
  /** check termination every k iterations */
  checkTerminationEvery: number;
  warmStart: boolean;
}

export type SolverStatus =
  | 'solved'
  | 'solved_inaccurate'
  | 'primal_infeasible'
  | 'dual_infeasible'
  | 'max_iterations'
  | 'time_limit'
  | 'non_convex';

export interface SolverResult {
  status: SolverStatus;
  /** primal solution (or NaN-filled when infeasible) */
  x: Float64Array;
  /** dual solution for the constraint rows */
  y: Float64Array;
  objective: number;
  iterations: number;
  primalResidual: number;
  dualResidual: number;
  /** true when polishing succeeded and improved the solution */
  polished: boolean;
  /** certificate: A'y = 0-ish direction proving primal infeasibility */
  primalInfeasibilityCertificate?: Float64Array;
  /** certificate: direction proving dual infeasibility (unboundedness) */
  dualInfeasibilityCertificate?: Float64Array;
  setupMs: number;
  solveMs: number;
  /** numeric factorisations performed by this solve (setup excluded) */
  factorizations: number;
  rho: number;
  /** which limit ended a solve that reports max_iterations, time_limit or solved_inaccurate */
  limitReached?: 'iterations' | 'time';
}
