// Human-readable descriptions of the solver's statuses, for messages and logs.

import type { SolverStatus } from './types.js';

const descriptions: Record<SolverStatus, string> = {
  solved: 'solved to the requested tolerances',
  solved_inaccurate: 'stopped at a limit with residuals within 10x the tolerances (inaccurate solution)',
  primal_infeasible: 'primal infeasible (a certificate y with A\'y = 0 and a negative support value was found)',
  dual_infeasible: 'dual infeasible, i.e. unbounded (a direction of decreasing cost was found)',
  max_iterations: 'iteration limit reached before the tolerances were met',
  time_limit: 'time limit reached before the tolerances were met',
  non_convex: 'problem not convex (P is not positive semidefinite)',
};

export function describeStatus(status: SolverStatus): string {
  return descriptions[status];
}

/** True for the statuses that carry a usable primal solution. */
export function hasSolution(status: SolverStatus): boolean {
  return status === 'solved' || status === 'solved_inaccurate' || status === 'max_iterations' || status === 'time_limit';
}
