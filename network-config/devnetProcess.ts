// File plumbing shared by the geth and Besu devnets: owner-only directories and a node's log tail
// for error messages. Starting, supervising and stopping the node processes is chain/localChain.ts.
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';

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
