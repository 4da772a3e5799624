// Process plumbing shared by the geth and Besu devnets: owner-only directories, a node's log tail
// for error messages, the exit hook that stops attached nodes with the test process, and stopping
// one recorded pid (SIGTERM, then SIGKILL after a grace period).
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { sleep } from './jsonRpc.js';

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Stops `child` when this process exits (attached devnets: tests, benches). */
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

export function mkdirPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function logTail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
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
