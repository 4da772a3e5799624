// Test support for the Besu networks: one devnet per test file (started in `before`, all nodes at
// once), the pilot (the community pool market, the default) run with one validator stopped
// mid-round and restarted, and in-process
// validator bridges whose log lines are collected. Besu comes from the shared build
// (npm run setup:test); a missing build fails with the command that makes it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Address } from 'viem';
import { loadScenario } from '../../data/loadScenario.js';
import { BESU_VERSION_FOR, findBesu, type Consensus } from '../../network-config/besuBinary.js';
import { startDevnet, type Devnet } from '../../network-config/devnet.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import { blockNumberOf } from '../../chain/rpc.js';
import { runValidatorBridge } from '../../governance/validatorBridge.js';
import { runPoolPilot, type PoolPilotResult } from '../../operator/poolPilot.js';

export interface BesuTestNet {
  net: Devnet;
  dir: string;
  stop(): Promise<void>;
}

type NetShape = { consensus: Consensus; validators: number; members: number; validatorSelection?: 'genesis' | 'contract'; seed: string };

/** Starts the network; once more on fresh ports if another program took one of them meanwhile. */
export async function startBesuTestNet(o: NetShape): Promise<BesuTestNet> {
  try {
    return await startOnce(o);
  } catch (err) {
    if (!/already in use/.test((err as Error).message)) throw err;
    console.log('      a port was taken meanwhile; starting again on other ports');
    return startOnce(o);
  }
}

async function startOnce(o: NetShape): Promise<BesuTestNet> {
  const besu = findBesu(BESU_VERSION_FOR[o.consensus]);
  const dir = mkdtempSync(join(tmpdir(), `derchain-besu-${o.consensus}-`));
  const nodes = o.validators + o.members;
  try {
    const net = await startDevnet({
      dir,
      client: 'besu',
      consensus: o.consensus,
      validators: o.validators,
      members: o.members,
      ...(o.validatorSelection !== undefined ? { validatorSelection: o.validatorSelection } : {}),
      periodSeconds: 1,
      basePort: await freeDevnetBasePort(nodes),
      seed: o.seed,
      besu,
    });
    const launches = (net.launches ?? 1) > 1 ? ` (${net.launches} launches: a node missed the launch time)` : '';
    console.log(`      Besu ${net.clientVersion} ${o.consensus}${o.validatorSelection === 'contract' ? ' (contract mode)' : ''}: ${nodes} nodes up and agreeing in ${net.startupSeconds.toFixed(1)} s${launches}`);
    return {
      net,
      dir,
      stop: async () => {
        await net.stop();
        if (process.env.DERCHAIN_KEEP_DEVNET === undefined) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (process.env.DERCHAIN_KEEP_DEVNET === undefined) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface OutageRun {
  result: PoolPilotResult;
  /** the pilot log's warnings and errors (the agents' included), last 15, for failure messages */
  warnings: string;
  stoppedAt: number;
  restartedAt: number;
  headAtStop: number;
  headAtRestart: number;
  downUntilRestart: boolean;
}

/**
 * The pool pilot (10 households, T = 24, one agent process each, rows relayed in batches of 10)
 * with validator `victim` stopped after clearing 1 and started again after clearing `restartAt`.
 * The agents and the relay use the other validators' RPC (a household's agent talks to its own
 * node; the victim serves none). The pilot's log (the agents' warnings and errors included) goes
 * to DIR/pilot.log.
 */
export async function pilotWithValidatorOutage(net: Devnet, victim = 3, restartAt = 4): Promise<OutageRun> {
  const { scenario } = loadScenario({ generator: true, prosumers: 10, days: 1, seed: 3 });
  let stopping: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;
  const run = { stoppedAt: 0, restartedAt: 0, headAtStop: 0, headAtRestart: 0, downUntilRestart: false };
  const result = await runPoolPilot({
    scenario,
    log: pino({ level: 'debug' }, pino.destination({ dest: join(net.dir, 'pilot.log'), sync: true })),
    rpcUrls: net.rpcUrls.filter((_, k) => k !== victim),
    operatorKey: net.fundedKeyHex,
    blockTime: 1,
    inMemoryReport: false,
    onIteration: (it) => {
      if (it.iteration === 1 && stopping === undefined) {
        run.stoppedAt = it.iteration;
        stopping = net.stopNode(victim).then(async () => {
          run.headAtStop = await blockNumberOf(net.rpcUrls[0]!);
        });
      } else if (it.iteration >= restartAt && stopping !== undefined && restarting === undefined) {
        run.restartedAt = it.iteration;
        restarting = stopping.then(async () => {
          run.headAtRestart = await blockNumberOf(net.rpcUrls[0]!);
          run.downUntilRestart = !net.isRunning(victim);
          await net.startNode(victim);
        });
      }
    },
  });
  await stopping;
  await restarting;
  const warnings = readFileSync(join(net.dir, 'pilot.log'), 'utf8').split('\n').filter((l) => /"level":(40|50|60)|\\"level\\":(40|50|60)/.test(l)).slice(-15).join('\n');
  return { result, warnings, ...run };
}

export interface BridgeLine {
  event: string;
  proposalId?: number;
  validator?: string;
  authorize?: boolean;
  reason?: string;
  consensus?: string;
  msg?: string;
}

/** A validator bridge in this process (no extra node process per validator on a 2-core machine). */
export class InProcessBridge {
  readonly lines: BridgeLine[] = [];
  private readonly controller = new AbortController();
  private readonly done: Promise<void>;

  constructor(rpcUrl: string, governance: Address) {
    const sink = { write: (line: string) => this.lines.push(JSON.parse(line) as BridgeLine) };
    const logger = pino({ level: 'info' }, sink);
    this.done = runValidatorBridge({ rpcUrl, governance, pollMs: 500, logger, signal: this.controller.signal });
  }

  events(name: string): BridgeLine[] {
    return this.lines.filter((l) => l.event === name);
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}
