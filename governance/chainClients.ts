// viem clients for one node's JSON-RPC: a public client, and a wallet client for a member key.
// Only loopback endpoints are accepted (the kit's nodes expose RPC on 127.0.0.1 only, and the
// bridge drives the node's clique API, which must never leave the host).
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Throws unless `url` is an http(s)/ws(s) URL on a loopback host. */
export function assertLoopbackRpc(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) throw new Error(`unsupported RPC scheme in ${url}`);
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw new Error(`RPC endpoint ${parsed.host} is not a loopback address; derchain only talks to 127.0.0.1`);
  }
}

export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `derchain-${chainId}`,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

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
