// Supervision of the chain a long run depends on (the pilot, both markets): notices that the chain
// stopped answering, from the anvil process's exit (immediately) or, for any node, from a failed
// request that a fresh eth_chainId probe confirms; from then on every request through a watched
// client fails at once with ChainStoppedError ("the chain at URL stopped answering") instead of
// viem's raw "fetch failed", and waits that would otherwise poll on for minutes (a transaction
// receipt) end too. The CLI maps the error to exit code 3 (cli/inputErrorExit.ts).
import type { Chain, Client, EIP1193RequestFn, PublicClient, Transport } from 'viem';
import { waitForTransactionReceipt } from 'viem/actions';
import { custom, http, HttpRequestError, TimeoutError } from 'viem';
import { DerchainError } from '../errors/base.js';
import type { AnvilHandle } from './localChain.js';
import { rpcAnswers } from './rpc.js';

/** The chain a run depends on stopped answering: its process exited, or it no longer responds. */
export class ChainStoppedError extends DerchainError {
  override name = 'ChainStoppedError';
  constructor(
    readonly rpcUrl: string,
    reason: string,
    cause?: unknown,
  ) {
    super(`the chain at ${rpcUrl} stopped answering`, { details: reason, ...(cause !== undefined ? { cause } : {}) });
  }
}

export interface ChainWatch {
  rpcUrl: string;
  /** aborted, with the ChainStoppedError as reason, once the chain has stopped */
  signal: AbortSignal;
  /** the error once the chain has stopped, else undefined */
  stopped(): ChainStoppedError | undefined;
  /** probes the chain after a failure; marks it stopped when it does not answer */
  confirm(failure: unknown): Promise<ChainStoppedError | undefined>;
  /** no further reports (before a requested stop) */
  close(): void;
}

/** The ChainStoppedError along `err`'s cause chain (viem wraps it: UnknownRpcError, or the abort reason itself), else undefined. */
export function chainStopBehind(err: unknown): ChainStoppedError | undefined {
  const seen = new Set<unknown>();
  for (let e = err; e !== null && e !== undefined && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    if (e instanceof ChainStoppedError) return e;
    seen.add(e);
  }
  return undefined;
}

export function watchChain(rpcUrl: string, o: { anvil?: AnvilHandle; probeTimeoutMs?: number } = {}): ChainWatch {
  const controller = new AbortController();
  let error: ChainStoppedError | undefined;
  let closed = false;
  const stop = (reason: string, cause?: unknown): ChainStoppedError => {
    if (!error) {
      error = new ChainStoppedError(rpcUrl, reason, cause);
      controller.abort(error);
    }
    return error;
  };
  o.anvil?.exited.then((exit) => {
    if (exit.requested || closed) return;
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
    stop(`anvil (pid ${o.anvil!.process.pid}) ended with ${how}`);
  });
  return {
    rpcUrl,
    signal: controller.signal,
    stopped: () => error,
    async confirm(failure) {
      if (error) return error;
      // a node that answered with an error (a revert, a refusal) is alive; only a failed exchange is probed
      if (!(failure instanceof HttpRequestError || failure instanceof TimeoutError)) return undefined;
      if (o.anvil && !o.anvil.running()) return error;
      if (await rpcAnswers(rpcUrl, o.probeTimeoutMs ?? 2000)) return undefined;
      const why = failure instanceof Error ? ((failure as { shortMessage?: string }).shortMessage ?? failure.message).split('\n')[0] : String(failure);
      return stop(`no answer to eth_chainId within ${((o.probeTimeoutMs ?? 2000) / 1000).toFixed(0)} s after: ${why}`, failure);
    },
    close() {
      closed = true;
    },
  };
}

/** An HTTP transport to the watched node: once the chain has stopped, every request fails at once with ChainStoppedError. */
export function watchedTransport(watch: ChainWatch): Transport {
  // an aborted fetch rejects with the signal's reason: the ChainStoppedError
  const inner = http(watch.rpcUrl, { fetchOptions: { signal: watch.signal } })({ retryCount: 0 });
  const request: EIP1193RequestFn = async (args) => {
    const before = watch.stopped();
    if (before) throw before;
    try {
      return (await inner.request(args)) as never;
    } catch (err) {
      const stopped = await watch.confirm(err);
      throw stopped ?? err;
    }
  };
  return custom({ request }, { retryCount: 3, retryDelay: 150 });
}

/** `client` whose waitForTransactionReceipt ends when the watched chain stops (viem's would poll on until its timeout). */
export function withChainWatch<C extends PublicClient<Transport, Chain>>(client: C, watch: ChainWatch): C {
  return client.extend((c: Client) => ({
    waitForTransactionReceipt: (args: Parameters<typeof waitForTransactionReceipt>[1]) => waitForTransactionReceipt(c, { ...args, signal: watch.signal }),
  })) as unknown as C;
}
