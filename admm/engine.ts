// The in-memory ADMM engine (model note, section ADMM): every iteration each prosumer solves
// PLT_i (model/localProblem.ts) with its lambda/pHat rows read from the coordinator state, its
// trades go through `toFixed` into the coordinator step in contract arithmetic
// (admm/coordinatorStep.ts), and the step's residuals decide when to stop. The result is compared
// with the centralised optimum (model/socialProblem.ts).
//
// Three forms: `runAdmm` (synchronous), `admmIterations` (a generator yielding each iteration),
// `runAdmmAsync` (yields to the event loop between iterations and reports progress).
import type { CoordinationResult, IterationRecord, ProsumerSchedule } from './types.js';
import { coordinatorStep, initialState, toFixed, type CoordinatorConfig, type CoordinatorState, type StepResult } from './coordinatorStep.js';
import { fixedToNested, nestedToFixed, participantRows, placeTradeRow, realResiduals, tradeRowToFixed } from './stateRows.js';
import { solveLocal } from '../model/localProblem.js';
import type { QpBackend } from '../model/qpBackend.js';
import type { Scenario } from '../model/scenario.js';
import { blockContext, solveCentralized, type CentralizedResult } from '../model/socialProblem.js';

export interface AdmmOptions {
  /** initial penalty rho, currency/kWh per kW */
  rho: number;
  /** absolute primal tolerance per trade entry (RMS), kW */
  epsAbs: number;
  /** absolute dual tolerance per entry (RMS), currency/kWh */
  epsDual: number;
  /** relative tolerance (fraction, e.g. 1e-3), passed to the step in ppm */
  epsRel: number;
  /** residual balancing of rho (coordinatorStep's rule) */
  balanceRho: boolean;
  maxIterations: number;
  /** warm start: initial prices lambda[i][j][t], currency/kWh (e.g. a previous run's `prices`) */
  initialPrices?: number[][][];
  /** also solve the centralised problem for the gap (default true) */
  centralized: boolean;
  /** QP backend (default: the project's solver) */
  backend?: QpBackend;
}

/**
 * Defaults, measured with bench/admm.bench.ts on the generator's data (N = 10, T = 24) and in
 * tests/admm: the objective gap to the centralised optimum tracks the primal residual (gap <= 1e-3
 * needs ||pHat - pET|| of about 1e-3 kW for N = 10, T = 24, i.e. about 1e-5 kW RMS per entry);
 * the dual residual has a floor of a few 1e-4 currency/kWh from the local solves' accuracy and the
 * 1e-6 fixed point, so its tolerance sits above it. rho = 1 currency/kWh per kW with balancing
 * reached gap <= 1e-3 in the fewest iterations (rho 0.1 and 0.5 take longer; 4 overshoots).
 */
export const DEFAULT_ADMM_OPTIONS: AdmmOptions = {
  rho: 1,
  epsAbs: 1e-5,
  epsDual: 5e-5,
  epsRel: 1e-5,
  balanceRho: true,
  maxIterations: 500,
  centralized: true,
};

/**
 * Largest relative gap to the centralised optimum that is still reported as converged. The
 * residual test alone can be fooled: with a very large rho the fixed-point trades stop moving at
 * once and both residuals read zero far from the optimum (rho 1e6 stopped at a 2.2 % gap).
 */
export const MAX_CONVERGED_GAP = 1e-2;

/** Range of the initial rho the commands accept, currency/kWh per kW (1e-6 fixed point on chain). */
export const RHO_RANGE = { min: 1e-3, max: 1e3 } as const;

/** |objective - optimum| / |optimum| against the centralised reference; NaN without one. */
export function relativeGapTo(objective: number, central: { objective: number } | null): number {
  return central ? Math.abs(objective - central.objective) / Math.max(1e-9, Math.abs(central.objective)) : Number.NaN;
}

/** converged = stopping rule met and, when the reference is known, the gap is plausible. */
export function isConverged(stopRuleMet: boolean, relativeGap: number): boolean {
  return stopRuleMet && !(relativeGap > MAX_CONVERGED_GAP);
}

export interface IterationOutcome {
  record: IterationRecord;
  step: StepResult;
  schedules: ProsumerSchedule[];
  /** submitted float trades of each prosumer, row layout */
  tradeRows: Float64Array[];
}

export function coordinatorConfig(n: number, t: number, o: AdmmOptions): CoordinatorConfig {
  return {
    n,
    t,
    epsAbs: toFixed(o.epsAbs),
    epsDual: toFixed(o.epsDual),
    epsRelPpm: BigInt(Math.round(o.epsRel * 1e6)),
    balanceRho: o.balanceRho,
  };
}

/** Run ADMM iteration by iteration; stops after the converged iteration or at the cap. */
export function* admmIterations(scenario: Scenario, options: Partial<AdmmOptions> = {}): Generator<IterationOutcome, void, void> {
  const o: AdmmOptions = { ...DEFAULT_ADMM_OPTIONS, ...options };
  const n = scenario.prosumers.length;
  const T = scenario.horizon;
  const cfg = coordinatorConfig(n, T, o);
  const lambda0 = o.initialPrices ? nestedToFixed(o.initialPrices, n, T) : undefined;
  let state: CoordinatorState = initialState(n, T, toFixed(o.rho), lambda0);
  const ctx = blockContext(scenario);
  const t0 = performance.now();
  for (let k = 0; k < o.maxIterations; k++) {
    const rho = Number(state.rho) / 1e6;
    const trades = new BigInt64Array(n * n * T);
    const schedules: ProsumerSchedule[] = [];
    const tradeRows: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const rows = participantRows(state, n, T, i);
      const out = solveLocal(
        {
          prosumer: scenario.prosumers[i],
          tariff: scenario.tariff,
          options: scenario.options,
          dtHours: scenario.dtHours,
          partners: n - 1,
          rho,
          lambdaRow: rows.lambdaRow,
          hatRow: rows.hatRow,
          startSlot: ctx.startSlot,
        },
        o.backend ? { backend: o.backend } : {},
      );
      if (out.trades.some((v) => !Number.isFinite(v))) throw new Error(`prosumer ${scenario.prosumers[i].id}: local solve failed (${out.status})`);
      placeTradeRow(trades, n, T, i, tradeRowToFixed(out.trades));
      schedules.push(out.schedule);
      tradeRows.push(out.trades);
    }
    const step = coordinatorStep(cfg, state, trades);
    const res = realResiduals(step);
    let objective = 0;
    for (const s of schedules) objective += s.cost;
    const record: IterationRecord = {
      iteration: step.state.iteration,
      primalResidual: res.primal,
      dualResidual: res.dual,
      rho: res.rho,
      objective,
      seconds: (performance.now() - t0) / 1000,
    };
    state = step.state;
    yield { record, step, schedules, tradeRows };
    if (step.converged) return;
  }
}

function assemble(
  scenario: Scenario,
  history: IterationRecord[],
  last: IterationOutcome | null,
  central: CentralizedResult | null,
  seconds: number,
): CoordinationResult {
  const n = scenario.prosumers.length;
  const T = scenario.horizon;
  if (!last) throw new Error('ADMM ran no iteration (maxIterations must be at least 1)');
  const admmObjective = last.record.objective;
  const centralizedObjective = central ? central.objective : Number.NaN;
  const relativeGap = relativeGapTo(admmObjective, central);
  const trades: number[][][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? new Array<number>(T).fill(0) : Array.from(last.tradeRows[i].subarray((j < i ? j : j - 1) * T, (j < i ? j : j - 1) * T + T)))),
  );
  return {
    prosumers: scenario.prosumers.map((p) => p.id),
    horizon: T,
    dtHours: scenario.dtHours,
    timestamps: scenario.timestamps,
    iterations: history.length,
    converged: isConverged(last.step.converged, relativeGap),
    stopRuleMet: last.step.converged,
    admmObjective,
    centralizedObjective,
    relativeGap,
    primalResidual: last.record.primalResidual,
    dualResidual: last.record.dualResidual,
    seconds,
    centralizedSeconds: central ? central.seconds : Number.NaN,
    history,
    admmSchedules: last.schedules,
    centralSchedules: central ? central.schedules : [],
    trades,
    prices: fixedToNested(last.step.state.lambda, n, T),
  };
}

function centralReference(scenario: Scenario, o: AdmmOptions): CentralizedResult | null {
  if (!o.centralized) return null;
  return solveCentralized(scenario, o.backend ? { backend: o.backend } : {});
}

/** Run ADMM to convergence (or the cap) and compare with the centralised optimum. */
export function runAdmm(scenario: Scenario, options: Partial<AdmmOptions> = {}): CoordinationResult {
  const o: AdmmOptions = { ...DEFAULT_ADMM_OPTIONS, ...options };
  const central = centralReference(scenario, o);
  const history: IterationRecord[] = [];
  let last: IterationOutcome | null = null;
  const t0 = performance.now();
  for (const it of admmIterations(scenario, o)) {
    history.push(it.record);
    last = it;
  }
  return assemble(scenario, history, last, central, (performance.now() - t0) / 1000);
}

/** As runAdmm, yielding to the event loop after each iteration and reporting it to `onProgress`. */
export async function runAdmmAsync(
  scenario: Scenario,
  options: Partial<AdmmOptions> = {},
  onProgress?: (record: IterationRecord) => void,
): Promise<CoordinationResult> {
  const o: AdmmOptions = { ...DEFAULT_ADMM_OPTIONS, ...options };
  const history: IterationRecord[] = [];
  let last: IterationOutcome | null = null;
  const t0 = performance.now();
  for (const it of admmIterations(scenario, o)) {
    history.push(it.record);
    last = it;
    onProgress?.(it.record);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - t0) / 1000;
  const central = centralReference(scenario, o);
  return assemble(scenario, history, last, central, seconds);
}
