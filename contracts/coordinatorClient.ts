// Typed reads and writes of a deployed coordinator over viem clients (any transport that viem
// speaks; the agents use http). Writes wait for the receipt and report its gas.
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { derCoordinatorAbi } from './derCoordinatorAbi.js';

export const ROUND_STATUS = { none: 0, open: 1, converged: 2, maxIterations: 3, halted: 4, cancelled: 5 } as const;

export interface RoundParamsView {
  n: number;
  t: number;
  balanceRho: boolean;
  maxIterations: number;
  deadlineBlocks: number;
  maxAbsTrade: bigint;
  epsRelPpm: bigint;
  epsAbs: bigint;
  epsDual: bigint;
}

export interface RoundStateView {
  /** iteration being collected, 1-based (the last one once the round is closed) */
  iteration: number;
  submitted: bigint;
  count: number;
  status: number;
  deadlineBlock: bigint;
  rho: bigint;
}

export interface RowView {
  /** duals toward the N-1 partners, row[m*T+t], 1e-6 currency/kWh */
  lambda: BigInt64Array;
  /** auxiliary trades pHat, row[m*T+t], 1e-6 kW */
  hat: BigInt64Array;
  rho: bigint;
  iteration: number;
  status: number;
}

/** Parameters of openRound, in contract units. */
export interface OpenRoundArgs {
  participants: Address[];
  horizon: number;
  rho: bigint;
  epsAbs: bigint;
  epsDual: bigint;
  epsRelPpm: bigint;
  balanceRho: boolean;
  maxIterations: number;
  deadlineBlocks: number;
  maxAbsTrade: bigint;
}

export interface WriteResult {
  hash: Hex;
  gasUsed: bigint;
  blockNumber: bigint;
}

export class CoordinatorClient {
  readonly abi: Abi = derCoordinatorAbi;

  constructor(
    readonly publicClient: PublicClient<Transport, Chain>,
    readonly address: Address,
    readonly walletClient?: WalletClient<Transport, Chain, Account>,
  ) {}

  private read<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.publicClient.readContract({ address: this.address, abi: this.abi, functionName, args }) as Promise<T>;
  }

  currentRound(): Promise<bigint> {
    return this.read<bigint>('currentRound');
  }

  isAdmitted(account: Address): Promise<boolean> {
    return this.read<boolean>('admitted', [account]);
  }

  async roundParams(round: bigint): Promise<RoundParamsView> {
    const p = await this.read<{
      n: number;
      t: number;
      balanceRho: boolean;
      maxIterations: number;
      deadlineBlocks: number;
      maxAbsTrade: number;
      epsRelPpm: number;
      epsAbs: bigint;
      epsDual: bigint;
    }>('getRoundParams', [round]);
    return {
      n: Number(p.n),
      t: Number(p.t),
      balanceRho: p.balanceRho,
      maxIterations: Number(p.maxIterations),
      deadlineBlocks: Number(p.deadlineBlocks),
      maxAbsTrade: BigInt(p.maxAbsTrade),
      epsRelPpm: BigInt(p.epsRelPpm),
      epsAbs: BigInt(p.epsAbs),
      epsDual: BigInt(p.epsDual),
    };
  }

  async roundState(round: bigint): Promise<RoundStateView> {
    const s = await this.read<{
      iteration: number;
      submitted: bigint;
      count: number;
      status: number;
      deadlineBlock: bigint;
      rho: bigint;
    }>('getRoundState', [round]);
    return {
      iteration: Number(s.iteration),
      submitted: BigInt(s.submitted),
      count: Number(s.count),
      status: Number(s.status),
      deadlineBlock: BigInt(s.deadlineBlock),
      rho: BigInt(s.rho),
    };
  }

  participants(round: bigint): Promise<readonly Address[]> {
    return this.read<readonly Address[]>('getParticipants', [round]);
  }

  async getRow(round: bigint, participant: number): Promise<RowView> {
    const [lambda, hat, rho, iteration, status] = await this.read<[readonly bigint[], readonly bigint[], bigint, bigint, number]>(
      'getRow',
      [round, BigInt(participant)],
    );
    return {
      lambda: BigInt64Array.from(lambda),
      hat: BigInt64Array.from(hat),
      rho,
      iteration: Number(iteration),
      status: Number(status),
    };
  }

  rowHash(round: bigint, participant: number): Promise<Hex> {
    return this.read<Hex>('rowHash', [round, BigInt(participant)]);
  }

  /** Sends a transaction from the wallet client's account and waits for a successful receipt. */
  async write(functionName: string, args: readonly unknown[], opts: { nonce?: number; gas?: bigint } = {}): Promise<WriteResult> {
    if (!this.walletClient) throw new Error('CoordinatorClient has no wallet client for writes');
    // simulate first: a rejection surfaces as the contract's custom error, before any gas is spent
    await this.publicClient.simulateContract({ address: this.address, abi: this.abi, functionName, args, account: this.walletClient.account });
    const hash = await this.walletClient.writeContract({
      address: this.address,
      abi: this.abi,
      functionName,
      args,
      ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
      ...(opts.gas !== undefined ? { gas: opts.gas } : {}),
    });
    const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${functionName} reverted (tx ${hash})`);
    return { hash, gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber };
  }

  admitProsumer(account: Address): Promise<WriteResult> {
    return this.write('admitProsumer', [account]);
  }

  openRound(a: OpenRoundArgs): Promise<WriteResult> {
    return this.write('openRound', [
      a.participants,
      BigInt(a.horizon),
      a.rho,
      a.epsAbs,
      a.epsDual,
      a.epsRelPpm,
      a.balanceRho,
      BigInt(a.maxIterations),
      BigInt(a.deadlineBlocks),
      a.maxAbsTrade,
    ]);
  }

  submit(round: bigint, iteration: number, participant: number, row: Hex, opts: { nonce?: number } = {}): Promise<WriteResult> {
    return this.write('submit', [round, BigInt(iteration), BigInt(participant), row], opts);
  }

  /** Fills the first reusedRows.length missing participants (all of them completes the iteration). */
  advance(round: bigint, iteration: number, reusedRows: Hex[]): Promise<WriteResult> {
    return this.write('advance', [round, BigInt(iteration), reusedRows]);
  }

  /** Operator: ends an open round (RoundCancelled); the next round can then be opened. */
  cancelRound(round: bigint): Promise<WriteResult> {
    return this.write('cancelRound', [round]);
  }
}

/** The contract's bound on one row's transaction (TX_GAS_BASE + TX_GAS_PER_ENTRY * (N-1) * T). */
export function worstRowTxGas(n: number, t: number): bigint {
  return 150_000n + 10_000n * BigInt(n - 1) * BigInt(t);
}
