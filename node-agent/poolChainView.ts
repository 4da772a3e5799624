// What the pool agents of one process read from the chain, shared by all of them (one poller per
// process, not one per household): the round's parameters and starting prices (RoundOpened), its
// progress, each iteration's clearing (IterationClosed: prices, sbar) and which participants' rows
// the contract accepted in it (RowSubmitted). Reads retry transient RPC failures. Reads are
// incremental: the clearings already seen are kept and only blocks after them are queried again,
// and an iteration's accepted rows are looked up only between its opening and its closing block
// (at N = 1000 a round spans thousands of blocks and a million-byte log history).
import type { Address, Chain, Hex, PublicClient, Transport } from 'viem';
import { logsInWindows } from '../contracts/logWindows.js';
import { PoolCoordinatorClient, type PoolProgressView, type PoolRoundView } from '../contracts/poolCoordinatorClient.js';
import { decodeSlice } from '../contracts/poolRow.js';
import { withRetry } from './retry.js';

export interface PoolClearingView {
  iteration: number;
  prices: BigInt64Array;
  sbar: BigInt64Array;
  maxAbs: bigint;
  dualNum: bigint;
  submitted: number;
  status: number;
  blockNumber: bigint;
  txHash: Hex;
}

/** A row the contract accepted (RowSubmitted), as the agent that rejoins a round reads it. */
export interface PoolAcceptedRow {
  iteration: number;
  participant: Address;
  row: Hex;
  blockNumber: bigint;
}

/** Blocks re-read behind the last scanned head (a short reorg of a proof-of-authority chain). */
const REREAD_BLOCKS = 2n;

export class PoolChainView {
  readonly coordinator: PoolCoordinatorClient;
  private openedAt = new Map<bigint, bigint>();
  private closed = new Map<bigint, { byIteration: Map<number, PoolClearingView>; nextBlock: bigint }>();

  constructor(
    readonly publicClient: PublicClient<Transport, Chain>,
    readonly address: Address,
  ) {
    this.coordinator = new PoolCoordinatorClient(publicClient, address);
  }

  currentRound(): Promise<bigint> {
    return withRetry(() => this.coordinator.currentRound());
  }
  round(round: bigint): Promise<PoolRoundView> {
    return withRetry(() => this.coordinator.round(round));
  }
  progress(round: bigint): Promise<PoolProgressView> {
    return withRetry(() => this.coordinator.progress(round));
  }
  membership(round: bigint, account: Address) {
    return withRetry(() => this.coordinator.membership(round, account));
  }

  private async events(eventName: string, args: Record<string, unknown>, fromBlock: bigint, toBlock?: bigint) {
    const head = toBlock ?? (await withRetry(() => this.publicClient.getBlockNumber({ cacheTime: 0 })));
    const logs = await logsInWindows(fromBlock, head, (from, to) =>
      withRetry(() => this.publicClient.getContractEvents({ address: this.address, abi: this.coordinator.abi, eventName, args, fromBlock: from, toBlock: to, strict: true } as never)),
    );
    return { head, logs: logs as { args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex }[] };
  }

  /** The block of the round's RoundOpened event and its starting prices (zeros when none were given). */
  async opening(round: bigint): Promise<{ blockNumber: bigint; initialPrices: BigInt64Array }> {
    const { logs } = await this.events('RoundOpened', { round }, this.openedAt.get(round) ?? 0n);
    const ev = logs[0];
    if (!ev) throw new Error(`no RoundOpened event for round ${round} at ${this.address}`);
    this.openedAt.set(round, ev.blockNumber);
    const cfg = ev.args.config as { horizon: number; initialPrices: Hex };
    const initialPrices = cfg.initialPrices === '0x' ? new BigInt64Array(cfg.horizon) : decodeSlice(cfg.initialPrices);
    return { blockNumber: ev.blockNumber, initialPrices };
  }

  private async since(round: bigint): Promise<bigint> {
    return this.openedAt.get(round) ?? (await this.opening(round)).blockNumber;
  }

  /** The clearings of iterations from..to (inclusive), in order. */
  async clearings(round: bigint, from: number, to: number): Promise<PoolClearingView[]> {
    const have = () => {
      const c = this.closed.get(round);
      const out: PoolClearingView[] = [];
      for (let k = from; k <= to; k++) {
        const v = c?.byIteration.get(k);
        if (!v) return null;
        out.push(v);
      }
      return out;
    };
    const cached = have();
    if (cached) return cached;
    const c = this.closed.get(round) ?? { byIteration: new Map<number, PoolClearingView>(), nextBlock: await this.since(round) };
    this.closed.set(round, c);
    const { head, logs } = await this.events('IterationClosed', { round }, c.nextBlock);
    for (const l of logs) {
      const a = l.args as { iteration: number; prices: Hex; sbar: Hex; maxAbs: bigint; dualNum: bigint; submitted: number; status: number };
      c.byIteration.set(Number(a.iteration), {
        iteration: Number(a.iteration),
        prices: decodeSlice(a.prices),
        sbar: decodeSlice(a.sbar),
        maxAbs: a.maxAbs,
        dualNum: a.dualNum,
        submitted: Number(a.submitted),
        status: Number(a.status),
        blockNumber: l.blockNumber,
        txHash: l.transactionHash,
      });
    }
    const next = head + 1n - REREAD_BLOCKS;
    if (next > c.nextBlock) c.nextBlock = next;
    const out = have();
    if (!out) throw new Error(`round ${round}: clearings ${from}..${to} not all on chain yet`);
    return out;
  }

  /** The block range in which rows of `iteration` can have been accepted (its clearing must be read already, when closed). */
  private async rangeOf(round: bigint, iteration: number): Promise<[bigint, bigint | undefined]> {
    const c = this.closed.get(round)?.byIteration;
    const start = iteration > 1 ? c?.get(iteration - 1)?.blockNumber : undefined;
    return [start ?? (await this.since(round)), c?.get(iteration)?.blockNumber];
  }

  /** Participants whose row the contract accepted in `iteration`. */
  async acceptedIn(round: bigint, iteration: number): Promise<Set<string>> {
    const [from, to] = await this.rangeOf(round, iteration);
    const { logs } = await this.events('RowSubmitted', { round, iteration }, from, to);
    return new Set(logs.map((l) => String(l.args.participant).toLowerCase()));
  }

  /** Every row of the listed participants the contract accepted in the round so far (to rejoin a round). */
  async rowsOf(round: bigint, participants: Address[]): Promise<PoolAcceptedRow[]> {
    const out: PoolAcceptedRow[] = [];
    const since = await this.since(round);
    // one query per 100 participants (topic OR-lists); a process hosts a few hundred households at most
    for (let k = 0; k < participants.length; k += 100) {
      const { logs } = await this.events('RowSubmitted', { round, participant: participants.slice(k, k + 100) }, since);
      for (const l of logs) out.push({ iteration: Number(l.args.iteration), participant: l.args.participant as Address, row: l.args.row as Hex, blockNumber: l.blockNumber });
    }
    return out;
  }
}
