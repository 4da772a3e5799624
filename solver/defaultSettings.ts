// Default settings of the project's QP solver (OSQP's algorithm) and their checks.
// The values follow the OSQP paper's recommendations, with tighter default tolerances
// and polishing on, since the prosumers' local problems feed an outer ADMM loop.

import type { SolverSettings } from './types.js';

export function defaultSettings(): SolverSettings {
  return {
    rho: 0.1,
    sigma: 1e-6,
    alpha: 1.6,
    epsAbs: 1e-4,
    epsRel: 1e-4,
    epsPrimalInfeasible: 1e-5,
    epsDualInfeasible: 1e-5,
    maxIterations: 10000,
    timeLimitMs: 0,
    adaptiveRho: true,
    adaptiveRhoInterval: 0,
    adaptiveRhoTolerance: 5,
    scaling: 10,
    polish: true,
    polishDelta: 1e-6,
    polishRefineIterations: 3,
    checkTerminationEvery: 5,
    warmStart: true,
  };
}

/** Merges user settings over the defaults and checks every value. */
export function resolveSettings(partial?: Partial<SolverSettings>): SolverSettings {
  const s: SolverSettings = { ...defaultSettings(), ...(partial ?? {}) };
  const positive = (name: keyof SolverSettings): void => {
    const v = s[name];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`solver settings: ${name} must be a positive finite number, got ${String(v)}`);
  };
  const nonNegative = (name: keyof SolverSettings): void => {
    const v = s[name];
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new Error(`solver settings: ${name} must be a non-negative finite number, got ${String(v)}`);
  };
  const integer = (name: keyof SolverSettings, min: number): void => {
    const v = s[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`solver settings: ${name} must be an integer >= ${min}, got ${String(v)}`);
  };
  positive('rho');
  positive('sigma');
  if (!(s.alpha > 0 && s.alpha < 2)) throw new Error(`solver settings: alpha must lie in (0, 2), got ${s.alpha}`);
  nonNegative('epsAbs');
  nonNegative('epsRel');
  if (s.epsAbs === 0 && s.epsRel === 0) throw new Error('solver settings: epsAbs and epsRel cannot both be 0');
  positive('epsPrimalInfeasible');
  positive('epsDualInfeasible');
  integer('maxIterations', 1);
  nonNegative('timeLimitMs');
  integer('adaptiveRhoInterval', 0);
  if (!(s.adaptiveRhoTolerance >= 1)) throw new Error(`solver settings: adaptiveRhoTolerance must be >= 1, got ${s.adaptiveRhoTolerance}`);
  integer('scaling', 0);
  positive('polishDelta');
  integer('polishRefineIterations', 0);
  integer('checkTerminationEvery', 1);
  return s;
}
