// Test support: `derchain validator-bridge` as a real child process (so it can be killed with
// SIGKILL mid-change), its pino JSON log lines collected from stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'derchain.mjs');

export interface BridgeLogLine {
  event: string;
  proposalId?: number;
  validator?: string;
  authorize?: boolean;
  reason?: string;
  [k: string]: unknown;
}

export class BridgeProcess {
  readonly lines: BridgeLogLine[] = [];
  private child: ChildProcess | undefined;
  private buffer = '';

  constructor(
    readonly rpcUrl: string,
    readonly governance: string,
  ) {}

  start(): void {
    this.child = spawn(process.execPath, [CLI, 'validator-bridge', '--rpc', this.rpcUrl, '--governance', this.governance, '--poll-ms', '300'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        try {
          this.lines.push(JSON.parse(line) as BridgeLogLine);
        } catch {
          this.lines.push({ event: 'stderr', text: line });
        }
      }
    });
  }

  events(name: string): BridgeLogLine[] {
    return this.lines.filter((l) => l.event === name);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
