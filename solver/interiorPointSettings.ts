// Settings and result of the interior-point QP solver (solver/interiorPoint.ts): tolerances
// on the unscaled primal and dual residuals and on the duality gap, the iteration limit,
// the regularisation of the quasi-definite Newton system and the step-to-boundary fraction.

import type { SolverResult } from './types.js';

export interface InteriorPointSettings {
  /** absolute tolerance on the primal and dual residuals and the duality gap */
  epsAbs: number;
  /** relative tolerance on the same three measures */
  epsRel: number;
  /** relative tolerance of the primal infeasibility test (dual ray) */
  epsPrimalInfeasible: number;
  /** relative tolerance of the dual infeasibility test (primal ray) */
  epsDualInfeasible: number;
  maxIterations: number;
  /** Ruiz equilibration passes, 0 = off */
  scaling: number;
  /** fraction of the step to the boundary of the positive orthant, in (0, 1) */
  stepFraction: number;
  /** static regularisation: +reg on the x block, -reg (at least) on the constraint block */
  regularization: number;
  /** iterative refinement steps against the unregularised Newton system */
  refineIterations: number;
  /** one line per iteration on stderr (residuals, gap, step) */
  verbose: boolean;
}

export function defaultInteriorPointSettings(): InteriorPointSettings {
  return {
    epsAbs: 1e-9,
    epsRel: 1e-9,
    epsPrimalInfeasible: 1e-8,
    epsDualInfeasible: 1e-8,
    maxIterations: 100,
    scaling: 10,
    stepFraction: 0.995,
    regularization: 1e-9,
    refineIterations: 3,
    verbose: false,
  };
}

/** Merges user settings over the defaults and checks every value. */
export function resolveInteriorPointSettings(partial?: Partial<InteriorPointSettings>): InteriorPointSettings {
  const s: InteriorPointSettings = { ...defaultInteriorPointSettings(), ...(partial ?? {}) };
  const check = (name: keyof InteriorPointSettings, ok: (v: number) => boolean, what: string): void => {
    const v = s[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`interior-point settings: ${name} must be ${what}, got ${String(v)}`);
  };
  check('epsAbs', (v) => v >= 0, 'a non-negative finite number');
  check('epsRel', (v) => v >= 0, 'a non-negative finite number');
  if (s.epsAbs === 0 && s.epsRel === 0) throw new Error('interior-point settings: epsAbs and epsRel cannot both be 0');
  check('epsPrimalInfeasible', (v) => v > 0, 'a positive finite number');
  check('epsDualInfeasible', (v) => v > 0, 'a positive finite number');
  check('maxIterations', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  check('scaling', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
  check('stepFraction', (v) => v > 0 && v < 1, 'in (0, 1)');
  check('regularization', (v) => v > 0 && v < 1, 'in (0, 1)');
  check('refineIterations', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
  if (typeof s.verbose !== 'boolean') throw new Error(`interior-point settings: verbose must be a boolean, got ${String(s.verbose)}`);
  return s;
}

/**
 * The result of an interior-point solve: the fields of SolverResult (y with OSQP's sign
 * convention: y_i > 0 when the upper bound of row i is active, < 0 for the lower one;
 * `polished` is always false, `rho` is NaN), plus the duality gap and mu.
 */
export interface InteriorPointResult extends SolverResult {
  /** unscaled complementarity sum_i s_i z_i (equals primal minus dual objective at feasibility) */
  dualityGap: number;
  /** the gap's tolerance epsAbs + epsRel * max(|primal objective|, |dual objective|) */
  epsGap: number;
  /** final average complementarity of the scaled problem */
  mu: number;
}
