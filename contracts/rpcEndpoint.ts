// One JSON-RPC endpoint of a derchain node: the loopback-only rule (nodes never expose RPC beyond
// 127.0.0.1; operators reach remote nodes through a tunnel, prosumers through the gateway relay)
// and the viem chain definition every client of the kit builds from a node's chain id.
import { defineChain, type Chain } from 'viem';

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
