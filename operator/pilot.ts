// The on-chain pilot (`derchain pilot`), the operator's orchestration (kept apart from the household's agent in node-agent/): a chain (a fresh anvil, or existing nodes given by RPC
// URLs), the coordinator deployed, one key per prosumer in an encrypted keystore, the keys
// funded and admitted, one agent process per prosumer (spread round-robin over the RPC URLs),
// a round opened and driven to its end (calling advance() when a prosumer misses the deadline),
// then the chain's run replayed (node-agent/roundReplay.ts) and compared iterate by iterate with
// the in-memory engine (admm/engine.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEther, type Address, type Chain, type Hex, type PublicClient, type Transport } from 'viem';
import type { Logger } from 'pino';
import { toFixed } from '../admm/coordinatorStep.js';
import { admmIterations, coordinatorConfig, DEFAULT_ADMM_OPTIONS, runAdmm, type AdmmOptions } from '../admm/engine.js';
import type { CoordinationResult } from '../admm/types.js';
import { CoordinatorClient, ROUND_STATUS, worstRowTxGas } from '../contracts/coordinatorClient.js';
import { explainCoordinatorError } from '../contracts/coordinatorErrors.js';
import { deployCoordinator } from '../contracts/deployCoordinator.js';
import type { AnvilHandle } from '../chain/localChain.js';
import { DerchainError } from '../errors/base.js';
import type { Scenario } from '../model/scenario.js';
import { agentDataOf, writeAgentData } from '../node-agent/agentData.js';
import { createKeystore } from '../node-agent/keystore.js';
import { findOscillations, type OscillatingParticipant } from '../node-agent/oscillation.js';
import { fetchRoundEvents, replayRound, type ReplayReport } from '../node-agent/roundReplay.js';
import { connectPilotChain } from './pilotChain.js';

export interface PilotOptions {
  scenario: Scenario;
  admm?: Partial<AdmmOptions>;
  /** existing nodes; agents are assigned round-robin. Empty: start anvil */
  rpcUrls?: string[];
  /** funded operator key for existing nodes */
  operatorKey?: Hex;
  /** anvil block period, s (0: automine) */
  blockTime?: number;
  /** blocks an iteration waits before advance() may fill in missing rows */
  deadlineBlocks?: number;
  /** bound on |trade|, kW */
  maxAbsTradeKw?: number;
  /** participants (by index) whose agent is not started: the deadline path covers them */
  absent?: number[];
  /** after this long without progress, mine up to the deadline (anvil only) and call advance() */
  stallMs?: number;
  /** compare with the in-memory engine (default true) */
  compareInMemory?: boolean;
  log: Logger;
  onIteration?: (info: { iteration: number; primalSq: bigint; dualSq: bigint; converged: boolean; gas: bigint }) => void;
  /** called with the agents' processes once started (tests kill and restart one) */
  onAgentsStarted?: (agents: AgentProcess[], restart: (k: number) => AgentProcess) => void;
}

export interface AgentProcess {
  index: number;
  process: ChildProcess;
}

export interface PilotResult {
  contract: Address;
  round: bigint;
  status: number;
  iterations: number;
  converged: boolean;
  gasPerIteration: bigint[];
  gasTotal: bigint;
  blocks: bigint;
  seconds: number;
  /** wall time per iteration after the first (which includes the agents' start-up) */
  secondsPerIteration: number;
  replay: ReplayReport;
  /** participants whose rows reverse sign without shrinking (node-agent/oscillation.ts) */
  oscillating: OscillatingParticipant[];
  matchesInMemory: boolean | null;
  inMemoryMismatch?: string;
  /** the in-memory run (same iterates when matchesInMemory), for the report */
  inMemory: CoordinationResult | null;
  rpcUrls: string[];
}

const AGENT_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'node-agent', 'main.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPilot(o: PilotOptions): Promise<PilotResult> {
  const { scenario, log } = o;
  const admm: AdmmOptions = { ...DEFAULT_ADMM_OPTIONS, ...o.admm };
  const n = scenario.prosumers.length;
  const T = scenario.horizon;
  const work = mkdtempSync(join(tmpdir(), 'derchain-pilot-'));
  let anvil: AnvilHandle | undefined;
  const agents: AgentProcess[] = [];
  const cleanup = async () => {
    for (const a of agents) if (a.process.exitCode === null) a.process.kill('SIGTERM');
    await anvil?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // 1. chain and operator (operator/pilotChain.ts, shared with the pool pilot)
    const pc = await connectPilotChain({ ...(o.rpcUrls ? { rpcUrls: o.rpcUrls } : {}), ...(o.operatorKey ? { operatorKey: o.operatorKey } : {}), blockTime: o.blockTime ?? 0 });
    anvil = pc.anvil;
    const { publicClient, operator, rpcUrls } = pc;
    const deployed = await deployCoordinator(publicClient, operator);
    const coord = new CoordinatorClient(publicClient, deployed.address, operator);
    log.info({ contract: deployed.address, rpc: rpcUrls, deployGas: Number(deployed.gasUsed) }, 'coordinator deployed');

    // 2. prosumer keys (encrypted keystores), funding, admission, own data files
    const password = randomBytes(24).toString('base64url');
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    const keys: { file: string; address: Address }[] = [];
    for (let i = 0; i < n; i++) keys.push(await createKeystore(work, `prosumer-${i}`, password));
    const fund: Hex[] = [];
    for (const k of keys) fund.push(await operator.sendTransaction({ to: k.address, value: parseEther('10') }));
    for (const h of fund) await publicClient.waitForTransactionReceipt({ hash: h });
    for (const k of keys) await coord.admitProsumer(k.address);
    const dataFiles = scenario.prosumers.map((_, i) => {
      const file = join(work, `prosumer-${i}-data.json`);
      writeAgentData(file, agentDataOf(scenario, i));
      return file;
    });

    // 3. agents, one process each
    const absent = new Set(o.absent ?? []);
    const startAgent = (i: number): AgentProcess => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          AGENT_MAIN,
          '--rpc',
          rpcUrls[i % rpcUrls.length],
          '--contract',
          deployed.address,
          '--keystore',
          keys[i].file,
          '--password-file',
          passwordFile,
          '--data',
          dataFiles[i],
          '--name',
          `agent-${scenario.prosumers[i].id}`,
          '--poll-ms',
          o.blockTime ? '250' : '50',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DERCHAIN_LOG_LEVEL: process.env.DERCHAIN_AGENT_LOG_LEVEL ?? 'warn' } },
      );
      child.stderr?.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line.trim()) log.debug({ agent: i }, line.slice(0, 500));
      });
      const entry = { index: i, process: child };
      const at = agents.findIndex((a) => a.index === i);
      if (at >= 0) agents[at] = entry;
      else agents.push(entry);
      return entry;
    };
    for (let i = 0; i < n; i++) if (!absent.has(i)) startAgent(i);
    o.onAgentsStarted?.(agents, startAgent);

    // 4. the round
    const deadlineBlocks = o.deadlineBlocks ?? (o.blockTime ? 120 : 100 * n);
    const cfg = coordinatorConfig(n, T, admm);
    const opened = await coord
      .openRound({
      participants: keys.map((k) => k.address),
      horizon: T,
      rho: toFixed(admm.rho),
      epsAbs: cfg.epsAbs,
      epsDual: cfg.epsDual,
      epsRelPpm: cfg.epsRelPpm,
      balanceRho: admm.balanceRho,
      maxIterations: admm.maxIterations,
      deadlineBlocks,
      maxAbsTrade: toFixed(o.maxAbsTradeKw ?? 1000),
    })
      .catch((err: unknown) => {
        throw explainCoordinatorError(err);
      });
    const round = await coord.currentRound();
    const firstBlock = opened.blockNumber;
    const t0 = performance.now();
    log.info({ round: String(round), prosumers: n, horizon: T, deadlineBlocks }, 'round opened');

    // 5. drive: report iterations, fill in missing rows after the deadline. On anvil the deadline
    // is brought forward when the round stalls: after DEAD_AGENT_GRACE_MS when every missing
    // participant's agent process is gone, else after stallMs (default 60 s, a restarted agent
    // needs time to boot). A failing advance is retried ADVANCE_ATTEMPTS times, then the pilot
    // gives up with the contract's reason.
    const stallMs = o.stallMs ?? 60_000;
    const agentAlive = (p: number) => {
      const a = agents.find((x) => x.index === p);
      return a !== undefined && a.process.exitCode === null && a.process.signalCode === null;
    };
    const missingAllDead = (submitted: bigint) => {
      for (let p = 0; p < n; p++) if (!((submitted >> BigInt(p)) & 1n) && agentAlive(p)) return false;
      return true;
    };
    let advanceFailures = 0;
    let reported = 0;
    let firstDoneAt = 0;
    let lastProgress = Date.now();
    let lastKey = '';
    for (;;) {
      const st = await coord.roundState(round);
      const key = `${st.iteration}:${st.count}:${st.status}`;
      if (key !== lastKey) {
        lastKey = key;
        lastProgress = Date.now();
      }
      const done = st.status === ROUND_STATUS.open ? st.iteration - 1 : st.iteration;
      if (done > reported) {
        const ev = await fetchRoundEvents(publicClient, deployed.address, round, { openedFrom: firstBlock });
        for (const c of ev.completed.slice(reported, done)) {
          let gas = 0n;
          for (const h of ev.txHashes[c.iteration - 1]) gas += (await publicClient.getTransactionReceipt({ hash: h })).gasUsed;
          o.onIteration?.({ iteration: c.iteration, primalSq: c.primalSq, dualSq: c.dualSq, converged: c.converged, gas });
        }
        if (reported === 0) firstDoneAt = performance.now();
        reported = done;
      }
      if (st.status !== ROUND_STATUS.open) break;
      const head = await publicClient.getBlockNumber({ cacheTime: 0 });
      // no submission at all yet (agents still starting): nothing to reuse, keep waiting
      const quiet = Date.now() - lastProgress;
      const stalled = st.count > 0 && (quiet > stallMs || (quiet > DEAD_AGENT_GRACE_MS && missingAllDead(st.submitted)));
      if (head > st.deadlineBlock || (stalled && anvil)) {
        if (head <= st.deadlineBlock) {
          await publicClient.request({ method: 'anvil_mine' as never, params: [`0x${(st.deadlineBlock - head + 1n).toString(16)}`] as never });
        }
        const applied = await advanceWithReusedRows(coord, publicClient, deployed.address, round, st.iteration, st.submitted, n, log, firstBlock);
        if (applied === true) advanceFailures = 0;
        else {
          const again = await coord.roundState(round);
          // a late submission may have completed the iteration meanwhile: that is progress
          if (again.iteration === st.iteration && again.count === st.count && again.status === st.status && ++advanceFailures >= ADVANCE_ATTEMPTS) {
            throw new DerchainError(
              `round ${round} is stuck at iteration ${st.iteration}: advance() failed ${ADVANCE_ATTEMPTS} times (${applied.message}); the operator can end it with cancelRound(${round})`,
              { cause: applied },
            );
          }
        }
        lastProgress = Date.now();
        continue;
      }
      await sleep(o.blockTime ? 200 : 30);
    }
    const endedAt = performance.now();
    const seconds = (endedAt - t0) / 1000;
    const finalState = await coord.roundState(round);
    const lastBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    for (const a of agents) if (a.process.exitCode === null) a.process.kill('SIGTERM');

    // 6. replay from the chain (verify) and the gas of each iteration
    const events = await fetchRoundEvents(publicClient, deployed.address, round, { openedFrom: firstBlock });
    const abi = coord.abi;
    const replay = await replayRound(events, async (blockNumber, i) => {
      try {
        const [lambda, hat, rho] = (await publicClient.readContract({ address: deployed.address, abi, functionName: 'getRow', args: [round, BigInt(i)], blockNumber })) as [
          readonly bigint[],
          readonly bigint[],
          bigint,
        ];
        return { lambda: BigInt64Array.from(lambda), hat: BigInt64Array.from(hat), rho };
      } catch {
        return null;
      }
    });
    const oscillating = findOscillations(replay.trades, n, T);
    for (const osc of oscillating) log.warn({ round: String(round), ...osc }, 'a participant oscillates: its rows reverse sign without shrinking (keeps the round open)');
    const gasPerIteration: bigint[] = [];
    for (const hashes of events.txHashes.slice(0, events.completed.length)) {
      let g = 0n;
      for (const h of hashes) g += (await publicClient.getTransactionReceipt({ hash: h })).gasUsed;
      gasPerIteration.push(g);
    }

    // 7. the in-memory engine, iterate by iterate
    let matchesInMemory: boolean | null = null;
    let inMemoryMismatch: string | undefined;
    let inMemory: CoordinationResult | null = null;
    if (o.compareInMemory ?? true) {
      const r = compareWithEngine(scenario, admm, replay, absent);
      matchesInMemory = r.matches && replay.mismatches.length === 0;
      inMemoryMismatch = r.mismatch ?? (replay.mismatches.length ? `chain replay: ${JSON.stringify(replay.mismatches[0])}` : undefined);
      inMemory = runAdmm(scenario, { ...admm, maxIterations: Math.max(1, replay.iterations) });
    }
    const iterations = replay.iterations;
    return {
      contract: deployed.address,
      round,
      status: finalState.status,
      iterations,
      converged: finalState.status === ROUND_STATUS.converged,
      gasPerIteration,
      gasTotal: gasPerIteration.reduce((a, b) => a + b, 0n),
      blocks: lastBlock - firstBlock,
      seconds,
      // after the first iteration (which includes the agents' start-up)
      secondsPerIteration: iterations > 1 ? (endedAt - firstDoneAt) / 1000 / (iterations - 1) : seconds,
      replay,
      oscillating,
      matchesInMemory,
      ...(inMemoryMismatch !== undefined ? { inMemoryMismatch } : {}),
      inMemory,
      rpcUrls,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** How long the pilot waits, on anvil, when every missing participant's agent has exited. */
const DEAD_AGENT_GRACE_MS = 3_000;
/** Failed advance() attempts on one iteration before the pilot gives up. */
const ADVANCE_ATTEMPTS = 3;

/**
 * After the deadline: each missing participant's last row (from its Submitted events) or empty,
 * sent in chunks whose worst case fits the block gas limit. Returns true when applied, else the
 * (explained) error.
 */
export async function advanceWithReusedRows(
  coord: CoordinatorClient,
  publicClient: PublicClient<Transport, Chain>,
  address: Address,
  round: bigint,
  iteration: number,
  submitted: bigint,
  n: number,
  log: Logger,
  openedFrom = 0n,
): Promise<true | Error> {
  const ev = await fetchRoundEvents(publicClient, address, round, { openedFrom });
  const rows: Hex[] = [];
  for (let p = 0; p < n; p++) {
    if ((submitted >> BigInt(p)) & 1n) continue;
    let last: Hex = '0x';
    for (let k = iteration - 1; k >= 1 && last === '0x'; k--) last = ev.submitted[k - 1]?.get(p) ?? '0x';
    rows.push(last);
  }
  const params = await coord.roundParams(round);
  const blockGas = (await publicClient.getBlock({ blockTag: 'latest' })).gasLimit;
  const perTx = Math.max(1, Number(blockGas / worstRowTxGas(params.n, params.t)));
  try {
    for (let k = 0; k < rows.length; k += perTx) {
      const r = await coord.advance(round, iteration, rows.slice(k, k + perTx));
      log.warn({ round: String(round), iteration, rows: Math.min(perTx, rows.length - k), missing: rows.length, gasUsed: Number(r.gasUsed) }, 'deadline passed: advanced with reused rows');
    }
    return true;
  } catch (err) {
    const explained = explainCoordinatorError(err);
    const e = explained instanceof Error ? explained : new Error(String(explained));
    log.warn({ round: String(round), iteration, err: e.message.slice(0, 300) }, 'advance not applied');
    return e;
  }
}

/**
 * Runs the in-memory engine and compares, iteration by iteration, its submitted trades and its
 * coordinator state (lambda, pHat, rho, sums, convergence) with the chain's replay. A prosumer
 * listed in `absent` never submits on chain; then only the chain's own replay is checked.
 */
function compareWithEngine(scenario: Scenario, admm: AdmmOptions, replay: ReplayReport, absent: Set<number>): { matches: boolean; mismatch?: string } {
  if (absent.size > 0) return { matches: false, mismatch: 'prosumers were absent on purpose; the in-memory run has no absent prosumers' };
  let k = 0;
  for (const it of admmIterations(scenario, { ...admm, centralized: false })) {
    if (k >= replay.iterations) return { matches: false, mismatch: `in-memory run continues past the chain's ${replay.iterations} iterations` };
    const chainTrades = replay.trades[k];
    const chainState = replay.states[k];
    const state = it.step.state;
    const n = scenario.prosumers.length;
    const T = scenario.horizon;
    const expectTrades = new BigInt64Array(n * n * T);
    it.tradeRows.forEach((row, i) => {
      for (let m = 0; m < n - 1; m++) {
        const j = m < i ? m : m + 1;
        for (let s = 0; s < T; s++) expectTrades[(i * n + j) * T + s] = toFixed(row[m * T + s]);
      }
    });
    for (let x = 0; x < expectTrades.length; x++) {
      if (expectTrades[x] !== chainTrades[x]) return { matches: false, mismatch: `iteration ${k + 1}: trade entry ${x} in-memory ${expectTrades[x]} chain ${chainTrades[x]}` };
      if (state.lambda[x] !== chainState.lambda[x]) return { matches: false, mismatch: `iteration ${k + 1}: lambda entry ${x} differs` };
      if (state.hat[x] !== chainState.hat[x]) return { matches: false, mismatch: `iteration ${k + 1}: pHat entry ${x} differs` };
    }
    if (state.rho !== chainState.rho) return { matches: false, mismatch: `iteration ${k + 1}: rho differs` };
    k++;
  }
  if (k !== replay.iterations) return { matches: false, mismatch: `in-memory run stopped after ${k} iterations, chain after ${replay.iterations}` };
  return { matches: true };
}

