// PLT_i, prosumer i's local problem of an ADMM iteration (model note, section ADMM step 1):
//   minimise own cost + sum_t sum_m [ (rho+eps)/2 * p_m[t]^2 - c_m[t] * p_m[t] ]
//   subject to (1)-(9), (11)-(13),  c_m[t] = rho * hat_m[t] + lambda_m[t],
// where p_m = pET[i][m] and eps the trade cost (eps/2 p^2 is i's share of eps/2 sum pET^2; the
// rho/2 hat^2 term is a constant and dropped).
//
// Trades enter (13) only through their sum s[t] = sum_m p_m[t], so for given s the split is the
// closed form of an equality-constrained separable quadratic (k = rho + eps, M partners):
//   p_m = c_m/k + (s - C/k)/M,   C = sum_m c_m,
// whose value is  k/(2M) * (s - C/k)^2 - sum_m c_m^2/(2k),  i.e. the QP in s gets
//   P[s,s] += k/M,   q[s] += -C/M   per slot.
// This keeps the QP at the size of one prosumer whatever N. `explicitPartners` (tests) solves with
// one variable per partner and slot instead; both give the same trades.
//
// Pure function of its input: the same input gives bit-identical output (the structural part of
// the QP is cached per prosumer object, which changes nothing in the numbers).
import type { ProsumerSchedule } from './prosumerSchedule.js';
import type { QpProblem, SolverStatus } from '../solver/types.js';
import { DerchainInputError } from '../errors/inputError.js';
import { addProsumerBlock, extractSchedule, type BlockContext, type ProsumerLayout } from './prosumerBlock.js';
import { projectSolverBackend, usableStatus, type QpBackend } from './qpBackend.js';
import { QpBuilder } from './qpBuilder.js';
import type { ModelOptions, ProsumerInput, Tariff } from './scenario.js';

export interface LocalSolveInput {
  prosumer: ProsumerInput;
  tariff: Tariff;
  options: ModelOptions;
  dtHours: number;
  /** M = N - 1 */
  partners: number;
  rho: number;
  /** M*T, currency/kWh, row[m*T+t] */
  lambdaRow: Float64Array;
  /** M*T, kW */
  hatRow: Float64Array;
  /** slot of the day of the first slot (model/slotCalendar.ts startSlotOfDay); default 0 = midnight */
  startSlot?: number;
  /** |s[t]| <= netTradeBound kW (the pool market's int16 row range); default unbounded */
  netTradeBound?: number;
}

export interface LocalSolveOutput {
  /** M*T kW, pET[i][m][t] */
  trades: Float64Array;
  schedule: ProsumerSchedule;
  status: SolverStatus;
  iterations: number;
}

export interface LocalSolveSettings {
  /** QP solver (default: the project's solver) */
  backend?: QpBackend;
  /** one variable per partner and slot instead of the closed-form split (for tests) */
  explicitPartners?: boolean;
}

interface CachedBlock {
  key: string;
  tariff: Tariff;
  base: QpProblem;
  layout: ProsumerLayout;
  /** position in P.values of each (s[t], s[t]) entry */
  sDiag: Int32Array;
  constant: number;
}

const blockCache = new WeakMap<ProsumerInput, CachedBlock>();

function contextOf(input: LocalSolveInput): BlockContext {
  return { tariff: input.tariff, options: input.options, dtHours: input.dtHours, startSlot: input.startSlot ?? 0 };
}

function netTradeBlock(input: LocalSolveInput): CachedBlock {
  const key = JSON.stringify([input.options, input.dtHours, input.startSlot ?? 0, input.partners === 0, input.netTradeBound ?? null]);
  const hit = blockCache.get(input.prosumer);
  if (hit && hit.key === key && hit.tariff === input.tariff) return hit;
  const b = new QpBuilder();
  const layout = addProsumerBlock(b, input.prosumer, contextOf(input));
  const T = layout.T;
  for (let t = 0; t < T; t++) {
    b.addQuadratic(layout.s[t], layout.s[t], 1); // placeholder, overwritten per call
    if (input.partners === 0) b.addBound(layout.s[t], 0, 0); // nobody to trade with
    else if (input.netTradeBound !== undefined) b.addBound(layout.s[t], -input.netTradeBound, input.netTradeBound);
  }
  const base = b.toProblem();
  const sDiag = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const col = layout.s[t];
    const end = base.P.colPtr[col + 1];
    if (end === base.P.colPtr[col] || base.P.rowIdx[end - 1] !== col) throw new Error('internal: missing s diagonal');
    sDiag[t] = end - 1;
  }
  const entry: CachedBlock = { key, tariff: input.tariff, base, layout, sDiag, constant: b.constant };
  blockCache.set(input.prosumer, entry);
  return entry;
}

function checkInput(input: LocalSolveInput, T: number): void {
  const n = input.partners * T;
  if (input.lambdaRow.length !== n || input.hatRow.length !== n)
    throw new Error(`lambdaRow/hatRow must have ${n} entries (M=${input.partners}, T=${T})`);
  if (!(input.rho > 0)) throw new Error(`rho must be positive, got ${input.rho}`);
}

function reportInfeasible(input: LocalSolveInput, status: SolverStatus): never {
  throw new DerchainInputError(
    `the prosumer's constraints cannot all hold (solver status ${status}); check the comfort band, the shiftable energy, the grid limit PGmax and the DR baseline`,
    { prosumer: input.prosumer.id },
  );
}

/** Solve PLT_i. Throws DerchainInputError when the prosumer's own constraints are infeasible. */
export function solveLocal(input: LocalSolveInput, settings: LocalSolveSettings = {}): LocalSolveOutput {
  const backend = settings.backend ?? projectSolverBackend();
  return settings.explicitPartners ? solveExplicit(input, backend) : solveNetTrade(input, backend);
}

function solveNetTrade(input: LocalSolveInput, backend: QpBackend): LocalSolveOutput {
  const blk = netTradeBlock(input);
  const T = blk.layout.T;
  checkInput(input, T);
  const M = input.partners;
  const eps = input.options.tradeCost;
  const k = input.rho + eps;
  const C = new Float64Array(T);
  for (let m = 0; m < M; m++)
    for (let t = 0; t < T; t++) C[t] += input.rho * input.hatRow[m * T + t] + input.lambdaRow[m * T + t];
  const values = Float64Array.from(blk.base.P.values);
  const q = Float64Array.from(blk.base.q);
  for (let t = 0; t < T; t++) {
    values[blk.sDiag[t]] = M > 0 ? k / M : 1;
    if (M > 0) q[blk.layout.s[t]] -= C[t] / M;
  }
  const problem: QpProblem = { ...blk.base, P: { ...blk.base.P, values }, q };
  const r = backend(problem);
  if (r.status === 'primal_infeasible') reportInfeasible(input, r.status);
  const trades = new Float64Array(M * T);
  let tradeCost = 0;
  if (usableStatus(r.status) || r.status === 'max_iterations' || r.status === 'time_limit') {
    for (let t = 0; t < T; t++) {
      const s = r.x[blk.layout.s[t]];
      const shift = (s - C[t] / k) / M;
      for (let m = 0; m < M; m++) {
        const c = input.rho * input.hatRow[m * T + t] + input.lambdaRow[m * T + t];
        const p = c / k + shift;
        trades[m * T + t] = p;
        tradeCost += (eps / 2) * p * p;
      }
    }
  } else trades.fill(Number.NaN);
  const schedule = extractSchedule(input.prosumer, blk.layout, r.x, contextOf(input), tradeCost);
  return { trades, schedule, status: r.status, iterations: r.iterations };
}

function solveExplicit(input: LocalSolveInput, backend: QpBackend): LocalSolveOutput {
  const b = new QpBuilder();
  const ctx = contextOf(input);
  const layout = addProsumerBlock(b, input.prosumer, ctx);
  const T = layout.T;
  checkInput(input, T);
  const M = input.partners;
  const eps = input.options.tradeCost;
  const k = input.rho + eps;
  const first = b.addVariables(M * T);
  for (let m = 0; m < M; m++)
    for (let t = 0; t < T; t++) {
      const v = first + m * T + t;
      b.addQuadratic(v, v, k);
      b.addLinear(v, -(input.rho * input.hatRow[m * T + t] + input.lambdaRow[m * T + t]));
    }
  for (let t = 0; t < T; t++) {
    const cols = [layout.s[t]];
    const vals = [1];
    for (let m = 0; m < M; m++) {
      cols.push(first + m * T + t);
      vals.push(-1);
    }
    b.addRow(cols, vals, 0, 0); // s[t] = sum_m p_m[t]
    if (input.netTradeBound !== undefined) b.addBound(layout.s[t], -input.netTradeBound, input.netTradeBound);
  }
  const r = backend(b.toProblem());
  if (r.status === 'primal_infeasible') reportInfeasible(input, r.status);
  const trades = r.x.slice(first, first + M * T);
  let tradeCost = 0;
  for (const p of trades) tradeCost += (eps / 2) * p * p;
  const schedule = extractSchedule(input.prosumer, layout, r.x, ctx, tradeCost);
  return { trades, schedule, status: r.status, iterations: r.iterations };
}
