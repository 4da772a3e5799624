// Replays a round from the chain (what `derchain verify` runs): the RoundOpened parameters, every
// Submitted row and SubmissionReused marker, fed iteration by iteration through
// admm/coordinatorStep.ts; each IterationCompleted event's sums, rho and convergence flag must
// equal the replay's, and where the node still serves the state at the completing block, every
// participant's lambda and pHat row read there (getRow) must equal the replay's bit for bit.
import type { Address, Chain, Hex, PublicClient, Transport } from 'viem';
import { coordinatorStep, initialState, type CoordinatorConfig, type CoordinatorState } from '../admm/coordinatorStep.js';
import { CoordinatorClient } from '../contracts/coordinatorClient.js';
import { logsInWindows, type LogWindowOptions } from '../contracts/logWindows.js';
import { decodeRow, partnerSlot, placeRow, rowOf } from '../contracts/rowCodec.js';

export interface RoundEvents {
  round: bigint;
  participants: Address[];
  cfg: CoordinatorConfig;
  rho0: bigint;
  /** submitted[k-1].get(i) = row of participant i at iteration k */
  submitted: Map<number, Hex>[];
  reused: Set<number>[];
  completed: CompletedEvent[];
  /** hashes of every transaction that carried a submission or a reuse, per iteration */
  txHashes: Set<Hex>[];
}

export interface CompletedEvent {
  iteration: number;
  primalSq: bigint;
  dualSq: bigint;
  tradeSq: bigint;
  hatSq: bigint;
  lambdaSq: bigint;
  rho: bigint;
  nextRho: bigint;
  converged: boolean;
  blockNumber: bigint;
  txHash: Hex;
}

export interface Mismatch {
  iteration: number;
  what: string;
  /** ordered pair (i, j) and slot, for lambda/pHat entries */
  i?: number;
  j?: number;
  slot?: number;
  expected: string;
  actual: string;
}

export interface ReplayReport {
  round: bigint;
  iterations: number;
  converged: boolean;
  /** iterations whose full lambda/pHat storage was compared (the node had the state) */
  storageChecked: number;
  mismatches: Mismatch[];
  /** the replayed coordinator state after each iteration */
  states: CoordinatorState[];
  /** the replayed trades (n*n*t) of each iteration */
  trades: BigInt64Array[];
}

type Log = { args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex; logIndex: number };

/**
 * Reads every event of `round` from the chain: the RoundOpened event from `openedFrom` (a block
 * at or before the opening; genesis when unknown) on, the rest from the opening block to the
 * head, all in block windows (contracts/logWindows.ts).
 */
export async function fetchRoundEvents(
  publicClient: PublicClient<Transport, Chain>,
  address: Address,
  round: bigint,
  opts: LogWindowOptions & { openedFrom?: bigint } = {},
): Promise<RoundEvents> {
  const abi = new CoordinatorClient(publicClient, address).abi;
  // not viem's cached block number (cached for the client's polling interval): a round that has
  // just closed must be read up to its last block
  const head = await publicClient.getBlockNumber({ cacheTime: 0 });
  const get = async (eventName: string, fromBlock: bigint) =>
    (await logsInWindows(fromBlock, head, (from, to) =>
      publicClient.getContractEvents({ address, abi, eventName, args: { round }, fromBlock: from, toBlock: to, strict: true }), opts)) as unknown as Log[];
  const [opened] = await get('RoundOpened', opts.openedFrom ?? 0n);
  if (!opened) throw new Error(`no RoundOpened event for round ${round} at ${address}`);
  const since = opened.blockNumber;
  const a = opened.args as {
    participants: Address[];
    horizon: bigint;
    rho: bigint;
    epsAbs: bigint;
    epsDual: bigint;
    epsRelPpm: bigint;
    balanceRho: boolean;
  };
  const completed = (await get('IterationCompleted', since))
    .map((l) => {
      const e = l.args as Omit<CompletedEvent, 'iteration' | 'blockNumber' | 'txHash'> & { iteration: bigint };
      return { ...e, iteration: Number(e.iteration), blockNumber: l.blockNumber, txHash: l.transactionHash };
    })
    .sort((x, y) => x.iteration - y.iteration);
  const k = completed.length;
  const submitted = Array.from({ length: k + 1 }, () => new Map<number, Hex>());
  const reused = Array.from({ length: k + 1 }, () => new Set<number>());
  const txHashes = Array.from({ length: k + 1 }, () => new Set<Hex>());
  for (const l of await get('Submitted', since)) {
    const e = l.args as { iteration: bigint; participant: bigint; row: Hex };
    const it = Number(e.iteration);
    if (it < 1 || it > k + 1) continue;
    submitted[it - 1].set(Number(e.participant), e.row);
    txHashes[it - 1].add(l.transactionHash);
  }
  for (const l of await get('SubmissionReused', since)) {
    const e = l.args as { iteration: bigint; participant: bigint };
    const it = Number(e.iteration);
    if (it < 1 || it > k + 1) continue;
    reused[it - 1].add(Number(e.participant));
    txHashes[it - 1].add(l.transactionHash);
  }
  return {
    round,
    participants: a.participants,
    cfg: {
      n: a.participants.length,
      t: Number(a.horizon),
      epsAbs: a.epsAbs,
      epsDual: a.epsDual,
      epsRelPpm: a.epsRelPpm,
      balanceRho: a.balanceRho,
    },
    rho0: a.rho,
    submitted,
    reused,
    completed,
    txHashes,
  };
}

const COMPARED_SUMS = ['primalSq', 'dualSq', 'tradeSq', 'hatSq', 'lambdaSq'] as const;

/**
 * Replays the events; `readRowsAt(block, i)` (optional) returns participant i's lambda and pHat
 * rows as stored at a block, or null when the node no longer has that state.
 */
export async function replayRound(
  ev: RoundEvents,
  readRowsAt?: (block: bigint, i: number) => Promise<{ lambda: BigInt64Array; hat: BigInt64Array; rho: bigint } | null>,
): Promise<ReplayReport> {
  const { n, t } = ev.cfg;
  let state = initialState(n, t, ev.rho0);
  const lastRow: BigInt64Array[] = Array.from({ length: n }, () => new BigInt64Array((n - 1) * t));
  const mismatches: Mismatch[] = [];
  const states: CoordinatorState[] = [];
  const allTrades: BigInt64Array[] = [];
  let storageChecked = 0;
  let converged = false;
  for (const done of ev.completed) {
    const k = done.iteration;
    const trades = new BigInt64Array(n * n * t);
    for (let i = 0; i < n; i++) {
      const hex = ev.submitted[k - 1]?.get(i);
      if (hex !== undefined) lastRow[i] = decodeRow(hex);
      else if (!ev.reused[k - 1]?.has(i)) {
        mismatches.push({ iteration: k, what: 'participant has neither a Submitted nor a SubmissionReused event', i, expected: 'a row', actual: 'none' });
      }
      placeRow(trades, n, t, i, lastRow[i]);
    }
    const step = coordinatorStep(ev.cfg, state, trades);
    for (const name of COMPARED_SUMS) {
      if (step[name] !== done[name]) mismatches.push({ iteration: k, what: name, expected: String(step[name]), actual: String(done[name]) });
    }
    if (step.rhoUsed !== done.rho) mismatches.push({ iteration: k, what: 'rho', expected: String(step.rhoUsed), actual: String(done.rho) });
    if (step.state.rho !== done.nextRho) mismatches.push({ iteration: k, what: 'nextRho', expected: String(step.state.rho), actual: String(done.nextRho) });
    if (step.converged !== done.converged) mismatches.push({ iteration: k, what: 'converged', expected: String(step.converged), actual: String(done.converged) });
    if (readRowsAt) {
      let complete = true;
      for (let i = 0; i < n && complete; i++) {
        const stored = await readRowsAt(done.blockNumber, i);
        if (!stored) {
          complete = false;
          break;
        }
        const wantL = rowOf(step.state.lambda, n, t, i);
        const wantH = rowOf(step.state.hat, n, t, i);
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const m = partnerSlot(i, j);
          for (let s = 0; s < t; s++) {
            const x = m * t + s;
            if (wantL[x] !== stored.lambda[x]) mismatches.push({ iteration: k, what: 'lambda', i, j, slot: s, expected: String(wantL[x]), actual: String(stored.lambda[x]) });
            if (wantH[x] !== stored.hat[x]) mismatches.push({ iteration: k, what: 'pHat', i, j, slot: s, expected: String(wantH[x]), actual: String(stored.hat[x]) });
          }
        }
      }
      if (complete) storageChecked++;
    }
    state = step.state;
    states.push(state);
    allTrades.push(trades);
    converged = step.converged;
  }
  return { round: ev.round, iterations: ev.completed.length, converged, storageChecked, mismatches, states, trades: allTrades };
}

/** Fetches and replays a round, reading stored rows at each completing block where the node has them. */
export async function verifyRound(
  publicClient: PublicClient<Transport, Chain>,
  address: Address,
  round: bigint,
  tamper?: (ev: RoundEvents) => void,
  opts: LogWindowOptions = {},
): Promise<ReplayReport> {
  const ev = await fetchRoundEvents(publicClient, address, round, opts);
  tamper?.(ev);
  const abi = new CoordinatorClient(publicClient, address).abi;
  return replayRound(ev, async (blockNumber, i) => {
    try {
      const [lambda, hat, rho] = (await publicClient.readContract({ address, abi, functionName: 'getRow', args: [round, BigInt(i)], blockNumber })) as [
        readonly bigint[],
        readonly bigint[],
        bigint,
      ];
      return { lambda: BigInt64Array.from(lambda), hat: BigInt64Array.from(hat), rho };
    } catch {
      return null; // pruned state (non-archive node)
    }
  });
}
