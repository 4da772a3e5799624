// The pilot's chain and operator account, for both markets: a fresh anvil (its first dev account is
// the operator), or existing loopback nodes with the operator's funded key.
import { createPublicClient, createWalletClient, http, type Account, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startAnvil, type AnvilHandle } from '../chain/localChain.js';
import { assertLoopbackRpc, chainFor, nodeAccounts, nodeAccountWallet } from '../chain/rpc.js';

export interface PilotChain {
  anvil?: AnvilHandle;
  rpcUrls: string[];
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  operator: WalletClient<Transport, Chain, Account>;
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
    const probe = createPublicClient({ transport: http(rpcUrls[0]) });
    const chain = chainFor(await probe.getChainId(), rpcUrls[0]!);
    const publicClient: PublicClient<Transport, Chain> = createPublicClient({ chain, transport: http(rpcUrls[0]), pollingInterval: 50 });
    let operator: WalletClient<Transport, Chain, Account>;
    if (anvil) {
      const [dev] = await nodeAccounts(anvil.rpcUrl);
      operator = nodeAccountWallet(chain, anvil.rpcUrl, dev!);
    } else {
      if (!o.operatorKey) throw new Error('an existing chain needs the funded operator key (--operator-key-file)');
      operator = createWalletClient({ chain, transport: http(rpcUrls[0]), account: privateKeyToAccount(o.operatorKey) });
    }
    return { ...(anvil ? { anvil } : {}), rpcUrls, chain, publicClient, operator };
  } catch (err) {
    await anvil?.stop();
    throw err;
  }
}
