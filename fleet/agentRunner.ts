// Runs the health check of an installed agent (fleet/healthProtocol.ts) and judges it against the
// limits: it starts (says ready) within startMs, answers a heartbeat with the right nonce and
// version within heartbeatMs, solves a local problem within solveMs and memoryMb. An agent that dies
// before it is ready is started again; crashLoopStarts deaths in a row are a crash loop.
// ProcessAgentRunner starts the real bundle as a child process (the field); HostedAgentRunner
// imports it into the supervisor's own process, one copy per artifact hash (large simulations).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { AgentMessage, HealthResponder, SolveReport } from './healthProtocol.js';

export interface HealthLimits {
  startMs: number;
  heartbeatMs: number;
  solveMs: number;
  memoryMb: number;
  /** starts that die before ready, in a row, that make a crash loop */
  crashLoopStarts: number;
}

export const DEFAULT_HEALTH_LIMITS: HealthLimits = { startMs: 15_000, heartbeatMs: 5_000, solveMs: 10_000, memoryMb: 512, crashLoopStarts: 3 };

export interface HealthCheckInput {
  artifactFile: string;
  sha256: string;
  expectedVersion: string;
  dataFile?: string;
  limits: HealthLimits;
}

export interface HealthResult {
  ok: boolean;
  /** why it failed: crash-loop, start-timeout, heartbeat, solve, ... */
  failure?: string;
  detail?: string;
  starts: number;
  solveMs?: number;
  rssMb?: number;
}

export interface AgentRunner {
  healthCheck(input: HealthCheckInput): Promise<HealthResult>;
}

class AgentDied extends Error {}

/** Judges one solve report against the limits; undefined when fine. */
function judgeSolve(r: SolveReport, limits: HealthLimits): HealthResult | undefined {
  if (r.status !== 'solved' || !r.finite) return { ok: false, failure: 'solve', detail: `local solve ended "${r.status}"${r.finite ? '' : ' with trades out of bounds'}`, starts: 1 };
  if (r.ms > limits.solveMs) return { ok: false, failure: 'solve-time', detail: `local solve took ${r.ms.toFixed(0)} ms > ${limits.solveMs} ms`, starts: 1 };
  if (r.rssMb > limits.memoryMb) return { ok: false, failure: 'memory', detail: `agent holds ${r.rssMb.toFixed(0)} MiB > ${limits.memoryMb} MiB`, starts: 1 };
  return undefined;
}

async function withRestarts(limits: HealthLimits, attempt: () => Promise<HealthResult>): Promise<HealthResult> {
  let lastDeath = '';
  for (let start = 1; start <= limits.crashLoopStarts; start++) {
    try {
      const r = await attempt();
      return { ...r, starts: start };
    } catch (err) {
      if (!(err instanceof AgentDied)) throw err;
      lastDeath = err.message;
    }
  }
  return { ok: false, failure: 'crash-loop', detail: `died ${limits.crashLoopStarts} times before ready: ${lastDeath}`, starts: limits.crashLoopStarts };
}

/** The real thing: `node agent.mjs --health-check [--data FILE]` as a child process. */
export class ProcessAgentRunner implements AgentRunner {
  constructor(readonly nodeBinary = process.execPath) {}

  healthCheck(input: HealthCheckInput): Promise<HealthResult> {
    return withRestarts(input.limits, () => this.once(input));
  }

  private once(input: HealthCheckInput): Promise<HealthResult> {
    const { limits } = input;
    const args = [input.artifactFile, '--health-check', ...(input.dataFile ? ['--data', input.dataFile] : [])];
    const child = spawn(this.nodeBinary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-600);
    });
    const lines = createInterface({ input: child.stdout });
    const queue: AgentMessage[] = [];
    let waiter: (() => void) | undefined;
    let exited: string | undefined;
    lines.on('line', (l) => {
      try {
        queue.push(JSON.parse(l) as AgentMessage);
      } catch {
        /* not protocol output */
      }
      waiter?.();
    });
    child.once('exit', (code, signal) => {
      const lines = stderr.trim().split('\n');
      const why = lines.filter((l) => /Error\b/.test(l)).slice(-1)[0] ?? lines.slice(-1)[0] ?? '';
      exited = `exit ${code ?? signal}${why ? `: ${why.trim()}` : ''}`;
      waiter?.();
    });
    const next = (ms: number, what: string): Promise<AgentMessage> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
        const check = () => {
          const m = queue.shift();
          if (m) {
            clearTimeout(timer);
            waiter = undefined;
            resolve(m);
          } else if (exited !== undefined) {
            clearTimeout(timer);
            waiter = undefined;
            reject(new AgentDied(exited));
          }
        };
        waiter = check;
        check();
      });
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    const run = async (): Promise<HealthResult> => {
      let ready: AgentMessage;
      try {
        ready = await next(limits.startMs, 'start');
      } catch (err) {
        if (err instanceof AgentDied) throw err;
        return { ok: false, failure: 'start-timeout', detail: (err as Error).message, starts: 1 };
      }
      if (ready.t !== 'ready' || ready.version !== input.expectedVersion) {
        return { ok: false, failure: 'version', detail: `agent says ${JSON.stringify(ready)}, expected version ${input.expectedVersion}`, starts: 1 };
      }
      const nonce = randomBytes(8).toString('hex');
      send({ t: 'heartbeat', nonce });
      try {
        const ack = await next(limits.heartbeatMs, 'heartbeat');
        if (ack.t !== 'heartbeat-ack' || ack.nonce !== nonce) return { ok: false, failure: 'heartbeat', detail: `wrong heartbeat answer ${JSON.stringify(ack)}`, starts: 1 };
        send({ t: 'solve' });
        const solved = await next(limits.solveMs + limits.heartbeatMs, 'solve');
        if (solved.t !== 'solved') return { ok: false, failure: 'solve', detail: `unexpected ${JSON.stringify(solved)}`, starts: 1 };
        return judgeSolve(solved, limits) ?? { ok: true, starts: 1, solveMs: solved.ms, rssMb: solved.rssMb };
      } catch (err) {
        return { ok: false, failure: err instanceof AgentDied ? 'died' : 'heartbeat', detail: (err as Error).message, starts: 1 };
      }
    };
    return run().finally(() => {
      if (exited === undefined) {
        send({ t: 'exit' });
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }
      lines.close();
    });
  }
}

interface HostedModule {
  healthResponder(dataFile?: string): HealthResponder;
}

/** Imports the bundle into this process (one copy per artifact hash) and calls its responder. */
export class HostedAgentRunner implements AgentRunner {
  private static readonly loaded = new Map<string, Promise<HostedModule>>();

  healthCheck(input: HealthCheckInput): Promise<HealthResult> {
    return withRestarts(input.limits, async () => {
      (globalThis as { __derchainHostedAgent?: boolean }).__derchainHostedAgent = true;
      let loading = HostedAgentRunner.loaded.get(input.sha256);
      if (!loading) {
        // the module cache is keyed by URL and a slot directory is reused: key it by content too
        loading = import(`${pathToFileURL(input.artifactFile).href}?sha256=${input.sha256}`) as Promise<HostedModule>;
        HostedAgentRunner.loaded.set(input.sha256, loading);
      }
      let mod: HostedModule;
      const t0 = performance.now();
      try {
        mod = await loading;
        if (typeof mod.healthResponder !== 'function') throw new Error('the bundle exports no healthResponder');
      } catch (err) {
        throw new AgentDied(`died at start: ${(err as Error).message}`);
      }
      if (performance.now() - t0 > input.limits.startMs) return { ok: false, failure: 'start-timeout', detail: 'load took too long', starts: 1 };
      const responder = mod.healthResponder(input.dataFile);
      const hello = responder.hello();
      if (hello.version !== input.expectedVersion) return { ok: false, failure: 'version', detail: `agent says ${hello.version}, expected ${input.expectedVersion}`, starts: 1 };
      const nonce = randomBytes(8).toString('hex');
      if (responder.heartbeat(nonce).nonce !== nonce) return { ok: false, failure: 'heartbeat', detail: 'wrong nonce', starts: 1 };
      // A hosted agent shares this process: its resident set is the host's, not the agent's, so the
      // memory limit is judged only for agents in their own process (ProcessAgentRunner).
      const solved = { ...responder.solve(), rssMb: 0 };
      return judgeSolve(solved, input.limits) ?? { ok: true, starts: 1, solveMs: solved.ms };
    });
  }
}
