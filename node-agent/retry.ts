// Retries an RPC call on transient failures (network errors, timeouts, 5xx, rate limits) with
// exponential backoff; contract reverts and bad input are not transient and pass through.
import { BaseError, ContractFunctionRevertedError, HttpRequestError, TimeoutError } from 'viem';

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  onRetry?: (attempt: number, err: unknown) => void;
}

export function isTransient(err: unknown): boolean {
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof ContractFunctionRevertedError)) return false;
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
