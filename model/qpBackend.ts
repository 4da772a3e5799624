// The QP solver the model uses: by default the project's solver (solver/index.ts, OSQP's
// algorithm) with settings tight enough for ADMM's outer loop; tests pass another backend (HiGHS)
// to cross-check. A backend is a synchronous function, so solveLocal stays a pure function.
import type { QpProblem, SolverStatus } from '../solver/types.js';

export interface QpOutcome {
  status: SolverStatus;
  x: Float64Array;
  objective: number;
  iterations: number;
}

export type QpBackend = (problem: QpProblem) => QpOutcome;

export function projectSolverBackend(): QpBackend {
  return () => {
    throw new Error('solver/index.ts is not available yet; pass a QP backend');
  };
}

/** true when the status carries a usable solution */
export function usableStatus(status: SolverStatus): boolean {
  return status === 'solved' || status === 'solved_inaccurate';
}
