// The community (pool) market's coordinator step in exact integer arithmetic: the specification the
// pool contract (contracts/PoolCoordinator.sol), the in-memory pool engine (admm/poolEngine.ts) and
// `derchain verify` follow bit for bit. It plays for the pool the role admm/coordinatorStep.ts plays
// for the bilateral market. Mathematics: docs/POOL-INTERFACE and the model note's "Community (pool)
// market": the exchange ADMM of Boyd et al. (2011) section 7.3.2 with over-relaxation (section 3.4.3).
//
// WHAT THE CONTRACT MUST MIRROR (bit for bit): openRound, accumulateSubmission, closeIteration,
// balancedTrade, settlementAmount; the helpers tdiv, packRow/unpackRow and packInt64/unpackInt64 are
// the encodings. Everything else here is convenience for TypeScript callers.
// Interface version 1 (first commit). Changes after it are listed here: none.
//
// ---------------------------------------------------------------------------------------------
// UNITS (all integers; "µ" = 1e-6)
//   row[t]          int16, one step = cfg.resolution µkW (default 1000 µkW = 1 W; |s| <= 32.767 kW)
//   totals[t]       sum over the round's N participants of each one's LAST row, in row steps
//   prices[t]       µcurrency/kWh (int64). The price a buyer pays and a seller receives; it is the
//                   model's lambda in PLT_i's sign convention (the net trade s > 0 sells), i.e.
//                   price = -y of Boyd's exchange ADMM (y += rho * xbar) = -rho * u.
//   sbar[t]         µkW, the average net trade trunc(totals[t] * resolution / N)
//   rho             µcurrency/kWh per kW (fixed for the round; 0 < rho)
//   alphaPpm        over-relaxation alpha in ppm, 1_000_000 <= alphaPpm < 2_000_000 (1.6 = 1_600_000)
//   epsPrimal       µkW: bound on the per-household average imbalance |totals[t]|*resolution/N, every t
//   epsDual         µcurrency/kWh: bound on the dual residual per entry (RMS over N*T entries)
// Division: tdiv(a, b) truncates toward zero (Solidity signed `/`, BigInt `/`). Intermediates are
// unbounded here and int256 in Solidity; with N <= 2^20, T <= 2^10, |rho| < 2^40, resolution < 2^24,
// |prices| < 2^62 every intermediate below stays far under 2^200.
//
// ROUND (openRound): prices = the operator's initial prices (cold start: zeros or any public guess;
// warm start: the last clearing's prices shifted by one slot); totals = prevTotals = 0; every
// participant's last row = the all-zero row (its stored hash is that of the EMPTY bytes, "0x").
//
// SUBMISSION (accumulateSubmission), participant i in iteration k, CARRY-OVER model:
//   the submission carries row (int16[T], signed) and prevRow (unsigned; must equal i's last row:
//   the contract compares keccak256(prevRow) with the stored hash; the empty bytes stand for the
//   all-zero row of a first submission). Then for every t
//     totals[t]   += row[t] - prevRow[t]
//     sumSqDelta  += (row[t] - prevRow[t])^2
//   and i's last row := row. A second submission of i in the same iteration is rejected.
//   A participant that does not submit in iteration k keeps its last row (it is "carried over").
//
// ITERATION CLOSE (closeIteration), k = iteration + 1, O(T) whatever N:
//   q[t]        = totals[t] * resolution                                   (µkW, community net)
//   sbar[t]     = tdiv(q[t], N)
//   prices[t]  -= tdiv(rho * alphaPpm * q[t], N * 10^12)                   (price update)
//   dS[t]       = totals[t] - prevTotals[t]
//   dualNum     = N * sumSqDelta - sum_t dS[t]^2                           (>= 0, Cauchy-Schwarz)
//   maxAbs      = max_t |totals[t]|                                        (row steps)
//   primalOk   <=> maxAbs * resolution <= N * epsPrimal
//   dualOk     <=> rho^2 * resolution^2 * dualNum <= N^2 * T * epsDual^2 * 10^12
//   converged  <=> k >= minIterations && primalOk && dualOk
//   status      = converged ? 'converged' : (k >= maxIterations ? 'max_iterations' : 'running')
//   then prevTotals := totals, sumSqDelta := 0, iteration := k.
//   Meaning: primal residual r = sqrt(N)*||sbar|| is bounded slot by slot (the largest slot
//   imbalance of the community before balancing is maxAbs*resolution µkW <= N*epsPrimal); dual
//   residual d = rho * sqrt(sum_i ||dz_i||^2) with z_i = s_i - sbar, since
//   sum_i ||dz_i||^2 = (N*sum_i ||ds_i||^2 - ||dS||^2)/N (row steps^2), and d^2 <= N*T*epsDual^2.
//   The event of iteration k publishes (k, prices, sbar, maxAbs, dualNum, status): the downlink
//   "clearing" every meter needs.
//
// BALANCED TRADES (balancedTrade), after the final close, participant index i (0-based, the order
// of admission to the round), from i's last row and the final totals:
//   q = totals[t] * resolution, sb = tdiv(q, N), rem = q - N*sb  (|rem| < N, sign of q)
//   z_i[t] = row_i[t]*resolution - sb - (i < |rem| ? sign(rem) : 0)        (µkW)
//   so sum_i z_i[t] = q - N*sb - rem = 0 EXACTLY: the rounding remainder goes 1 µkW each to the
//   participants of lowest index. Each z_i is O(T) to compute on its own.
//
// SETTLEMENT (settlementAmount): amount_i = sum_t prices[t] * z_i[t], in units of
//   1e-12 currency per hour of slot, i.e. currency value = amount_i * dtHours * 1e-12 (exact integer,
//   no rounding at all). amount_i > 0: i is owed (it sold at the clearing prices); < 0: i owes.
//   sum_i amount_i = sum_t prices[t] * sum_i z_i[t] = 0 exactly. Prices are those published by the
//   final close. Any conversion to µcurrency for display rounds per participant and is not settlement.
//
// AGENT SIDE (admm/poolAgentStep.ts; not executed by the contract, but deterministic and replayable
// by anyone holding the prosumer's data): target z_i^0 = 0 (or the warm start); after each clearing
//   z_i^k = tdiv(alphaPpm * (lastRow_i*resolution - sbar^k) + (10^6 - alphaPpm) * z_i^(k-1), 10^6)  (µkW)
// and the next row solves PLT_i with one partner, lambda = prices^k, pHat = z_i^k, the pool trade
// cost, and |s| bounded by the int16 range; s is rounded half away from zero to row steps.
//
// ACCELERATION: none (measured: Anderson type-II on (pHat + lambda/rho) with per-prosumer Gram slices
// saved 0-7 iterations on the four real days but would add an m x m fixed-point solve on chain and
// (m+1)*8 bytes to every radio message; see README). The `slice` field of a submission is therefore
// always the EMPTY bytes; the contract rejects a non-empty slice.
// ---------------------------------------------------------------------------------------------

export const SCALE = 1_000_000n;
export const PPM = 1_000_000n;
/** 10^12: (µcurrency/kWh per kW) * µkW = 1e-12 currency/kWh */
export const SCALE2 = SCALE * SCALE;
export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

/** Configuration of a pool round (fixed when the round opens). */
export interface PoolConfig {
  /** participants N of the round */
  n: number;
  /** horizon T (slots) */
  t: number;
  /** µkW per row step (1000 = 1 W) */
  resolution: bigint;
  /** penalty rho, µcurrency/kWh per kW */
  rho: bigint;
  /** over-relaxation alpha in ppm, [1e6, 2e6) */
  alphaPpm: bigint;
  /** per-household imbalance bound per slot, µkW */
  epsPrimal: bigint;
  /** dual residual bound per entry (RMS), µcurrency/kWh */
  epsDual: bigint;
  /** the stop may fire from this iteration on (>= 1) */
  minIterations: number;
  /** the round ends unconverged after this many iterations */
  maxIterations: number;
}

export type PoolStatus = 'running' | 'converged' | 'max_iterations';

/** The coordinator's state of one round: O(T) besides the per-participant last rows (hashes on chain). */
export interface PoolRoundState {
  /** closed iterations */
  iteration: number;
  status: PoolStatus;
  /** µcurrency/kWh */
  prices: BigInt64Array;
  /** row steps, sum of every participant's last row */
  totals: BigInt64Array;
  /** totals at the last close */
  prevTotals: BigInt64Array;
  /** sum over this iteration's submissions of ||row - prevRow||^2, row steps^2 */
  sumSqDelta: bigint;
  /** last row of each participant (the contract keeps keccak256 of its bytes) */
  lastRows: Int16Array[];
  /** participants that submitted in the open iteration */
  submitted: Uint8Array;
}

/** What a close publishes (the event of iteration k). */
export interface PoolClearing {
  iteration: number;
  /** µcurrency/kWh, after the update */
  prices: BigInt64Array;
  /** µkW */
  sbar: BigInt64Array;
  /** max_t |totals[t]|, row steps (largest slot imbalance = maxAbs * resolution µkW) */
  maxAbs: bigint;
  /** N * sumSqDelta - ||dS||^2, row steps^2 * N */
  dualNum: bigint;
  primalOk: boolean;
  dualOk: boolean;
  converged: boolean;
  status: PoolStatus;
}

export class PoolStepError extends Error {
  constructor(
    message: string,
    readonly details: { participant?: number; iteration?: number } = {},
  ) {
    super(message);
    this.name = 'PoolStepError';
  }
}

/** Truncating division (toward zero), as Solidity's `/` on signed integers. */
export function tdiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new PoolStepError('division by zero');
  return a / b;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

export function checkConfig(cfg: PoolConfig): void {
  const bad = (m: string): never => {
    throw new PoolStepError(`pool config: ${m}`);
  };
  if (!Number.isInteger(cfg.n) || cfg.n < 1) bad(`n must be a whole number >= 1 (got ${cfg.n})`);
  if (!Number.isInteger(cfg.t) || cfg.t < 1) bad(`t must be a whole number >= 1 (got ${cfg.t})`);
  if (cfg.resolution < 1n) bad('resolution must be >= 1 µkW');
  if (cfg.rho < 1n) bad('rho must be >= 1');
  if (cfg.alphaPpm < PPM || cfg.alphaPpm >= 2n * PPM) bad('alphaPpm must be in [1e6, 2e6)');
  if (cfg.epsPrimal < 0n || cfg.epsDual < 0n) bad('tolerances must be >= 0');
  if (!Number.isInteger(cfg.minIterations) || cfg.minIterations < 1) bad('minIterations must be >= 1');
  if (!Number.isInteger(cfg.maxIterations) || cfg.maxIterations < cfg.minIterations) bad('maxIterations must be >= minIterations');
}

/** Open a round: initial prices (µcurrency/kWh, length T; zeros when absent), zero totals and rows. */
export function openRound(cfg: PoolConfig, initialPrices?: BigInt64Array): PoolRoundState {
  checkConfig(cfg);
  if (initialPrices && initialPrices.length !== cfg.t) throw new PoolStepError(`initial prices have ${initialPrices.length} slots, expected ${cfg.t}`);
  return {
    iteration: 0,
    status: 'running',
    prices: initialPrices ? BigInt64Array.from(initialPrices) : new BigInt64Array(cfg.t),
    totals: new BigInt64Array(cfg.t),
    prevTotals: new BigInt64Array(cfg.t),
    sumSqDelta: 0n,
    lastRows: Array.from({ length: cfg.n }, () => new Int16Array(cfg.t)),
    submitted: new Uint8Array(cfg.n),
  };
}

/**
 * Add participant i's submission to the open iteration (mutates `state`). `prevRow` must equal i's
 * last row (null or an empty array stands for the all-zero row of a first submission).
 */
export function accumulateSubmission(cfg: PoolConfig, state: PoolRoundState, participant: number, row: Int16Array, prevRow: Int16Array | null): void {
  const T = cfg.t;
  if (state.status !== 'running') throw new PoolStepError('the round has ended', { participant, iteration: state.iteration + 1 });
  if (!Number.isInteger(participant) || participant < 0 || participant >= cfg.n) throw new PoolStepError(`no participant ${participant}`, { participant });
  if (row.length !== T) throw new PoolStepError(`row has ${row.length} slots, expected ${T}`, { participant });
  if (state.submitted[participant]) throw new PoolStepError('already submitted in this iteration', { participant, iteration: state.iteration + 1 });
  const last = state.lastRows[participant];
  const prev = prevRow && prevRow.length > 0 ? prevRow : new Int16Array(T);
  if (prev.length !== T) throw new PoolStepError(`prevRow has ${prev.length} slots, expected ${T}`, { participant });
  for (let t = 0; t < T; t++) if (prev[t] !== last[t]) throw new PoolStepError('prevRow is not the last row of the participant', { participant });
  let sq = 0n;
  for (let t = 0; t < T; t++) {
    const d = BigInt(row[t] - prev[t]);
    state.totals[t] += d;
    sq += d * d;
  }
  state.sumSqDelta += sq;
  state.lastRows[participant] = Int16Array.from(row);
  state.submitted[participant] = 1;
}

/** Close the open iteration (mutates `state`) and return what its event publishes. */
export function closeIteration(cfg: PoolConfig, state: PoolRoundState): PoolClearing {
  if (state.status !== 'running') throw new PoolStepError('the round has ended', { iteration: state.iteration });
  const T = cfg.t;
  const N = BigInt(cfg.n);
  const res = cfg.resolution;
  const sbar = new BigInt64Array(T);
  const priceDen = N * SCALE2;
  let maxAbs = 0n;
  let dS2 = 0n;
  for (let t = 0; t < T; t++) {
    const tot = state.totals[t];
    const q = tot * res;
    sbar[t] = tdiv(q, N);
    state.prices[t] -= tdiv(cfg.rho * cfg.alphaPpm * q, priceDen);
    const a = abs(tot);
    if (a > maxAbs) maxAbs = a;
    const d = tot - state.prevTotals[t];
    dS2 += d * d;
  }
  const dualNum = N * state.sumSqDelta - dS2;
  const primalOk = maxAbs * res <= N * cfg.epsPrimal;
  const dualOk = cfg.rho * cfg.rho * res * res * dualNum <= N * N * BigInt(T) * cfg.epsDual * cfg.epsDual * SCALE2;
  const k = state.iteration + 1;
  const converged = k >= cfg.minIterations && primalOk && dualOk;
  const status: PoolStatus = converged ? 'converged' : k >= cfg.maxIterations ? 'max_iterations' : 'running';
  state.prevTotals = BigInt64Array.from(state.totals);
  state.sumSqDelta = 0n;
  state.iteration = k;
  state.status = status;
  state.submitted.fill(0);
  return { iteration: k, prices: BigInt64Array.from(state.prices), sbar, maxAbs, dualNum, primalOk, dualOk, converged, status };
}

/** Participant i's balanced trade z_i (µkW per slot) from its last row and the final totals; sum_i z_i = 0 exactly. */
export function balancedTrade(cfg: PoolConfig, totals: BigInt64Array, participant: number, row: Int16Array): BigInt64Array {
  const T = cfg.t;
  const N = BigInt(cfg.n);
  const i = BigInt(participant);
  const z = new BigInt64Array(T);
  for (let t = 0; t < T; t++) {
    const q = totals[t] * cfg.resolution;
    const sb = tdiv(q, N);
    const rem = q - N * sb;
    const adj = i < abs(rem) ? (rem > 0n ? 1n : -1n) : 0n;
    z[t] = BigInt(row[t]) * cfg.resolution - sb - adj;
  }
  return z;
}

/** sum_t prices[t] * z[t]: 1e-12 currency per hour of slot (value = amount * dtHours * 1e-12); > 0 is owed to the participant. */
export function settlementAmount(prices: BigInt64Array, z: BigInt64Array): bigint {
  if (prices.length !== z.length) throw new PoolStepError(`prices have ${prices.length} slots, trades ${z.length}`);
  let a = 0n;
  for (let t = 0; t < z.length; t++) a += prices[t] * z[t];
  return a;
}

/** A settlement amount in currency (display only). */
export function settlementCurrency(amount: bigint, dtHours: number): number {
  return (Number(amount) * dtHours) / 1e12;
}

/** Every participant's balanced trades and settlement amounts at the end of a round. */
export function settleRound(cfg: PoolConfig, state: PoolRoundState): { trades: BigInt64Array[]; amounts: bigint[] } {
  const trades = state.lastRows.map((row, i) => balancedTrade(cfg, state.totals, i, row));
  return { trades, amounts: trades.map((z) => settlementAmount(state.prices, z)) };
}

// ---- encodings (big-endian, packed) ----

/** int16[T] -> 2T bytes, big-endian (the wire row). */
export function packRow(row: Int16Array): Uint8Array {
  const out = new Uint8Array(row.length * 2);
  const view = new DataView(out.buffer);
  for (let t = 0; t < row.length; t++) view.setInt16(2 * t, row[t], false);
  return out;
}

/** 2T bytes, big-endian -> int16[T]. */
export function unpackRow(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) throw new PoolStepError(`a row has an even number of bytes (got ${bytes.length})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int16Array.from({ length: bytes.length / 2 }, (_, t) => view.getInt16(2 * t, false));
}

/** int64[] -> 8 bytes each, big-endian (prices, sbar in events). */
export function packInt64(values: BigInt64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let t = 0; t < values.length; t++) view.setBigInt64(8 * t, values[t], false);
  return out;
}

export function unpackInt64(bytes: Uint8Array): BigInt64Array {
  if (bytes.length % 8 !== 0) throw new PoolStepError(`packed int64 values need a multiple of 8 bytes (got ${bytes.length})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return BigInt64Array.from({ length: bytes.length / 8 }, (_, t) => view.getBigInt64(8 * t, false));
}

/** kW -> row steps, rounded half away from zero and clamped to int16. */
export function kwToRowStep(kw: number, resolution: bigint): number {
  if (!Number.isFinite(kw)) throw new PoolStepError(`cannot quantise ${kw} kW`);
  const steps = (kw * 1e6) / Number(resolution);
  const r = Math.sign(steps) * Math.round(Math.abs(steps));
  return Math.max(INT16_MIN, Math.min(INT16_MAX, r));
}

/** The largest |net trade| a row can carry at `resolution`, kW. */
export function rowLimitKw(resolution: bigint): number {
  return (INT16_MAX * Number(resolution)) / 1e6;
}
