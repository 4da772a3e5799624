// The gateway relay's coordinator port over the deployed PoolCoordinator (contracts/PoolCoordinator.sol)
// through viem: rows go out with contracts/submitPoolBatch.ts from the relay's own funded account
// (the relay pays the gas), and everything the relay decides on is read back from the chain: the
// round's parameters and participants (RoundOpened, ParticipantEnrolled), progress and admission
// (getProgress, membership), and each clearing from its IterationClosed event. The relay holds no
// prosumer key; a row it altered or replayed fails the contract's EIP-712 check (RowRejected).
import type { Address, Hex } from 'viem';
import type { PoolClearing, PoolStatus } from '../admm/poolStep.js';
import { POOL_STATUS, poolConfigOfEvent, REJECT_REASONS, type PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { decodeSlice, type PoolDomainRef } from '../contracts/poolRow.js';
import { submitPoolBatch } from '../contracts/submitPoolBatch.js';
import type { BatchOutcome, PoolChainPort, PoolProgress, PoolRoundInfo, RelayedRow } from './poolChainPort.js';

export interface ContractPoolChainOptions {
  /** a client whose wallet is the relay's funded account */
  client: PoolCoordinatorClient;
  /** anvil only (pilots, tests): mine the blocks up to an iteration's deadline block when the relay's deadline passed */
  mineToDeadline?: boolean;
}

const STATUS: Record<number, PoolStatus | 'cancelled'> = {
  [POOL_STATUS.enrolling]: 'running',
  [POOL_STATUS.open]: 'running',
  [POOL_STATUS.converged]: 'converged',
  [POOL_STATUS.maxIterations]: 'max_iterations',
  [POOL_STATUS.cancelled]: 'cancelled',
};

interface RoundCache {
  info: PoolRoundInfo;
  index: Map<string, number>;
  openedAt: bigint;
  initialPrices: BigInt64Array;
  clearings: Map<number, PoolClearing>;
}

export class ContractPoolChain implements PoolChainPort {
  readonly domain: PoolDomainRef;
  private readonly rounds = new Map<bigint, RoundCache>();
  /** gas the relay paid, all batches and closes */
  gasPaid = 0n;
  transactions = 0;

  private constructor(
    private readonly o: ContractPoolChainOptions,
    chainId: number,
  ) {
    this.domain = { chainId, contract: o.client.address };
  }

  static async connect(o: ContractPoolChainOptions): Promise<ContractPoolChain> {
    if (!o.client.walletClient) throw new Error('the relay needs a client with a wallet (the account that pays the gas)');
    return new ContractPoolChain(o, await o.client.publicClient.getChainId());
  }

  private get client(): PoolCoordinatorClient {
    return this.o.client;
  }

  private events(eventName: string, args: Record<string, unknown>, fromBlock: bigint): Promise<{ args: Record<string, unknown>; blockNumber: bigint }[]> {
    return this.client.publicClient.getContractEvents({ address: this.client.address, abi: this.client.abi, eventName, args, fromBlock, strict: true } as never) as never;
  }

  private async load(round: bigint): Promise<RoundCache> {
    const have = this.rounds.get(round);
    if (have) return have;
    const [opened] = await this.events('RoundOpened', { round }, 0n);
    if (!opened) throw new Error(`no round ${round} at ${this.client.address}`);
    const enrolled = (await this.events('ParticipantEnrolled', { round }, opened.blockNumber)).sort((a, b) => Number(a.args.index) - Number(b.args.index));
    const participants = enrolled.map((l) => l.args.participant as Address);
    const c = opened.args.config as Record<string, unknown> & { initialPrices: Hex };
    const config = poolConfigOfEvent(c, participants.length);
    const cache: RoundCache = {
      info: { config, participants },
      index: new Map(participants.map((a, i) => [a.toLowerCase(), i])),
      openedAt: opened.blockNumber,
      initialPrices: c.initialPrices === '0x' ? new BigInt64Array(config.t) : decodeSlice(c.initialPrices),
      clearings: new Map(),
    };
    // a round still enrolling has no final participant list yet: do not keep it
    const p = await this.client.progress(round);
    if (p.status !== POOL_STATUS.enrolling) this.rounds.set(round, cache);
    return cache;
  }

  currentRound(): Promise<bigint> {
    return this.client.currentRound();
  }

  async roundInfo(round: bigint): Promise<PoolRoundInfo> {
    return (await this.load(round)).info;
  }

  async progress(round: bigint): Promise<PoolProgress> {
    const p = await this.client.progress(round);
    const status = STATUS[p.status];
    if (status === undefined) throw new Error(`round ${round} does not exist`);
    const closed = p.status === POOL_STATUS.open ? p.iteration - 1 : p.status === POOL_STATUS.enrolling ? 0 : p.iteration;
    return { iteration: Math.max(0, closed), status };
  }

  async clearing(round: bigint, iteration: number): Promise<PoolClearing> {
    const r = await this.load(round);
    const have = r.clearings.get(iteration);
    if (have) return have;
    let c: PoolClearing;
    if (iteration === 0) {
      c = { iteration: 0, prices: r.initialPrices, sbar: new BigInt64Array(r.info.config.t), maxAbs: 0n, dualNum: 0n, primalOk: false, dualOk: false, converged: false, status: 'running' };
    } else {
      const [l] = await this.events('IterationClosed', { round, iteration }, r.openedAt);
      if (!l) throw new RangeError(`iteration ${iteration} of round ${round} is not closed`);
      const a = l.args as { prices: Hex; sbar: Hex; maxAbs: bigint; dualNum: bigint; status: number };
      const status = STATUS[Number(a.status)];
      c = {
        iteration,
        prices: decodeSlice(a.prices),
        sbar: decodeSlice(a.sbar),
        maxAbs: a.maxAbs,
        dualNum: a.dualNum,
        // the event carries the decision (status), not the two tests separately
        primalOk: status === 'converged',
        dualOk: status === 'converged',
        converged: status === 'converged',
        status: status === 'cancelled' || status === undefined ? 'running' : status,
      };
    }
    r.clearings.set(iteration, c);
    return c;
  }

  async lastCounted(round: bigint, participant: number): Promise<number> {
    const r = await this.load(round);
    const address = r.info.participants[participant];
    if (address === undefined) throw new RangeError(`no participant ${participant} in round ${round}`);
    return (await this.client.membership(round, address)).lastIteration;
  }

  async submitBatch(round: bigint, iteration: number, rows: RelayedRow[]): Promise<BatchOutcome> {
    const r = await this.load(round);
    const out = await submitPoolBatch({ client: this.client, round, iteration, rows, batchSize: rows.length, horizon: r.info.config.t });
    this.gasPaid += out.gasUsed;
    this.transactions += out.transactions.length;
    const rejected = out.rejected.map((x) => ({ participant: x.participant, reason: REJECT_REASONS[x.reason] ?? `reason ${x.reason}` }));
    const refused = new Set(rejected.map((x) => x.participant.toLowerCase()));
    // a reverted transaction (the iteration closed at its deadline first) counted none of its rows
    const reverted = out.transactions.some((t) => t.status !== 'success');
    const accepted = reverted ? [] : rows.filter((x) => !refused.has(x.participant.toLowerCase())).map((x) => r.index.get(x.participant.toLowerCase())!);
    if (reverted) for (const x of rows) rejected.push({ participant: x.participant, reason: 'batch reverted (iteration no longer open)' });
    return { accepted, rejected, gasUsed: out.gasUsed };
  }

  async closeAtDeadline(round: bigint, iteration: number): Promise<void> {
    const p = await this.client.progress(round);
    if (p.status !== POOL_STATUS.open || p.iteration !== iteration) return;
    const pc = this.client.publicClient;
    const head = await pc.getBlockNumber({ cacheTime: 0 });
    // the contract closes once block.number > deadlineBlock (and the call is simulated on the head)
    if (head <= p.deadlineBlock) {
      if (!this.o.mineToDeadline) return; // not yet on chain; the relay ticks again
      await pc.request({ method: 'anvil_mine' as never, params: [`0x${(p.deadlineBlock - head + 1n).toString(16)}`] as never });
    }
    const w = await this.client.closeIteration(round, iteration);
    this.gasPaid += w.gasUsed;
    this.transactions++;
  }
}
