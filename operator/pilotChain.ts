// The pilot's chain and operator account, for both markets: a fresh anvil (its first dev account is
// the operator), or existing loopback nodes with the operator's funded key. The operator's clients
// go through a chain watch (chain/chainWatch.ts): when the chain stops answering, every call fails at
// once with "the chain at URL stopped answering", so the pilot stops its agents and exits instead
// of hanging or failing with viem's raw "fetch failed".
import { createPublicClient, createWalletClient, http, type Account, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { watchChain, watchedTransport, withChainWatch, type ChainWatch } from '../chain/chainWatch.js';
import { startAnvil, type AnvilHandle } from '../chain/localChain.js';
import { assertLoopbackRpc, chainFor, nodeAccounts } from '../chain/rpc.js';

export interface PilotChain {
  anvil?: AnvilHandle;
  rpcUrls: string[];
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  operator: WalletClient<Transport, Chain, Account>;
  /** the watch on rpcUrls[0], the node the operator's clients use */
  watch: ChainWatch;
}

export async function connectPilotChain(o: { rpcUrls?: string[]; operatorKey?: Hex; blockTime?: number; gasLimit?: bigint }): Promise<PilotChain> {
  let rpcUrls = o.rpcUrls ?? [];
  let anvil: AnvilHandle | undefined;
  if (rpcUrls.length === 0) {
    anvil = await startAnvil({ blockTime: o.blockTime ?? 0, accounts: 1, gasLimit: o.gasLimit ?? 100_000_000n });
    rpcUrls = [anvil.rpcUrl];
  }
  try {
    rpcUrls.forEach(assertLoopbackRpc);
    const rpcUrl = rpcUrls[0]!;
    const watch = watchChain(rpcUrl, anvil ? { anvil } : {});
    const probe = createPublicClient({ transport: http(rpcUrl) });
    const chain = chainFor(await probe.getChainId(), rpcUrl);
    const publicClient: PublicClient<Transport, Chain> = withChainWatch(createPublicClient({ chain, transport: watchedTransport(watch), pollingInterval: 50 }), watch);
    let operator: WalletClient<Transport, Chain, Account>;
    if (anvil) {
      const [dev] = await nodeAccounts(anvil.rpcUrl);
      operator = createWalletClient({ chain, transport: watchedTransport(watch), account: { address: dev!, type: 'json-rpc' } });
    } else {
      if (!o.operatorKey) throw new Error('an existing chain needs the funded operator key (--operator-key-file)');
      operator = createWalletClient({ chain, transport: watchedTransport(watch), account: privateKeyToAccount(o.operatorKey) });
    }
    return { ...(anvil ? { anvil } : {}), rpcUrls, chain, publicClient, operator, watch };
  } catch (err) {
    await anvil?.stop();
    throw err;
  }
}
