// Minimal JSON-RPC over HTTP for the devnet's own health checks (loopback URLs only).
import { assertLoopbackRpc } from '../contracts/rpcEndpoint.js';

export class JsonRpcError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

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
