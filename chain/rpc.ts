// The kit's one set of JSON-RPC helpers, for every node it talks to (anvil, geth, Besu): the
// loopback-only rule (nodes never expose RPC beyond 127.0.0.1; operators reach remote nodes through
// a tunnel, prosumers through the gateway relay), the viem chain definition built from a node's
// chain id, viem clients for one node (public, and a wallet signing locally with a member key),
// typed clients for a node's extra namespaces (clique_*, qbft_*), and plain JSON-RPC calls with
// polling for health checks. Keys are used only to sign; they are never logged.
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  rpcSchema,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type RpcSchema,
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
    throw new Error(`RPC endpoint ${parsed.host} is not a loopback address; derchain only talks to 127.0.0.1 (use a tunnel)`);
  }
}

/** The viem chain of a derchain network (native unit ether, 18 decimals). */
export function chainFor(chainId: number, rpcUrl: string, name = `derchain-${chainId}`): Chain {
  return defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

export interface NodeClients {
  publicClient: PublicClient<Transport, Chain>;
  walletClient?: WalletClient<Transport, Chain, Account>;
}

/** Connects to a loopback node; with a key, also a wallet client signing locally with it. */
export async function connectNode(rpcUrl: string, privateKey?: Hex, o: { pollingInterval?: number; chainName?: string } = {}): Promise<NodeClients> {
  assertLoopbackRpc(rpcUrl);
  const probe = createPublicClient({ transport: http(rpcUrl) });
  const chain = chainFor(await probe.getChainId(), rpcUrl, o.chainName);
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: o.pollingInterval ?? 250 });
  if (privateKey === undefined) return { publicClient };
  const walletClient = createWalletClient({ chain, transport: http(rpcUrl), account: privateKeyToAccount(privateKey) });
  return { publicClient, walletClient };
}

/** A wallet client for an account the node itself holds (anvil's unlocked dev accounts: eth_sendTransaction, no key here). */
export function nodeAccountWallet(chain: Chain, rpcUrl: string, address: `0x${string}`): WalletClient<Transport, Chain, Account> {
  return createWalletClient({ chain, transport: http(rpcUrl), account: { address, type: 'json-rpc' } });
}

/** The accounts a node holds unlocked (anvil's dev accounts). */
export async function nodeAccounts(rpcUrl: string): Promise<`0x${string}`[]> {
  return createWalletClient({ transport: http(rpcUrl) }).getAddresses();
}

/** A typed client for a loopback node's own namespace (clique_*, qbft_*), without retries. */
export function namespaceClient<S extends RpcSchema>(rpcUrl: string) {
  assertLoopbackRpc(rpcUrl);
  return createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }), rpcSchema: rpcSchema<S>() });
}

export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** One plain JSON-RPC call over HTTP to a loopback node. */
export async function rpcCall<T = unknown>(url: string, method: string, params: unknown[] = [], timeoutMs = 5000): Promise<T> {
  assertLoopbackRpc(url);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} from ${url}`);
  const body = (await res.json()) as { result?: T; error?: { code: number; message: string } };
  if (body.error) throw new JsonRpcError(body.error.code, `${method}: ${body.error.message}`);
  return body.result as T;
}

/** True when the node at `url` answers eth_chainId within `timeoutMs`. */
export async function rpcAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    await rpcCall(url, 'eth_chainId', [], timeoutMs);
    return true;
  } catch {
    return false;
  }
}

export async function blockNumberOf(url: string): Promise<number> {
  return Number(BigInt(await rpcCall<string>(url, 'eth_blockNumber')));
}

export async function peerCountOf(url: string): Promise<number> {
  return Number(BigInt(await rpcCall<string>(url, 'net_peerCount')));
}

/** True when every node holds block `n` and all hold the same hash; undefined (poll again) otherwise. */
export async function nodesAgreeOnBlock(urls: readonly string[], n: number): Promise<true | undefined> {
  const blocks = await Promise.all(urls.map((u) => rpcCall<{ hash: string } | null>(u, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, false])));
  return blocks.every((b) => b !== null && b.hash === blocks[0]!.hash) ? true : undefined;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a non-undefined value or the deadline passes. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(everyMs);
  }
}
