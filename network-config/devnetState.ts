// The devnet's state file (DIR/devnet.json: client, ports, pids, log files; nothing secret), so
// that `devnet down` and `devnet status` work from another process than `devnet up`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOurProcess } from '../chain/localChain.js';

export interface DevnetNodeState {
  name: string;
  signer: `0x${string}`;
  enode: string;
  rpcUrl: string;
  p2pPort: number;
  httpPort: number;
  /** third port of the node: geth's auth RPC, Besu's Prometheus metrics (both on 127.0.0.1) */
  authPort: number;
  datadir: string;
  logFile: string;
  pid: number | null;
  /** Besu devnets: validator, or member (a non-validator node, e.g. one that joins by a vote) */
  role?: 'validator' | 'member';
  /** Besu devnets: the node's config.toml with only its /opt/derchain paths rewritten */
  configFile?: string;
}

export interface DevnetState {
  version: 1;
  chainId: number;
  periodSeconds: number;
  basePort: number;
  /** absent in files written before Besu devnets: geth */
  client?: 'geth' | 'besu';
  consensus?: 'clique' | 'qbft';
  /** QBFT: where the validator set comes from */
  validatorSelection?: 'genesis' | 'contract';
  /** geth devnets */
  geth?: string;
  gethVersion?: string;
  /** Besu devnets: bin/besu and its release */
  besu?: string;
  besuVersion?: string;
  fundedAddresses: `0x${string}`[];
  nodes: DevnetNodeState[];
  updatedAt: string;
}

export const stateFileOf = (dir: string) => join(dir, 'devnet.json');

export function readDevnetState(dir: string): DevnetState | undefined {
  const f = stateFileOf(dir);
  if (!existsSync(f)) return undefined;
  const s = JSON.parse(readFileSync(f, 'utf8')) as DevnetState;
  if (s.version !== 1 || !Array.isArray(s.nodes)) throw new Error(`${f} is not a derchain devnet state file`);
  return s;
}

export function writeDevnetState(dir: string, state: DevnetState): void {
  const f = stateFileOf(dir);
  writeFileSync(`${f}.tmp`, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n', { mode: 0o644 });
  renameSync(`${f}.tmp`, f);
}

/** True when `pid` is alive and is the geth we started for `datadir` (guards against reused pids). */
export function isDevnetGeth(pid: number | null, datadir: string): boolean {
  return isOurProcess(pid, datadir);
}

/** True when node `n` of the devnet runs: its pid is our geth (datadir) or Besu (config file). */
export function isDevnetNodeRunning(n: DevnetNodeState): boolean {
  return isOurProcess(n.pid, n.configFile !== undefined ? `--config-file=${n.configFile}` : n.datadir);
}
