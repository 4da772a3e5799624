// The in-memory pool (community) market engine, in the spirit of OSQP's API: `setupPool` checks
// the options and builds the round's integer configuration, `solve()` runs the exchange ADMM to its
// status, `warmStart()` sets the initial prices and targets (a rolling re-clear), and the status
// enum says how the run ended. Every iteration goes through the same functions the contract and
// `verify` use: each prosumer's row comes from admm/poolAgentStep.ts, the coordinator's arithmetic
// from admm/poolStep.ts (submission with carry-over, iteration close, balanced trades, settlement),
// so an on-chain round and this engine produce the same integers.
//
// Defaults (measured with `npm run bench -- pool`, see README "Community (pool) market"):
//   rho = rhoScale * (max energy price - min feed-in tariff) / RMS(load - PV)  (scale-aware, fixed)
//   alpha = 1.4, resolution 1 W, cold prices = the tariff's per-slot midpoint (energy + feed-in)/2,
//   stop: per-household imbalance <= epsPrimal = 3 W in every slot and dual residual per entry
//   <= epsDual = 0.003 currency/kWh, from iteration 2 on. Measured iterations, gaps and rolling
//   re-clears: README "Community (pool) market"; looser tolerances stop earlier with gaps above 1e-3.
import type { CoordinationResult, IterationRecord, ProsumerSchedule } from './types.js';
import { applyPoolClearing, initialPoolAgentState, poolAgentRow, recordSubmission, type PoolAgentParams, type PoolAgentState } from './poolAgentStep.js';
import {
  accumulateSubmission,
  closeIteration,
  openRound,
  PPM,
  SCALE,
  settleRound,
  settlementCurrency,
  type PoolClearing,
  type PoolConfig,
  type PoolRoundState,
  type PoolStatus,
} from './poolStep.js';
import type { QpBackend } from '../model/qpBackend.js';
import type { Scenario } from '../model/scenario.js';
import { blockContext, solveCentralized, type CentralizedResult } from '../model/socialProblem.js';
import { isConverged, relativeGapTo } from './engine.js';

export interface PoolOptions {
  /** penalty rho, currency/kWh per kW; default: the scale-aware rule times rhoScale */
  rho?: number;
  /** multiplier of the scale-aware rho */
  rhoScale: number;
  /** over-relaxation alpha in [1, 2) */
  alpha: number;
  /** µkW per row step */
  resolution: bigint;
  /** per-household imbalance bound in every slot, kW */
  epsPrimal: number;
  /** dual residual bound per entry (RMS), currency/kWh */
  epsDual: number;
  minIterations: number;
  maxIterations: number;
  /** cold-start prices: 'midpoint' of energy price and feed-in tariff per slot, or 'zero' */
  coldPrices: 'midpoint' | 'zero';
  /** also solve the centralised problem for the gap (default true) */
  centralized: boolean;
  backend?: QpBackend;
  /** tests: participant i does not submit in iteration k (its last row is carried over) */
  skip?: (iteration: number, participant: number) => boolean;
}

export const DEFAULT_POOL_OPTIONS: PoolOptions = {
  rhoScale: 1,
  // 1.4, not the issue prototype's 1.6: measured with `npm run bench -- pool` (README), alpha 1.4
  // stops the cold clearing 1-4 iterations earlier on the four real days and the generator
  // (N = 10, 30, 100) with every gap <= 1e-3; the rolling re-clears are about the same; 1.3 and 1.5
  // were no better than 1.4 (POOL_SWEEP=1 prints the traces).
  alpha: 1.4,
  resolution: 1000n,
  epsPrimal: 0.003,
  epsDual: 0.003,
  minIterations: 2,
  maxIterations: 200,
  coldPrices: 'midpoint',
  centralized: true,
};

/** Warm start of a round: prices (currency/kWh) and each prosumer's target (kW), length T. */
export interface PoolWarmStart {
  prices: ArrayLike<number>;
  targets: ArrayLike<number>[];
}

export interface PoolSettlementLine {
  id: string;
  /** exact amount, 1e-12 currency per hour of slot (poolStep.ts settlementAmount), as a decimal string */
  amount: string;
  /** amount in currency; > 0: the prosumer is owed */
  currency: number;
}

/** What the pool adds to a coordination result. */
export interface PoolOutcome {
  status: PoolStatus;
  rho: number;
  alpha: number;
  resolutionKw: number;
  /** final clearing price per slot, currency/kWh */
  clearingPrices: number[];
  /** balanced trades z_i per prosumer and slot, kW (sum to zero per slot exactly in µkW) */
  balancedTrades: number[][];
  /** each prosumer's last submitted net trade, kW */
  submittedTrades: number[][];
  /** largest |sum_i s_i[t]| before balancing, kW, at the final iteration */
  largestImbalanceKw: number;
  /** per iteration (as `history`), the slot t holding the largest |sum_i s_i[t]| (first such slot) */
  largestImbalanceSlots: number[];
  settlement: PoolSettlementLine[];
  /** the final integers, for replays: prices µcurrency/kWh, rows in steps, targets µkW */
  fixed: { prices: bigint[]; rows: number[][]; targets: bigint[][] };
}

export interface PoolResult extends CoordinationResult {
  market: 'pool';
  pool: PoolOutcome;
}

export interface PoolIteration {
  record: IterationRecord;
  clearing: PoolClearing;
  schedules: ProsumerSchedule[];
  /** the slot holding the largest |totals[t]| (community net before balancing) of this clearing (first such slot) */
  largestImbalanceSlot: number;
}

/** The first slot holding the largest |values[t]|. */
function largestSlot(values: BigInt64Array): number {
  let best = 0;
  let max = -1n;
  for (let t = 0; t < values.length; t++) {
    const a = values[t] < 0n ? -values[t] : values[t];
    if (a > max) {
      max = a;
      best = t;
    }
  }
  return best;
}

/** (max energy price - min feed-in tariff) / RMS(load - PV), currency/kWh per kW. */
export function scaleAwareRho(scenario: Scenario): number {
  const energy = Math.max(...scenario.tariff.energy);
  const feedIn = Math.min(...scenario.tariff.feedIn);
  let sq = 0;
  let count = 0;
  for (const p of scenario.prosumers)
    for (let t = 0; t < scenario.horizon; t++) {
      const d = p.series.load[t] - p.series.pv[t];
      sq += d * d;
      count++;
    }
  const rms = Math.sqrt(sq / Math.max(1, count));
  const spread = energy - feedIn;
  if (!(rms > 1e-3) || !(spread > 0)) return 1;
  return spread / rms;
}

const toMicro = (x: number): bigint => BigInt(Math.sign(x) * Math.round(Math.abs(x) * 1e6));

export class PoolProblem {
  readonly options: PoolOptions;
  readonly config: PoolConfig;
  private readonly agents: PoolAgentParams[];
  private initialPrices: BigInt64Array;
  private initialTargets: BigInt64Array[] | null = null;

  constructor(
    readonly scenario: Scenario,
    options: Partial<PoolOptions> = {},
  ) {
    const o: PoolOptions = { ...DEFAULT_POOL_OPTIONS, ...options };
    if (!(o.alpha >= 1 && o.alpha < 2)) throw new RangeError(`alpha must be in [1, 2), got ${o.alpha}`);
    if (o.rho !== undefined && !(o.rho > 0)) throw new RangeError(`rho must be positive, got ${o.rho}`);
    if (!(o.rhoScale > 0)) throw new RangeError(`rhoScale must be positive, got ${o.rhoScale}`);
    this.options = o;
    const n = scenario.prosumers.length;
    const T = scenario.horizon;
    const rho = o.rho ?? o.rhoScale * scaleAwareRho(scenario);
    this.config = {
      n,
      t: T,
      resolution: o.resolution,
      rho: toMicro(rho) > 0n ? toMicro(rho) : 1n,
      alphaPpm: BigInt(Math.round(o.alpha * 1e6)),
      epsPrimal: toMicro(o.epsPrimal),
      epsDual: toMicro(o.epsDual),
      minIterations: o.minIterations,
      maxIterations: o.maxIterations,
    };
    const ctx = blockContext(scenario);
    this.agents = scenario.prosumers.map((prosumer) => ({
      prosumer,
      tariff: scenario.tariff,
      options: scenario.options,
      dtHours: scenario.dtHours,
      startSlot: ctx.startSlot,
      participants: n,
      rho: this.config.rho,
      resolution: o.resolution,
      alphaPpm: this.config.alphaPpm,
    }));
    this.initialPrices = this.coldPrices();
  }

  private coldPrices(): BigInt64Array {
    return coldStartPrices(this.scenario, this.options.coldPrices);
  }

  /** The prices the next solve starts from (cold, or the warm start's), µcurrency/kWh: the round's `initialPrices` on chain. */
  startPrices(): BigInt64Array {
    return BigInt64Array.from(this.initialPrices);
  }

  /** Start the next solve from these prices and targets (a previous clearing's, shifted). */
  warmStart(warm: PoolWarmStart): this {
    const T = this.scenario.horizon;
    if (warm.prices.length !== T) throw new RangeError(`warm-start prices have ${warm.prices.length} slots, expected ${T}`);
    if (warm.targets.length !== this.config.n) throw new RangeError(`warm start has ${warm.targets.length} targets, expected ${this.config.n}`);
    this.initialPrices = BigInt64Array.from(Array.from(warm.prices, toMicro));
    this.initialTargets = warm.targets.map((row) => {
      if (row.length !== T) throw new RangeError(`warm-start target has ${row.length} slots, expected ${T}`);
      return BigInt64Array.from(Array.from(row, toMicro));
    });
    return this;
  }

  /** Forget the warm start. */
  coldStart(): this {
    this.initialPrices = this.coldPrices();
    this.initialTargets = null;
    return this;
  }

  /** The round iteration by iteration; `final` receives the round's end state. */
  *iterations(final?: (state: PoolRoundState, agents: PoolAgentState[]) => void): Generator<PoolIteration, void, void> {
    const cfg = this.config;
    const n = cfg.n;
    const T = cfg.t;
    const round = openRound(cfg, this.initialPrices);
    let agents = this.agents.map((_, i) => initialPoolAgentState(T, this.initialTargets?.[i]));
    let prices: BigInt64Array = BigInt64Array.from(this.initialPrices);
    const lastSchedules: (ProsumerSchedule | null)[] = new Array(n).fill(null);
    const t0 = performance.now();
    const rho = Number(cfg.rho) / 1e6;
    const res = Number(cfg.resolution) / 1e6;
    while (round.status === 'running') {
      const k = round.iteration + 1;
      for (let i = 0; i < n; i++) {
        if (this.options.skip?.(k, i)) continue;
        const out = poolAgentRow(this.agents[i], agents[i], prices, this.options.backend ? { backend: this.options.backend } : {});
        accumulateSubmission(cfg, round, i, out.row, agents[i].lastRow);
        agents[i] = recordSubmission(agents[i], out.row);
        lastSchedules[i] = out.schedule;
      }
      const clearing = closeIteration(cfg, round);
      agents = agents.map((a, i) => applyPoolClearing(this.agents[i], a, clearing));
      prices = clearing.prices;
      let objective = 0;
      for (const s of lastSchedules) objective += s ? s.cost : Number.NaN;
      let sbarSq = 0;
      for (const v of clearing.sbar) sbarSq += (Number(v) / 1e6) ** 2;
      const record: IterationRecord = {
        iteration: clearing.iteration,
        primalResidual: Math.sqrt(n * sbarSq),
        dualResidual: rho * res * Math.sqrt(Math.max(0, Number(clearing.dualNum)) / n),
        rho,
        objective,
        seconds: (performance.now() - t0) / 1000,
        largestImbalanceKw: Number(clearing.maxAbs) * res,
      };
      yield { record, clearing, schedules: lastSchedules.map((s, i) => s ?? emptySchedule(this.scenario, i)), largestImbalanceSlot: largestSlot(round.totals) };
    }
    final?.(round, agents);
  }

  /** Run the round to its status and compare with the centralised optimum; `onIteration` sees every clearing. */
  solve(onIteration?: (it: PoolIteration) => void): PoolResult {
    const central = this.options.centralized ? solveCentralized(this.scenario, this.options.backend ? { backend: this.options.backend } : {}) : null;
    const history: IterationRecord[] = [];
    let last: PoolIteration | null = null;
    let end: { state: PoolRoundState; agents: PoolAgentState[] } | null = null;
    const slots: number[] = [];
    const t0 = performance.now();
    for (const it of this.iterations((state, agents) => (end = { state, agents }))) {
      history.push(it.record);
      slots.push(it.largestImbalanceSlot);
      last = it;
      onIteration?.(it);
    }
    return this.assemble(history, slots, last, end, central, (performance.now() - t0) / 1000);
  }

  /** As solve, yielding to the event loop after each iteration and reporting it. */
  async solveAsync(onProgress?: (record: IterationRecord) => void): Promise<PoolResult> {
    const history: IterationRecord[] = [];
    let last: PoolIteration | null = null;
    let end: { state: PoolRoundState; agents: PoolAgentState[] } | null = null;
    const slots: number[] = [];
    const t0 = performance.now();
    for (const it of this.iterations((state, agents) => (end = { state, agents }))) {
      history.push(it.record);
      slots.push(it.largestImbalanceSlot);
      last = it;
      onProgress?.(it.record);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const seconds = (performance.now() - t0) / 1000;
    const central = this.options.centralized ? solveCentralized(this.scenario, this.options.backend ? { backend: this.options.backend } : {}) : null;
    return this.assemble(history, slots, last, end, central, seconds);
  }

  private assemble(
    history: IterationRecord[],
    slots: number[],
    last: PoolIteration | null,
    end: { state: PoolRoundState; agents: PoolAgentState[] } | null,
    central: CentralizedResult | null,
    seconds: number,
  ): PoolResult {
    if (!last || !end) throw new Error('the pool round ran no iteration');
    const { state, agents } = end as { state: PoolRoundState; agents: PoolAgentState[] };
    const sc = this.scenario;
    const cfg = this.config;
    const res = Number(cfg.resolution) / 1e6;
    const settled = settleRound(cfg, state);
    const admmObjective = last.record.objective;
    const centralizedObjective = central ? central.objective : Number.NaN;
    const relativeGap = relativeGapTo(admmObjective, central);
    const pool: PoolOutcome = {
      status: state.status,
      rho: Number(cfg.rho) / 1e6,
      alpha: Number(cfg.alphaPpm) / Number(PPM),
      resolutionKw: res,
      clearingPrices: Array.from(state.prices, (p) => Number(p) / Number(SCALE)),
      balancedTrades: settled.trades.map((z) => Array.from(z, (v) => Number(v) / Number(SCALE))),
      submittedTrades: state.lastRows.map((row) => Array.from(row, (v) => v * res)),
      largestImbalanceKw: last.record.largestImbalanceKw ?? Number.NaN,
      largestImbalanceSlots: slots,
      settlement: settled.amounts.map((a, i) => ({ id: sc.prosumers[i].id, amount: a.toString(), currency: settlementCurrency(a, sc.dtHours) })),
      fixed: {
        prices: Array.from(state.prices),
        rows: state.lastRows.map((r) => Array.from(r)),
        targets: agents.map((a) => Array.from(a.target)),
      },
    };
    return {
      market: 'pool',
      pool,
      prosumers: sc.prosumers.map((p) => p.id),
      horizon: sc.horizon,
      dtHours: sc.dtHours,
      timestamps: sc.timestamps,
      iterations: history.length,
      converged: isConverged(state.status === 'converged', relativeGap),
      stopRuleMet: state.status === 'converged',
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
      // the pool has no pairwise trades or prices; report/ reads `pool` instead
      trades: [],
      prices: [],
    };
  }
}

function emptySchedule(scenario: Scenario, i: number): ProsumerSchedule {
  const T = scenario.horizon;
  const zeros = () => new Array<number>(T).fill(0);
  return { id: scenario.prosumers[i].id, pG: zeros(), pAC: zeros(), tIn: zeros(), pS: zeros(), pRE: zeros(), pFIT: zeros(), pCH: zeros(), pDIS: zeros(), e: zeros(), pDR: zeros(), netTrade: zeros(), cost: Number.NaN, costTerms: {} };
}

/** Set up a pool round on a scenario. */
/** Cold-start prices per slot, µcurrency/kWh: the midpoint of energy price and feed-in tariff (or zero). */
export function coldStartPrices(scenario: Scenario, rule: PoolOptions['coldPrices'] = DEFAULT_POOL_OPTIONS.coldPrices): BigInt64Array {
  const { energy, feedIn } = scenario.tariff;
  return BigInt64Array.from({ length: scenario.horizon }, (_, t) => (rule === 'midpoint' ? toMicro((energy[t] + feedIn[t]) / 2) : 0n));
}

export function setupPool(scenario: Scenario, options: Partial<PoolOptions> = {}): PoolProblem {
  return new PoolProblem(scenario, options);
}

/** Set up and solve a pool round. */
export function runPool(scenario: Scenario, options: Partial<PoolOptions> = {}): PoolResult {
  return setupPool(scenario, options).solve();
}
