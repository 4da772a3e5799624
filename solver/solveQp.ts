// One-shot convenience: set up a QpSolver, solve once, return the result.

import type { QpProblem, SolverResult, SolverSettings } from './types.js';
import { QpSolver } from './qpSolver.js';

export function solveQp(problem: QpProblem, settings?: Partial<SolverSettings>): SolverResult {
  return new QpSolver(problem, settings).solve();
}
