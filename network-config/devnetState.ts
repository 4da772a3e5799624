// The devnet's state file (DIR/devnet.json: ports, pids, log files; nothing secret), so that
// `devnet down` and `devnet status` work from another process than `devnet up`.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevnetNodeState {
  name: string;
  signer: `0x${string}`;
  enode: string;
  rpcUrl: string;
  p2pPort: number;
  httpPort: number;
  authPort: number;
  datadir: string;
  logFile: string;
  pid: number | null;
}

export interface DevnetState {
  version: 1;
  chainId: number;
  periodSeconds: number;
  basePort: number;
  geth: string;
  gethVersion: string;
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
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((a) => a.endsWith('geth')) && cmdline.includes(datadir);
  } catch {
    // No /proc (not Linux): trust the pid check.
    return true;
  }
}
