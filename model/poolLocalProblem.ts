// The pool market's local problem (model note, "Community (pool) market", step 1): PLT_i with one
// partner, the community. Its dual row is the slot price, its target pHat the agent's balanced-trade
// target z_i, and its trade cost eps_pool/2 * s^2 with eps_pool = 2*eps/N, so that the community's
// total trade cost sum_i eps/N * s_i^2 equals the DCM's (model/tradeSplit.ts). The net trade is
// bounded by what an int16 row carries at the round's resolution (admm/poolStep.ts), so a row is
// never clamped after the solve. Reuses model/localProblem.ts (the prosumer block) unchanged.
import { solveLocal, type LocalSolveOutput, type LocalSolveSettings } from './localProblem.js';
import type { ModelOptions, ProsumerInput, Tariff } from './scenario.js';

export interface PoolLocalInput {
  prosumer: ProsumerInput;
  tariff: Tariff;
  options: ModelOptions;
  dtHours: number;
  /** slot of the day of the first slot (model/slotCalendar.ts) */
  startSlot: number;
  /** N, the community's size (sets the trade cost share) */
  participants: number;
  /** penalty rho, currency/kWh per kW */
  rho: number;
  /** clearing prices, currency/kWh, length T */
  prices: Float64Array;
  /** target z_i, kW, length T */
  target: Float64Array;
  /** |s| bound, kW */
  netTradeBound: number;
}

/** The trade cost each prosumer carries in the pool so that the total equals the DCM's. */
export function poolTradeCost(eps: number, participants: number): number {
  return participants > 0 ? (2 * eps) / participants : 0;
}

/** Model options of a pool local problem: the DCM-equivalent trade cost. Cached per (options, N). */
const optionCache = new WeakMap<ModelOptions, Map<number, ModelOptions>>();
export function poolModelOptions(options: ModelOptions, participants: number): ModelOptions {
  let byN = optionCache.get(options);
  if (!byN) {
    byN = new Map();
    optionCache.set(options, byN);
  }
  let o = byN.get(participants);
  if (!o) {
    o = { ...options, tradeCost: poolTradeCost(options.tradeCost, participants) };
    byN.set(participants, o);
  }
  return o;
}

/** Solve prosumer i's pool local problem; `trades` has length T (its net trade s, kW). */
export function solvePoolLocal(input: PoolLocalInput, settings: LocalSolveSettings = {}): LocalSolveOutput {
  return solveLocal(
    {
      prosumer: input.prosumer,
      tariff: input.tariff,
      options: poolModelOptions(input.options, input.participants),
      dtHours: input.dtHours,
      partners: 1,
      rho: input.rho,
      lambdaRow: input.prices,
      hatRow: input.target,
      startSlot: input.startSlot,
      netTradeBound: input.netTradeBound,
    },
    settings,
  );
}
