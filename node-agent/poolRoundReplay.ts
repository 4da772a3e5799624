// Replays a pool round from the chain (what `derchain verify --market pool` runs): the round's
// parameters (RoundOpened), its participants and their indices (ParticipantEnrolled), every
// accepted row (RowSubmitted) fed through admm/poolStep.ts in the order the chain accepted them, and
// each IterationClosed's prices, sbar, maxAbs, dualNum and status compared bit for bit; the
// settlement (Settled) against settleRound. Every row's signer is recomputed from the transaction
// that carried it: `submit` is signed by its sender; `submitSigned`/`submitBatch` carry the
// participant's EIP-712 signature, which must recover to the participant over exactly the row the
// event shows. So a tampered row, a forged signature and a row a relay altered all show up.
import { decodeFunctionData, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem';
import { accumulateSubmission, closeIteration, openRound, settleRound, type PoolClearing, type PoolConfig, type PoolStatus } from '../admm/poolStep.js';
import { logsInWindows, type LogWindowOptions } from '../contracts/logWindows.js';
import { POOL_STATUS, poolConfigOfEvent } from '../contracts/poolCoordinatorClient.js';
import { poolCoordinatorAbi } from '../contracts/poolCoordinatorAbi.js';
import { decodeRow, decodeSlice, recoverPoolRowSigner } from '../contracts/poolRow.js';

export interface PoolRowEvent {
  iteration: number;
  participant: Address;
  row: Hex;
  slice: Hex;
  relayer: Address;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  /** how the row entered and what proves its author: the tx sender (submit) or the signature (relayed) */
  carrier: { kind: 'submit'; from: Address; row: Hex } | { kind: 'signed'; row: Hex; slice: Hex; signature: Hex } | { kind: 'missing' };
}

export interface PoolRoundEvents {
  round: bigint;
  address: Address;
  chainId: number;
  cfg: PoolConfig;
  slotSeconds: number;
  initialPrices: BigInt64Array;
  participants: Address[];
  rows: PoolRowEvent[];
  closed: (PoolClearing & { submitted: number; blockNumber: bigint; txHash: Hex })[];
  settled: Map<string, bigint>;
  settlementTotal: bigint | null;
  status: number;
}

export interface PoolMismatch {
  iteration: number;
  what: string;
  participant?: Address;
  expected: string;
  actual: string;
}

export interface PoolReplayReport {
  round: bigint;
  iterations: number;
  status: PoolStatus | 'cancelled' | 'open';
  signaturesChecked: number;
  mismatches: PoolMismatch[];
  /** the replay's clearing of each iteration */
  clearings: PoolClearing[];
  /** settlement amounts recomputed (1e-12 currency per hour of slot), in participant order */
  settlement: bigint[];
  /** each participant's last row (steps), in participant order */
  lastRows: Int16Array[];
  /** the final totals (steps) */
  totals: BigInt64Array;
}

type Log = { args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex; logIndex: number };

const STATUS_NAME: Record<number, PoolStatus> = { [POOL_STATUS.open]: 'running', [POOL_STATUS.converged]: 'converged', [POOL_STATUS.maxIterations]: 'max_iterations' };

/** Reads every event of a pool round and the transactions that carried its rows. */
export async function fetchPoolRoundEvents(
  publicClient: PublicClient<Transport, Chain>,
  address: Address,
  round: bigint,
  opts: LogWindowOptions & { openedFrom?: bigint } = {},
): Promise<PoolRoundEvents> {
  const head = await publicClient.getBlockNumber({ cacheTime: 0 });
  const get = async (eventName: string, fromBlock: bigint) =>
    (await logsInWindows(fromBlock, head, (from, to) =>
      publicClient.getContractEvents({ address, abi: poolCoordinatorAbi, eventName, args: { round }, fromBlock: from, toBlock: to, strict: true } as never), opts)) as unknown as Log[];
  const [opened] = await get('RoundOpened', opts.openedFrom ?? 0n);
  if (!opened) throw new Error(`no RoundOpened event for round ${round} at ${address}`);
  const since = opened.blockNumber;
  const c = opened.args.config as { horizon: number; resolution: number; rho: bigint; alphaPpm: number; epsPrimal: bigint; epsDual: bigint; minIterations: number; maxIterations: number; slotSeconds: number; initialPrices: Hex };
  const enrolled = (await get('ParticipantEnrolled', since)).sort((a, b) => Number(a.args.index) - Number(b.args.index));
  const participants = enrolled.map((l) => l.args.participant as Address);
  const cfg = poolConfigOfEvent(c, participants.length);
  const closed = (await get('IterationClosed', since))
    .map((l) => {
      const a = l.args as { iteration: number; prices: Hex; sbar: Hex; maxAbs: bigint; dualNum: bigint; submitted: number; status: number };
      const status = STATUS_NAME[Number(a.status)] ?? 'running';
      return {
        iteration: Number(a.iteration),
        prices: decodeSlice(a.prices),
        sbar: decodeSlice(a.sbar),
        maxAbs: a.maxAbs,
        dualNum: a.dualNum,
        primalOk: false,
        dualOk: false,
        converged: status === 'converged',
        status,
        submitted: Number(a.submitted),
        blockNumber: l.blockNumber,
        txHash: l.transactionHash,
      };
    })
    .sort((x, y) => x.iteration - y.iteration);
  // rows iteration by iteration, each between the closes around it (one query per iteration: at
  // N = 1000 a round's rows are ~14 MB of logs, more than a node or client returns at once)
  const rowLogs: Log[] = [];
  for (let k = 1; k <= closed.length + 1; k++) {
    const from = k > 1 ? closed[k - 2]!.blockNumber : since;
    const to = closed[k - 1]?.blockNumber ?? head;
    rowLogs.push(
      ...((await logsInWindows(from, to, (a, b) =>
        publicClient.getContractEvents({ address, abi: poolCoordinatorAbi, eventName: 'RowSubmitted', args: { round, iteration: k }, fromBlock: a, toBlock: b, strict: true } as never), opts)) as unknown as Log[]),
    );
  }
  rowLogs.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  // the transactions that carried the rows: who sent them, and the signed entries they held (read 20 at a time)
  const txs = new Map<Hex, { from: Address; fn: string; args: readonly unknown[] }>();
  const hashes = [...new Set(rowLogs.map((l) => l.transactionHash))];
  for (let k = 0; k < hashes.length; k += 20) {
    await Promise.all(
      hashes.slice(k, k + 20).map(async (h) => {
        const tx = await publicClient.getTransaction({ hash: h });
        const d = decodeFunctionData({ abi: poolCoordinatorAbi, data: tx.input });
        txs.set(h, { from: tx.from, fn: d.functionName, args: (d.args ?? []) as readonly unknown[] });
      }),
    );
  }
  const rows: PoolRowEvent[] = rowLogs.map((l) => {
    const a = l.args as { iteration: number; participant: Address; row: Hex; slice: Hex; relayer: Address };
    const tx = txs.get(l.transactionHash)!;
    let carrier: PoolRowEvent['carrier'] = { kind: 'missing' };
    if (tx.fn === 'submit') carrier = { kind: 'submit', from: tx.from, row: tx.args[2] as Hex };
    else {
      const entries = (tx.fn === 'submitSigned' ? [tx.args[2]] : (tx.args[2] as unknown[])) as { participant: Address; row: Hex; slice: Hex; signature: Hex }[];
      const e = entries.find((x) => x.participant.toLowerCase() === a.participant.toLowerCase() && x.row.toLowerCase() === a.row.toLowerCase())
        ?? entries.find((x) => x.participant.toLowerCase() === a.participant.toLowerCase());
      if (e) carrier = { kind: 'signed', row: e.row, slice: e.slice, signature: e.signature };
    }
    return { iteration: Number(a.iteration), participant: a.participant, row: a.row, slice: a.slice, relayer: a.relayer, txHash: l.transactionHash, logIndex: l.logIndex, blockNumber: l.blockNumber, carrier };
  });
  const settled = new Map<string, bigint>();
  for (const l of await get('Settled', since)) settled.set(String(l.args.participant).toLowerCase(), l.args.amount as bigint);
  const [completed] = await get('SettlementCompleted', since);
  const ended = await get('RoundEnded', since);
  const status = ended.length ? Number(ended.at(-1)!.args.status) : POOL_STATUS.open;
  return {
    round,
    address,
    chainId: publicClient.chain.id,
    cfg,
    slotSeconds: Number(c.slotSeconds),
    initialPrices: c.initialPrices === '0x' ? new BigInt64Array(cfg.t) : decodeSlice(c.initialPrices),
    participants,
    rows,
    closed,
    settled,
    settlementTotal: completed ? (completed.args.total as bigint) : null,
    status,
  };
}

const eqArr = (a: BigInt64Array, b: BigInt64Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Replays the fetched events through admm/poolStep.ts and checks every row's signer. */
export async function replayPoolRound(ev: PoolRoundEvents): Promise<PoolReplayReport> {
  const { cfg } = ev;
  const index = new Map(ev.participants.map((a, i) => [a.toLowerCase(), i]));
  const state = openRound(cfg, ev.initialPrices);
  const mismatches: PoolMismatch[] = [];
  const clearings: PoolClearing[] = [];
  let signaturesChecked = 0;
  const ref = { chainId: ev.chainId, contract: ev.address };
  const byIteration = new Map<number, PoolRowEvent[]>();
  for (const r of ev.rows) byIteration.set(r.iteration, [...(byIteration.get(r.iteration) ?? []), r]);
  for (const done of ev.closed) {
    const k = done.iteration;
    for (const r of byIteration.get(k) ?? []) {
      const i = index.get(r.participant.toLowerCase());
      if (i === undefined) {
        mismatches.push({ iteration: k, what: 'row from an account that is not enrolled', participant: r.participant, expected: 'an enrolled participant', actual: r.participant });
        continue;
      }
      // the row's author
      const c = r.carrier;
      if (c.kind === 'missing') mismatches.push({ iteration: k, what: 'no transaction entry carries this row', participant: r.participant, expected: 'a submit or signed entry', actual: 'none' });
      else if (c.kind === 'submit') {
        signaturesChecked++;
        if (c.from.toLowerCase() !== r.participant.toLowerCase()) mismatches.push({ iteration: k, what: 'submit sent by another account', participant: r.participant, expected: r.participant, actual: c.from });
        if (c.row.toLowerCase() !== r.row.toLowerCase()) mismatches.push({ iteration: k, what: 'row differs from the transaction\'s', participant: r.participant, expected: c.row, actual: r.row });
      } else {
        signaturesChecked++;
        const signer = await recoverPoolRowSigner(ref, { round: ev.round, iteration: k, participant: r.participant, row: r.row, slice: r.slice }, c.signature).catch(() => '0x0' as Address);
        if (signer.toLowerCase() !== r.participant.toLowerCase()) {
          mismatches.push({ iteration: k, what: 'signature does not recover to the participant over this row', participant: r.participant, expected: r.participant, actual: signer });
        }
        if (c.row.toLowerCase() !== r.row.toLowerCase()) mismatches.push({ iteration: k, what: 'row differs from the signed entry', participant: r.participant, expected: c.row, actual: r.row });
      }
      try {
        accumulateSubmission(cfg, state, i, decodeRow(r.row), state.lastRows[i]!);
      } catch (err) {
        mismatches.push({ iteration: k, what: `row not acceptable: ${(err as Error).message}`, participant: r.participant, expected: '', actual: r.row });
      }
    }
    const mine = closeIteration(cfg, state);
    clearings.push(mine);
    if (!eqArr(mine.prices, done.prices)) mismatches.push({ iteration: k, what: 'prices', expected: Array.from(mine.prices).join(','), actual: Array.from(done.prices).join(',') });
    if (!eqArr(mine.sbar, done.sbar)) mismatches.push({ iteration: k, what: 'sbar', expected: Array.from(mine.sbar).join(','), actual: Array.from(done.sbar).join(',') });
    if (mine.maxAbs !== done.maxAbs) mismatches.push({ iteration: k, what: 'maxAbs', expected: String(mine.maxAbs), actual: String(done.maxAbs) });
    if (mine.dualNum !== done.dualNum) mismatches.push({ iteration: k, what: 'dualNum', expected: String(mine.dualNum), actual: String(done.dualNum) });
    if (mine.status !== done.status) mismatches.push({ iteration: k, what: 'status', expected: mine.status, actual: done.status });
  }
  const ended = ev.status === POOL_STATUS.converged || ev.status === POOL_STATUS.maxIterations;
  let settlement: bigint[] = [];
  if (ended && state.status !== 'running') {
    settlement = settleRound(cfg, state).amounts;
    ev.participants.forEach((a, i) => {
      const onChain = ev.settled.get(a.toLowerCase());
      if (onChain !== undefined && onChain !== settlement[i]) mismatches.push({ iteration: state.iteration, what: 'settlement amount', participant: a, expected: String(settlement[i]), actual: String(onChain) });
    });
    if (ev.settlementTotal !== null && ev.settlementTotal !== 0n) mismatches.push({ iteration: state.iteration, what: 'settlement total', expected: '0', actual: String(ev.settlementTotal) });
  }
  const status = ev.status === POOL_STATUS.cancelled ? 'cancelled' : ev.status === POOL_STATUS.open ? 'open' : state.status;
  return { round: ev.round, iterations: ev.closed.length, status, signaturesChecked, mismatches, clearings, settlement, lastRows: state.lastRows, totals: BigInt64Array.from(state.totals) };
}

/** Fetches and replays a pool round; `tamper` may alter the fetched events first (tests). */
export async function verifyPoolRound(
  publicClient: PublicClient<Transport, Chain>,
  address: Address,
  round: bigint,
  tamper?: (ev: PoolRoundEvents) => void,
  opts: LogWindowOptions = {},
): Promise<PoolReplayReport> {
  const ev = await fetchPoolRoundEvents(publicClient, address, round, opts);
  tamper?.(ev);
  return replayPoolRound(ev);
}
