// viem clients for one node's JSON-RPC: a public client, and a wallet client for a member key.
// Only loopback endpoints are accepted (the kit's nodes expose RPC on 127.0.0.1 only, and the
// bridge drives the node's clique API, which must never leave the host).
import {
  createPublicClient,
  createWalletClient,
  http,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { assertLoopbackRpc, chainFor } from '../contracts/rpcEndpoint.js';

export interface NodeClients {
  publicClient: PublicClient<Transport, Chain>;
  walletClient?: WalletClient<Transport, Chain, Account>;
}

/** Connects to a loopback node; with a key, also a wallet client signing locally with it. */
export async function connectNode(rpcUrl: string, privateKey?: Hex): Promise<NodeClients> {
  assertLoopbackRpc(rpcUrl);
  const probe = createPublicClient({ transport: http(rpcUrl) });
  const chain = chainFor(await probe.getChainId(), rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 250 });
  if (privateKey === undefined) return { publicClient };
  const walletClient = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(privateKey) });
  return { publicClient, walletClient };
}
