// Retries an RPC call on transient failures (network errors, timeouts, 5xx, rate limits, a node's
// JSON-RPC "Internal error" without revert data) with exponential backoff; contract reverts and bad
// input are not transient and pass through.
import { BaseError, ContractFunctionRevertedError, HttpRequestError, TimeoutError } from 'viem';

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  onRetry?: (attempt: number, err: unknown) => void;
}

/** JSON-RPC 2.0 "Internal error". */
const INTERNAL_ERROR_CODE = -32603;

export function isTransient(err: unknown): boolean {
  if (err instanceof BaseError) {
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    // viem reads JSON-RPC -32603 ("Internal error") on eth_call as a revert; without revert data it
    // is the node's fault (Besu answers it now and then while it imports a block), not the contract's
    if (reverted) return reverted.raw === undefined && err.walk((e) => (e as { code?: unknown }).code === INTERNAL_ERROR_CODE) !== null;
    if (err.walk((e) => e instanceof TimeoutError)) return true;
    const http = err.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null;
    if (http) return http.status === undefined || http.status >= 500 || http.status === 429;
    return /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|timed? ?out/i.test(err.message);
  }
  return err instanceof Error && /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|ETIMEDOUT/i.test(err.message);
}

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 8;
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 5000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      opts.onRetry?.(attempt, err);
      await new Promise((r) => setTimeout(r, Math.min(max, base * 2 ** (attempt - 1))));
    }
  }
}
