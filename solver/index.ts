// Public API of the project's QP solver (OSQP's algorithm in TypeScript, with its own
// sparse LDL' factorisation and minimum-degree ordering). See solver/README.md.

export type { CscMatrix, QpProblem, SolverSettings, SolverStatus, SolverResult } from './types.js';
export { QpSolver, INFINITE_BOUND } from './qpSolver.js';
export { solveQp } from './solveQp.js';
export { defaultSettings, resolveSettings } from './defaultSettings.js';
export { describeStatus, hasSolution } from './solverStatus.js';
export {
  cscFromTriplets,
  cscFromDense,
  cscTranspose,
  cscMultiply,
  cscMultiplyTransposed,
  cscMultiplySymmetricUpper,
  cscNnz,
  validateCsc,
} from './cscMatrix.js';
export { LdlFactorization } from './ldlFactorization.js';
export { minimumDegreeOrdering } from './minimumDegreeOrdering.js';
export { InteriorPointSolver, solveQpInteriorPoint } from './interiorPoint.js';
export { defaultInteriorPointSettings, resolveInteriorPointSettings } from './interiorPointSettings.js';
export type { InteriorPointSettings, InteriorPointResult } from './interiorPointSettings.js';
