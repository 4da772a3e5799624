// Typed reads and writes of a deployed PoolCoordinator (contracts/PoolCoordinator.sol) over viem
// clients, from the generated ABI module (no compiler at run time). Writes simulate first (a
// rejection surfaces as the contract's custom error before gas is spent), then wait for the receipt.
import {
  parseEventLogs,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import type { PoolConfig } from '../admm/poolStep.js';
import { poolCoordinatorAbi } from './poolCoordinatorAbi.js';
import type { SignedPoolRow } from './poolRow.js';

/** IPoolCoordinator.Status */
export const POOL_STATUS = { none: 0, enrolling: 1, open: 2, converged: 3, maxIterations: 4, cancelled: 5 } as const;
export type PoolStatusCode = (typeof POOL_STATUS)[keyof typeof POOL_STATUS];

/** RowRejected reasons (PoolCoordinator.REJECT_*) */
export const REJECT_REASONS: Record<number, string> = {
  1: 'not a participant of the round',
  2: 'already submitted in this iteration',
  3: 'wrong row or slice length',
  4: 'prevRow is not the last row',
  5: 'bad signature',
  6: 'not admitted',
};

/** IPoolCoordinator.RoundConfig in contract units */
export interface PoolRoundConfig {
  horizon: number;
  resolution: bigint;
  rho: bigint;
  alphaPpm: bigint;
  epsPrimal: bigint;
  epsDual: bigint;
  minIterations: number;
  maxIterations: number;
  deadlineBlocks: number;
  slotSeconds: number;
  /** packed int64 BE (encodeSlice), '0x' for zeros */
  initialPrices: Hex;
}

/** The RoundConfig that opens a round with the spec's parameters `cfg` (the inverse of poolConfigOfEvent). */
export function roundConfigOf(cfg: PoolConfig, round: { deadlineBlocks: number; slotSeconds: number; initialPrices: Hex }): PoolRoundConfig {
  const { t, resolution, rho, alphaPpm, epsPrimal, epsDual, minIterations, maxIterations } = cfg;
  return { horizon: t, resolution, rho, alphaPpm, epsPrimal, epsDual, minIterations, maxIterations, ...round };
}

export interface PoolRoundView {
  n: number;
  t: number;
  resolution: bigint;
  rho: bigint;
  alphaPpm: bigint;
  minIterations: number;
  maxIterations: number;
  deadlineBlocks: number;
  slotSeconds: number;
  epsPrimal: bigint;
  epsDual: bigint;
}

export interface PoolProgressView {
  /** iteration being collected, 1-based (the last one once the round ended) */
  iteration: number;
  count: number;
  status: number;
  deadlineBlock: bigint;
  settledCount: number;
}

export interface PoolWriteResult {
  hash: Hex;
  gasUsed: bigint;
  blockNumber: bigint;
  /** batch entries the contract skipped (RowRejected) */
  rejected: { participant: Address; reason: number }[];
}

/** A `RoundOpened` event's `config` (the contract's RoundConfig) as the spec's PoolConfig, for a round of `n` participants. */
export function poolConfigOfEvent(config: Record<string, unknown>, n: number): PoolConfig {
  const c = config as Record<string, number | bigint>;
  return {
    n,
    t: Number(c.horizon),
    resolution: BigInt(c.resolution!),
    rho: BigInt(c.rho!),
    alphaPpm: BigInt(c.alphaPpm!),
    epsPrimal: BigInt(c.epsPrimal!),
    epsDual: BigInt(c.epsDual!),
    minIterations: Number(c.minIterations),
    maxIterations: Number(c.maxIterations),
  };
}

export class PoolCoordinatorClient {
  readonly abi = poolCoordinatorAbi;

  constructor(
    readonly publicClient: PublicClient<Transport, Chain>,
    readonly address: Address,
    readonly walletClient?: WalletClient<Transport, Chain, Account>,
  ) {}

  private read(functionName: string, args: readonly unknown[] = [], blockNumber?: bigint): Promise<unknown> {
    return this.publicClient.readContract({
      address: this.address,
      abi: this.abi,
      functionName,
      args,
      ...(blockNumber !== undefined ? { blockNumber } : {}),
    } as never) as Promise<unknown>;
  }

  async currentRound(): Promise<bigint> {
    return BigInt((await this.read('currentRound')) as bigint);
  }
  async isAdmitted(account: Address): Promise<boolean> {
    return (await this.read('admitted', [account])) as boolean;
  }
  async domainSeparator(): Promise<Hex> {
    return (await this.read('domainSeparator')) as Hex;
  }
  async operator(): Promise<Address> {
    return (await this.read('operator')) as Address;
  }
  async admitter(): Promise<Address> {
    return (await this.read('admitter')) as Address;
  }

  async round(round: bigint): Promise<PoolRoundView> {
    const r = (await this.read('getRound', [round])) as Record<string, number | bigint>;
    return {
      n: Number(r.n),
      t: Number(r.t),
      resolution: BigInt(r.resolution!),
      rho: BigInt(r.rho!),
      alphaPpm: BigInt(r.alphaPpm!),
      minIterations: Number(r.minIterations),
      maxIterations: Number(r.maxIterations),
      deadlineBlocks: Number(r.deadlineBlocks),
      slotSeconds: Number(r.slotSeconds),
      epsPrimal: BigInt(r.epsPrimal!),
      epsDual: BigInt(r.epsDual!),
    };
  }

  async progress(round: bigint, blockNumber?: bigint): Promise<PoolProgressView> {
    const p = (await this.read('getProgress', [round], blockNumber)) as Record<string, number | bigint>;
    return {
      iteration: Number(p.iteration),
      count: Number(p.count),
      status: Number(p.status),
      deadlineBlock: BigInt(p.deadlineBlock!),
      settledCount: Number(p.settledCount),
    };
  }

  /** prices (1e-6 currency/kWh) and running totals (row steps), optionally at a past block */
  async clearing(round: bigint, blockNumber?: bigint): Promise<{ prices: BigInt64Array; totals: BigInt64Array }> {
    const [prices, totals] = (await this.read('getClearing', [round], blockNumber)) as [readonly bigint[], readonly bigint[]];
    return { prices: BigInt64Array.from(prices), totals: BigInt64Array.from(totals) };
  }

  async membership(round: bigint, account: Address): Promise<{ enrolled: boolean; index: number; lastIteration: number; settled: boolean }> {
    const [enrolled, index, lastIteration, settled] = (await this.read('membership', [round, account])) as [boolean, number, number, boolean];
    return { enrolled, index: Number(index), lastIteration: Number(lastIteration), settled };
  }

  /** Sends a transaction from the wallet client's account and waits for a successful receipt. */
  async write(functionName: string, args: readonly unknown[], opts: { nonce?: number; gas?: bigint; simulate?: boolean } = {}): Promise<PoolWriteResult> {
    if (!this.walletClient) throw new Error('PoolCoordinatorClient has no wallet client for writes');
    const call = { address: this.address, abi: this.abi, functionName, args } as const;
    if (opts.simulate ?? true) await this.publicClient.simulateContract({ ...call, account: this.walletClient.account } as never);
    const hash = await this.walletClient.writeContract({
      ...call,
      ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
      ...(opts.gas !== undefined ? { gas: opts.gas } : {}),
    } as never);
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${functionName} reverted (tx ${hash})`);
    const rejected = parseEventLogs({ abi: this.abi, eventName: 'RowRejected', logs: receipt.logs }).map((l) => ({
      participant: l.args.participant,
      reason: Number(l.args.reason),
    }));
    return { hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber, rejected };
  }

  admitProsumer(account: Address): Promise<PoolWriteResult> {
    return this.write('admitProsumer', [account]);
  }
  removeProsumer(account: Address): Promise<PoolWriteResult> {
    return this.write('removeProsumer', [account]);
  }
  openRound(c: PoolRoundConfig): Promise<PoolWriteResult> {
    return this.write('openRound', [
      {
        horizon: c.horizon,
        resolution: Number(c.resolution),
        rho: c.rho,
        alphaPpm: Number(c.alphaPpm),
        epsPrimal: c.epsPrimal,
        epsDual: c.epsDual,
        minIterations: c.minIterations,
        maxIterations: c.maxIterations,
        deadlineBlocks: c.deadlineBlocks,
        slotSeconds: c.slotSeconds,
        initialPrices: c.initialPrices,
      },
    ]);
  }
  enroll(round: bigint, accounts: Address[]): Promise<PoolWriteResult> {
    return this.write('enroll', [round, accounts]);
  }
  startRound(round: bigint): Promise<PoolWriteResult> {
    return this.write('startRound', [round]);
  }
  submit(round: bigint, iteration: number, row: Hex, prevRow: Hex, slice: Hex = '0x'): Promise<PoolWriteResult> {
    return this.write('submit', [round, iteration, row, slice, prevRow]);
  }
  submitSigned(round: bigint, iteration: number, r: SignedPoolRow): Promise<PoolWriteResult> {
    return this.write('submitSigned', [round, iteration, r]);
  }
  submitBatch(round: bigint, iteration: number, rows: SignedPoolRow[], opts: { nonce?: number; simulate?: boolean } = {}): Promise<PoolWriteResult> {
    return this.write('submitBatch', [round, iteration, rows], opts);
  }
  closeIteration(round: bigint, iteration: number): Promise<PoolWriteResult> {
    return this.write('closeIteration', [round, iteration]);
  }
  cancelRound(round: bigint): Promise<PoolWriteResult> {
    return this.write('cancelRound', [round]);
  }
  settle(round: bigint, participants: Address[], lastRows: Hex[]): Promise<PoolWriteResult> {
    return this.write('settle', [round, participants, lastRows]);
  }
  proposeOperator(next: Address): Promise<PoolWriteResult> {
    return this.write('proposeOperator', [next]);
  }
  acceptOperator(): Promise<PoolWriteResult> {
    return this.write('acceptOperator', []);
  }
  proposeAdmitter(next: Address): Promise<PoolWriteResult> {
    return this.write('proposeAdmitter', [next]);
  }
  acceptAdmitter(): Promise<PoolWriteResult> {
    return this.write('acceptAdmitter', []);
  }
}
