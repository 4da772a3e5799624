// A local anvil chain with the coordinator deployed and per-account viem clients for anvil's
// unlocked dev accounts (sent as eth_sendTransaction, so no key is handled here). Tests, the
// bench and the pilot's anvil mode use it; startPoolDevChain deploys the pool coordinator instead.
import {
  createPublicClient,
  createWalletClient,
  http,
  type Account,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { CoordinatorClient } from './coordinatorClient.js';
import { deployCoordinator } from './deployCoordinator.js';
import { deployPoolCoordinator } from './deployPoolCoordinator.js';
import { PoolCoordinatorClient } from './poolCoordinatorClient.js';
import { startAnvil, type AnvilHandle, type AnvilOptions } from './localAnvil.js';
import { chainFor } from './rpcEndpoint.js';

export interface DevChain {
  anvil: AnvilHandle;
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  accounts: Address[];
  /** the coordinator as seen by dev account k (account 0 deployed it: operator and admitter) */
  as(k: number): CoordinatorClient;
  walletFor(k: number): WalletClient<Transport, Chain, Account>;
  address: Address;
  deployGas: bigint;
  stop(): Promise<void>;
}

/** A dev chain with the community-market coordinator instead (contracts/PoolCoordinator.sol). */
export interface PoolDevChain extends Omit<DevChain, 'as'> {
  /** the pool coordinator as seen by dev account k (account 0 deployed it: operator and admitter) */
  as(k: number): PoolCoordinatorClient;
}

export async function startPoolDevChain(opts: AnvilOptions = {}): Promise<PoolDevChain> {
  const base = await startDevChain(opts, 'pool');
  return { ...base, as: (k) => new PoolCoordinatorClient(base.publicClient, base.address, base.walletFor(k)) };
}

export async function startDevChain(opts: AnvilOptions = {}, coordinator: 'bilateral' | 'pool' = 'bilateral'): Promise<DevChain> {
  const anvil = await startAnvil(opts);
  try {
    const probe = createPublicClient({ transport: http(anvil.rpcUrl) });
    const chainId = await probe.getChainId();
    const chain = chainFor(chainId, anvil.rpcUrl, 'anvil');
    const publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl), pollingInterval: 50 });
    const accounts = await createWalletClient({ transport: http(anvil.rpcUrl) }).getAddresses();
    const wallets = new Map<number, WalletClient<Transport, Chain, Account>>();
    const walletFor = (k: number): WalletClient<Transport, Chain, Account> => {
      let w = wallets.get(k);
      if (!w) {
        w = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: { address: accounts[k], type: 'json-rpc' } });
        wallets.set(k, w);
      }
      return w;
    };
    const deployed = coordinator === 'pool' ? await deployPoolCoordinator(publicClient, walletFor(0)) : await deployCoordinator(publicClient, walletFor(0));
    return {
      anvil,
      chain,
      publicClient,
      accounts,
      walletFor,
      as: (k) => new CoordinatorClient(publicClient, deployed.address, walletFor(k)),
      address: deployed.address,
      deployGas: deployed.gasUsed,
      stop: () => anvil.stop(),
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
