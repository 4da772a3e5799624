// Starts a throwaway anvil chain on a free 127.0.0.1 port (hardfork "paris", like the Clique and
// Besu networks the kit targets) and stops it again. Used by the pilot, the tests and the bench.
// anvil's stdout (which lists its well-known dev keys) is discarded, never logged.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AnvilOptions {
  /** block period in seconds; 0 or undefined: automine (one block per transaction) */
  blockTime?: number;
  /** number of unlocked dev accounts */
  accounts?: number;
  /** block gas limit */
  gasLimit?: bigint;
  /** further anvil flags (e.g. --steps-tracing for gas profiling) */
  extraArgs?: string[];
}

export interface AnvilHandle {
  rpcUrl: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

const ANVIL_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'anvil');

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpcReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts anvil and resolves once its RPC answers. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilHandle> {
  for (let attempt = 0; ; attempt++) {
    const port = await freeLoopbackPort();
    const args = ['--host', '127.0.0.1', '--port', String(port), '--hardfork', 'paris', '--silent'];
    args.push('--accounts', String(opts.accounts ?? 10));
    args.push('--gas-limit', String(opts.gasLimit ?? 60_000_000n));
    if (opts.blockTime && opts.blockTime > 0) args.push('--block-time', String(opts.blockTime));
    args.push(...(opts.extraArgs ?? []));
    const child = spawn(ANVIL_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const rpcUrl = `http://127.0.0.1:${port}`;
    const started = Date.now();
    while (!exited && Date.now() - started < 20_000) {
      if (await rpcReady(rpcUrl)) {
        const stop = (): Promise<void> =>
          new Promise((resolve) => {
            if (exited || child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          });
        return { rpcUrl, port, process: child, stop };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    if (attempt >= 2) throw new Error(`anvil did not start: ${stderr.trim()}`);
  }
}
