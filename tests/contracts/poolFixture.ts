// A pool coordinator on a fresh anvil with N prosumers that hold their own keys (local viem
// accounts, funded with anvil_setBalance), admitted and enrolled in an open round. The contract
// tests share it; each prosumer can submit itself (`submit`) or sign for a relay.
import { createWalletClient, http, type Account, type Chain, type Hex, type LocalAccount, type Transport, type WalletClient } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startPoolDevChain, type PoolDevChain } from '../../chain/localChain.js';
import { rpcCall } from '../../chain/rpc.js';
import { PoolCoordinatorClient, type PoolRoundConfig } from '../../contracts/poolCoordinatorClient.js';
import { encodeRow, makeSignedPoolRow, type SignedPoolRow } from '../../contracts/poolRow.js';

export interface PoolFixture {
  dev: PoolDevChain;
  prosumers: LocalAccount[];
  /** the coordinator as seen by prosumer i (its own key) */
  asProsumer(i: number): PoolCoordinatorClient;
  /** the operator (dev account 0) */
  operator: PoolCoordinatorClient;
  round: bigint;
  config: PoolRoundConfig;
  /** prosumer i's signed row for (round, iteration) */
  signed(i: number, iteration: number, row: ArrayLike<number>, prevRow: ArrayLike<number> | null, over?: { round?: bigint; chainId?: number; contract?: `0x${string}` }): Promise<SignedPoolRow>;
  stop(): Promise<void>;
}

export function poolConfig(over: Partial<PoolRoundConfig> = {}): PoolRoundConfig {
  return {
    horizon: 6,
    resolution: 1000n,
    rho: 300_000n,
    alphaPpm: 1_600_000n,
    epsPrimal: 0n,
    epsDual: 0n,
    minIterations: 1,
    maxIterations: 20,
    deadlineBlocks: 1000,
    slotSeconds: 3600,
    initialPrices: '0x',
    ...over,
  };
}

export const rowHex = (row: ArrayLike<number> | null): Hex => (row === null ? '0x' : encodeRow(row));

export async function startPoolFixture(n: number, config: Partial<PoolRoundConfig> = {}, opts: { enroll?: number; start?: boolean } = {}): Promise<PoolFixture> {
  const dev = await startPoolDevChain({ accounts: 3, gasLimit: 30_000_000n });
  try {
    const prosumers = Array.from({ length: n }, () => privateKeyToAccount(generatePrivateKey()));
    const wallets = new Map<number, WalletClient<Transport, Chain, Account>>();
    for (const p of prosumers) await rpcCall(dev.anvil.rpcUrl, 'anvil_setBalance', [p.address, '0x3635c9adc5dea00000']);
    const asProsumer = (i: number) => {
      let w = wallets.get(i);
      if (!w) {
        w = createWalletClient({ chain: dev.chain, transport: http(dev.anvil.rpcUrl), account: prosumers[i]! });
        wallets.set(i, w);
      }
      return new PoolCoordinatorClient(dev.publicClient, dev.address, w);
    };
    const operator = dev.as(0);
    for (const p of prosumers) await operator.admitProsumer(p.address);
    const cfg = poolConfig(config);
    await operator.openRound(cfg);
    const round = await operator.currentRound();
    const enrolled = prosumers.slice(0, opts.enroll ?? n).map((p) => p.address);
    if (enrolled.length) await operator.enroll(round, enrolled);
    if (opts.start ?? true) await operator.startRound(round);
    return {
      dev,
      prosumers,
      asProsumer,
      operator,
      round,
      config: cfg,
      signed: (i, iteration, row, prevRow, over = {}) =>
        makeSignedPoolRow(
          prosumers[i]!,
          { chainId: over.chainId ?? dev.chain.id, contract: over.contract ?? dev.address },
          { round: over.round ?? round, iteration, row: encodeRow(row), prevRow: rowHex(prevRow) },
        ),
      stop: () => dev.stop(),
    };
  } catch (err) {
    await dev.stop();
    throw err;
  }
}
