// The agent side of the pool market (admm/poolStep.ts, "AGENT SIDE"): from a prosumer's own data,
// the latest clearing of the round and the agent's own history, the next int16 row it submits.
// Pure and deterministic: the in-memory engine (admm/poolEngine.ts) and the node agents call the
// same functions, so an on-chain round and its in-memory twin submit identical rows.
//
// Per round the agent keeps { iteration, lastRow, target }:
//   - initialPoolAgentState: iteration 0, lastRow = zeros (what the contract holds before a first
//     submission), target z = 0 (cold) or the previous clearing's shifted targets (warm start);
//   - applyPoolClearing(clearing k): z^k = tdiv(alpha*(lastRow*res - sbar^k) + (1e6 - alpha)*z^(k-1), 1e6)
//     (integers, µkW; apply every clearing in order, also those of iterations the agent missed:
//     its carried-over lastRow is what the contract used);
//   - poolAgentRow(prices): solve the pool local problem (model/poolLocalProblem.ts) at the
//     clearing's prices and the target, quantise s to row steps (half away from zero); the slice is
//     always empty (no acceleration, see poolStep.ts);
//   - recordSubmission(row): the row the contract now holds as the agent's last row.
import type { ProsumerSchedule } from './types.js';
import type { LocalSolveSettings } from '../model/localProblem.js';
import { solvePoolLocal } from '../model/poolLocalProblem.js';
import type { ModelOptions, ProsumerInput, Tariff } from '../model/scenario.js';
import type { SolverStatus } from '../solver/types.js';
import { kwToRowStep, PoolStepError, PPM, rowLimitKw, SCALE, tdiv, type PoolClearing } from './poolStep.js';

/** What the agent knows of its own prosumer and of the round. */
export interface PoolAgentParams {
  prosumer: ProsumerInput;
  tariff: Tariff;
  options: ModelOptions;
  dtHours: number;
  /** slot of the day of the first slot (model/slotCalendar.ts) */
  startSlot: number;
  /** N of the round */
  participants: number;
  /** µcurrency/kWh per kW */
  rho: bigint;
  /** µkW per row step */
  resolution: bigint;
  /** over-relaxation, ppm */
  alphaPpm: bigint;
}

export interface PoolAgentState {
  /** clearings applied */
  iteration: number;
  /** the row the contract holds for this agent (zeros before its first submission) */
  lastRow: Int16Array;
  /** target z_i, µkW */
  target: BigInt64Array;
}

export interface PoolAgentRow {
  row: Int16Array;
  /** acceleration data; always empty */
  slice: Uint8Array;
  /** the local solution behind the row (unquantised) */
  schedule: ProsumerSchedule;
  /** net trade before quantisation, kW */
  netTradeKw: Float64Array;
  status: SolverStatus;
}

export function initialPoolAgentState(horizon: number, warmTarget?: BigInt64Array): PoolAgentState {
  if (warmTarget && warmTarget.length !== horizon) throw new PoolStepError(`warm target has ${warmTarget.length} slots, expected ${horizon}`);
  return { iteration: 0, lastRow: new Int16Array(horizon), target: warmTarget ? BigInt64Array.from(warmTarget) : new BigInt64Array(horizon) };
}

/** Apply clearing k (must be the next one) to the agent's target. */
export function applyPoolClearing(params: Pick<PoolAgentParams, 'resolution' | 'alphaPpm'>, state: PoolAgentState, clearing: Pick<PoolClearing, 'iteration' | 'sbar'>): PoolAgentState {
  if (clearing.iteration !== state.iteration + 1) {
    throw new PoolStepError(`clearing ${clearing.iteration} applied after ${state.iteration}; apply every clearing in order`, { iteration: clearing.iteration });
  }
  const T = state.target.length;
  if (clearing.sbar.length !== T) throw new PoolStepError(`clearing has ${clearing.sbar.length} slots, expected ${T}`);
  const a = params.alphaPpm;
  const target = new BigInt64Array(T);
  for (let t = 0; t < T; t++) {
    target[t] = tdiv(a * (BigInt(state.lastRow[t]) * params.resolution - clearing.sbar[t]) + (PPM - a) * state.target[t], PPM);
  }
  return { iteration: clearing.iteration, lastRow: state.lastRow, target };
}

/** The agent's next row at the given prices (µcurrency/kWh), from its current target. */
export function poolAgentRow(params: PoolAgentParams, state: PoolAgentState, prices: BigInt64Array, settings: LocalSolveSettings = {}): PoolAgentRow {
  const T = state.target.length;
  if (prices.length !== T) throw new PoolStepError(`prices have ${prices.length} slots, expected ${T}`);
  const scale = Number(SCALE);
  const out = solvePoolLocal(
    {
      prosumer: params.prosumer,
      tariff: params.tariff,
      options: params.options,
      dtHours: params.dtHours,
      startSlot: params.startSlot,
      participants: params.participants,
      rho: Number(params.rho) / scale,
      prices: Float64Array.from(prices, (p) => Number(p) / scale),
      target: Float64Array.from(state.target, (z) => Number(z) / scale),
      netTradeBound: rowLimitKw(params.resolution),
    },
    settings,
  );
  if (out.trades.some((v) => !Number.isFinite(v))) {
    throw new PoolStepError(`prosumer ${params.prosumer.id}: local solve failed (${out.status})`);
  }
  const row = Int16Array.from(out.trades, (kw) => kwToRowStep(kw, params.resolution));
  return { row, slice: new Uint8Array(0), schedule: out.schedule, netTradeKw: out.trades, status: out.status };
}

/** The state after the agent's row was accepted by the coordinator. */
export function recordSubmission(state: PoolAgentState, row: Int16Array): PoolAgentState {
  return { iteration: state.iteration, lastRow: Int16Array.from(row), target: state.target };
}
