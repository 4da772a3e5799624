// The kit's one place that starts local chains and supervises their processes. startAnvil runs the
// real anvil binary (resolved from the @foundry-rs platform package, not its npm wrapper, so that
// the pid we watch and stop is the chain itself) on a free 127.0.0.1 port with hardfork "paris"
// (like the Clique and Besu networks the kit targets), and reports its exit. startDevChain adds a
// deployed coordinator and clients for anvil's unlocked dev accounts (tests, the bench, the
// pilot's anvil mode). The geth and Besu devnets (network-config/) spawn their nodes through the
// same process helpers: stopWithThisProcess, terminate, isOurProcess. anvil's stdout (which lists
// its well-known dev keys) is discarded, never logged.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from 'viem';
import { createPublicClient, http } from 'viem';
import { CoordinatorClient } from '../contracts/coordinatorClient.js';
import { deployCoordinator } from '../contracts/deployCoordinator.js';
import { deployPoolCoordinator } from '../contracts/deployPoolCoordinator.js';
import { PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { chainFor, nodeAccounts, nodeAccountWallet, rpcAnswers, sleep } from './rpc.js';

// ---------------------------------------------------------------------------------------------
// Processes

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Stops `child` when this process exits (attached chains: the pilot, tests, benches). */
export function stopWithThisProcess(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const c of liveChildren) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    });
  }
  liveChildren.add(child);
  child.on('exit', () => liveChildren.delete(child));
}

/** True when `pid` is alive and its command line holds `marker` (guards against reused pids). */
export function isOurProcess(pid: number | null, marker: string): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.includes(marker));
  } catch {
    // No /proc (not Linux): trust the pid check.
    return true;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once `alive()` is false. */
export async function terminate(pid: number, alive: () => boolean, graceMs = 15_000): Promise<void> {
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) process.kill(pid, 'SIGKILL');
  while (alive()) await sleep(100);
}

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

// ---------------------------------------------------------------------------------------------
// anvil

const PLATFORM_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/**
 * The anvil executable that @foundry-rs/anvil's bin.mjs would exec: the platform package's
 * bin/anvil (e.g. @foundry-rs/anvil-linux-amd64), else the wrapper's dist/ copy.
 */
export function anvilBinary(): string {
  const require = createRequire(import.meta.url);
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  const arch = PLATFORM_ARCH[process.arch];
  if (arch) {
    try {
      const candidate = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/${exe}`);
      if (existsSync(candidate)) return candidate;
    } catch {
      // fall through to the wrapper's dist/ copy
    }
  }
  const wrapperDir = dirname(require.resolve('@foundry-rs/anvil/package.json'));
  const fallback = join(wrapperDir, '..', 'dist', exe);
  if (existsSync(fallback)) return fallback;
  throw new Error(`no anvil binary for ${process.platform}-${process.arch}: is @foundry-rs/anvil installed with its platform package?`);
}

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

/** How a supervised chain process ended. */
export interface ChainExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** true when stop() asked for it; false for a crash or a kill from outside */
  requested: boolean;
}

export interface AnvilHandle {
  rpcUrl: string;
  port: number;
  /** the anvil process itself (not a wrapper) */
  process: ChildProcess;
  /** settles once anvil has exited, for whatever reason (stop(), a crash, a kill from outside) */
  exited: Promise<ChainExit>;
  /** true until anvil has exited */
  running(): boolean;
  stop(): Promise<void>;
}

/** Starts anvil and resolves once its RPC answers. */
export async function startAnvil(opts: AnvilOptions = {}): Promise<AnvilHandle> {
  const bin = anvilBinary();
  for (let attempt = 0; ; attempt++) {
    const port = await freeLoopbackPort();
    const args = ['--host', '127.0.0.1', '--port', String(port), '--hardfork', 'paris', '--silent'];
    args.push('--accounts', String(opts.accounts ?? 10));
    args.push('--gas-limit', String(opts.gasLimit ?? 60_000_000n));
    if (opts.blockTime && opts.blockTime > 0) args.push('--block-time', String(opts.blockTime));
    args.push(...(opts.extraArgs ?? []));
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    stopWithThisProcess(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    let exited = false;
    let requested = false;
    const exitedPromise = new Promise<ChainExit>((resolve) => {
      child.once('exit', (code, signal) => {
        exited = true;
        resolve({ code, signal, requested });
      });
      child.once('error', () => {
        exited = true;
        resolve({ code: null, signal: null, requested });
      });
    });
    const rpcUrl = `http://127.0.0.1:${port}`;
    const started = Date.now();
    while (!exited && Date.now() - started < 20_000) {
      if (await rpcAnswers(rpcUrl)) {
        const stop = async (): Promise<void> => {
          if (exited) return;
          requested = true;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          timer.unref();
          await exitedPromise;
          clearTimeout(timer);
        };
        return { rpcUrl, port, process: child, exited: exitedPromise, running: () => !exited, stop };
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    if (attempt >= 2) throw new Error(`anvil did not start: ${stderr.trim()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// A dev chain: anvil with a coordinator deployed, seen through anvil's unlocked dev accounts

export interface DevChain {
  anvil: AnvilHandle;
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  accounts: Address[];
  /** the coordinator as seen by dev account k (account 0 deployed it: operator and admitter) */
  as(k: number): CoordinatorClient;
  walletFor(k: number): WalletClient<Transport, Chain, Account>;
  address: Address;
  deployGas: bigint;
  stop(): Promise<void>;
}

/** A dev chain with the community-market coordinator instead (contracts/PoolCoordinator.sol). */
export interface PoolDevChain extends Omit<DevChain, 'as'> {
  /** the pool coordinator as seen by dev account k (account 0 deployed it: operator and admitter) */
  as(k: number): PoolCoordinatorClient;
}

export async function startPoolDevChain(opts: AnvilOptions = {}): Promise<PoolDevChain> {
  const base = await startDevChain(opts, 'pool');
  return { ...base, as: (k) => new PoolCoordinatorClient(base.publicClient, base.address, base.walletFor(k)) };
}

export async function startDevChain(opts: AnvilOptions = {}, coordinator: 'bilateral' | 'pool' = 'bilateral'): Promise<DevChain> {
  const anvil = await startAnvil(opts);
  try {
    const probe = createPublicClient({ transport: http(anvil.rpcUrl) });
    const chain = chainFor(await probe.getChainId(), anvil.rpcUrl, 'anvil');
    const publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl), pollingInterval: 50 });
    const accounts = await nodeAccounts(anvil.rpcUrl);
    const wallets = new Map<number, WalletClient<Transport, Chain, Account>>();
    const walletFor = (k: number): WalletClient<Transport, Chain, Account> => {
      let w = wallets.get(k);
      if (!w) {
        w = nodeAccountWallet(chain, anvil.rpcUrl, accounts[k]!);
        wallets.set(k, w);
      }
      return w;
    };
    const deployed = coordinator === 'pool' ? await deployPoolCoordinator(publicClient, walletFor(0)) : await deployCoordinator(publicClient, walletFor(0));
    return {
      anvil,
      chain,
      publicClient,
      accounts,
      walletFor,
      as: (k) => new CoordinatorClient(publicClient, deployed.address, walletFor(k)),
      address: deployed.address,
      deployGas: deployed.gasUsed,
      stop: () => anvil.stop(),
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}
