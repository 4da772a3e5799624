// The agent's view of the chain, as an interface so the transport can change: today viem over
// HTTP JSON-RPC to a (loopback) node; a gateway relay for LoRa/NB-IoT meters is future work and
// would implement the same interface. Reads retry transient failures; `submitOnce` signs one
// submission with an explicit nonce and rebroadcasts the same signed bytes until it is mined,
// so a retry can never produce a second submission.
import {
  type Abi,
  createPublicClient,
  encodeFunctionData,
  http,
  keccak256,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { CoordinatorClient, type RoundParamsView, type RoundStateView, type RowView } from '../contracts/coordinatorClient.js';
import { derCoordinatorAbi } from '../contracts/derCoordinatorAbi.js';
import { chainFor } from '../chain/rpc.js';
import { withRetry, type RetryOptions } from './retry.js';

export interface SubmitOutcome {
  hash: Hex;
  status: 'success' | 'reverted';
  gasUsed: bigint;
}

export interface ChainClient {
  readonly address: Address;
  currentRound(): Promise<bigint>;
  participants(round: bigint): Promise<readonly Address[]>;
  roundParams(round: bigint): Promise<RoundParamsView>;
  roundState(round: bigint): Promise<RoundStateView>;
  getRow(round: bigint, participant: number): Promise<RowView>;
  /** sends one submission (nonce from the chain's pending count) and waits for its receipt */
  submitOnce(round: bigint, iteration: number, participant: number, row: Hex, gas: bigint): Promise<SubmitOutcome>;
  blockGasLimit(): Promise<bigint>;
}

/** Gas limit that covers a submission whatever the order of the others: every pair updated, first-write prices. */
export function submissionGasLimit(n: number, t: number): bigint {
  const perPair = Math.ceil(t / 3) * 22_100 + Math.ceil(t / 8) * 22_100 + t * 1_500;
  return BigInt(300_000 + (n - 1) * perPair);
}

export interface HttpChainClientOptions {
  rpcUrl: string;
  contract: Address;
  privateKey: Hex;
  retry?: RetryOptions;
  /** polling interval for receipts, ms */
  pollMs?: number;
}

export class HttpChainClient implements ChainClient {
  readonly address: Address;
  private readonly account: PrivateKeyAccount;
  private readonly coordinator: CoordinatorClient;

  private constructor(
    private readonly publicClient: PublicClient<Transport, Chain>,
    private readonly opts: HttpChainClientOptions,
  ) {
    this.account = privateKeyToAccount(opts.privateKey);
    this.address = this.account.address;
    this.coordinator = new CoordinatorClient(publicClient, opts.contract);
  }

  static async connect(opts: HttpChainClientOptions): Promise<HttpChainClient> {
    const probe = createPublicClient({ transport: http(opts.rpcUrl) });
    const chainId = await withRetry(() => probe.getChainId(), opts.retry);
    const chain = chainFor(chainId, opts.rpcUrl);
    const publicClient = createPublicClient({ chain, transport: http(opts.rpcUrl, { retryCount: 0 }), pollingInterval: opts.pollMs ?? 100 });
    return new HttpChainClient(publicClient, opts);
  }

  private retry<T>(fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, this.opts.retry);
  }

  currentRound(): Promise<bigint> {
    return this.retry(() => this.coordinator.currentRound());
  }
  participants(round: bigint): Promise<readonly Address[]> {
    return this.retry(() => this.coordinator.participants(round));
  }
  roundParams(round: bigint): Promise<RoundParamsView> {
    return this.retry(() => this.coordinator.roundParams(round));
  }
  roundState(round: bigint): Promise<RoundStateView> {
    return this.retry(() => this.coordinator.roundState(round));
  }
  getRow(round: bigint, participant: number): Promise<RowView> {
    return this.retry(() => this.coordinator.getRow(round, participant));
  }
  async blockGasLimit(): Promise<bigint> {
    const block = await this.retry(() => this.publicClient.getBlock());
    return block.gasLimit;
  }

  async submitOnce(round: bigint, iteration: number, participant: number, row: Hex, gas: bigint): Promise<SubmitOutcome> {
    const data = encodeFunctionData({
      abi: derCoordinatorAbi as Abi,
      functionName: 'submit',
      args: [round, BigInt(iteration), BigInt(participant), row],
    });
    const nonce = await this.retry(() => this.publicClient.getTransactionCount({ address: this.address, blockTag: 'pending' }));
    const fees = await this.retry(() => this.publicClient.estimateFeesPerGas());
    const signed = await this.account.signTransaction({
      chainId: this.publicClient.chain.id,
      type: 'eip1559',
      to: this.opts.contract,
      data,
      nonce,
      gas,
      maxFeePerGas: fees.maxFeePerGas * 2n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = keccak256(signed);
    // the same signed bytes on every attempt: a node that already has them answers "known"
    await this.retry(async () => {
      try {
        await this.publicClient.sendRawTransaction({ serializedTransaction: signed });
      } catch (err) {
        if (/already known|known transaction|nonce too low/i.test(String((err as Error).message))) return;
        throw err;
      }
    });
    const receipt = await this.retry(() => this.publicClient.waitForTransactionReceipt({ hash, timeout: 120_000 }));
    return { hash, status: receipt.status, gasUsed: receipt.gasUsed };
  }
}
