// What the pool agents of one process read from the chain, shared by all of them (one poller per
// process, not one per household): the round's parameters and starting prices (RoundOpened), its
// progress, each iteration's clearing (IterationClosed: prices, sbar) and which participants' rows
// the contract accepted in it (RowSubmitted). Reads retry transient RPC failures.
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

export class PoolChainView {
  readonly coordinator: PoolCoordinatorClient;
  private openedAt = new Map<bigint, bigint>();

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

  private async events(eventName: string, args: Record<string, unknown>, fromBlock: bigint) {
    const head = await withRetry(() => this.publicClient.getBlockNumber({ cacheTime: 0 }));
    return logsInWindows(fromBlock, head, (from, to) =>
      withRetry(() => this.publicClient.getContractEvents({ address: this.address, abi: this.coordinator.abi, eventName, args, fromBlock: from, toBlock: to, strict: true } as never)),
    ) as Promise<{ args: Record<string, unknown>; blockNumber: bigint; transactionHash: Hex }[]>;
  }

  /** The block of the round's RoundOpened event and its starting prices (zeros when none were given). */
  async opening(round: bigint): Promise<{ blockNumber: bigint; initialPrices: BigInt64Array }> {
    const [ev] = await this.events('RoundOpened', { round }, this.openedAt.get(round) ?? 0n);
    if (!ev) throw new Error(`no RoundOpened event for round ${round} at ${this.address}`);
    this.openedAt.set(round, ev.blockNumber);
    const cfg = ev.args.config as { horizon: number; initialPrices: Hex };
    const initialPrices = cfg.initialPrices === '0x' ? new BigInt64Array(cfg.horizon) : decodeSlice(cfg.initialPrices);
    return { blockNumber: ev.blockNumber, initialPrices };
  }

  /** The clearings of iterations from..to (inclusive), in order. */
  async clearings(round: bigint, from: number, to: number): Promise<PoolClearingView[]> {
    const since = this.openedAt.get(round) ?? (await this.opening(round)).blockNumber;
    const logs = await this.events('IterationClosed', { round }, since);
    const out = logs
      .map((l) => {
        const a = l.args as { iteration: number; prices: Hex; sbar: Hex; maxAbs: bigint; dualNum: bigint; submitted: number; status: number };
        return {
          iteration: Number(a.iteration),
          prices: decodeSlice(a.prices),
          sbar: decodeSlice(a.sbar),
          maxAbs: a.maxAbs,
          dualNum: a.dualNum,
          submitted: Number(a.submitted),
          status: Number(a.status),
          blockNumber: l.blockNumber,
          txHash: l.transactionHash,
        };
      })
      .filter((c) => c.iteration >= from && c.iteration <= to)
      .sort((x, y) => x.iteration - y.iteration);
    if (out.length !== to - from + 1) throw new Error(`round ${round}: clearings ${from}..${to} not all on chain yet (${out.length})`);
    return out;
  }

  /** Participants whose row the contract accepted in `iteration`. */
  async acceptedIn(round: bigint, iteration: number): Promise<Set<string>> {
    const since = this.openedAt.get(round) ?? (await this.opening(round)).blockNumber;
    const logs = await this.events('RowSubmitted', { round, iteration }, since);
    return new Set(logs.map((l) => String(l.args.participant).toLowerCase()));
  }
}
