// The community (pool) market's on-chain pilot (`derchain pilot --market pool`): a chain (a fresh
// anvil or existing nodes), the PoolCoordinator deployed, one encrypted key per household, admitted
// and enrolled in a round with the in-memory engine's parameters (admm/poolEngine.ts), the household
// agents in a few processes (node-agent/poolMain.ts; several households may share one, each signs
// with its own key), their rows sent by each household itself (`submit`) or relayed by the pilot's
// in-process relay (by default contracts/submitPoolBatch.ts, gateway-sized batches; another
// transport plugs in through `PoolPilotRelay`), iterations closed at the deadline when rows are
// missing, the round settled in chunks, then replayed from the chain (node-agent/poolRoundReplay.ts)
// and compared clearing by clearing with the in-memory engine.
//
// Rolling re-clears (`rolling`): after the first round, H more rounds on the same contract, each
// over the window shifted one slot and warm-started from the round before: the operator opens it
// with the previous round's final prices shifted (RoundConfig.initialPrices), each agent starts
// from its own final target shifted and its battery and room temperature after the executed slot
// (node-agent/poolRollingAgents.ts). Each re-clear is compared clearing by clearing with an
// in-memory twin built from admm/poolRolling.ts's windows, and its iterations with runPoolRolling's.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseEther, type Address, type Hex } from 'viem';
import type { Logger } from 'pino';
import { setupPool, type PoolOptions, type PoolProblem, type PoolResult } from '../admm/poolEngine.js';
import { carryOver, rollingWindow, runPoolRolling, shiftedWarmStart, type RollingResult } from '../admm/poolRolling.js';
import type { PoolClearing } from '../admm/poolStep.js';
import { deployPoolCoordinator } from '../contracts/deployPoolCoordinator.js';
import { POOL_STATUS, PoolCoordinatorClient, roundConfigOf } from '../contracts/poolCoordinatorClient.js';
import { encodeRow, encodeSlice, type SignedPoolRow } from '../contracts/poolRow.js';
import { submitPoolBatch } from '../contracts/submitPoolBatch.js';
import type { ProsumerInput, Scenario } from '../model/scenario.js';
import { agentDataOf, writeAgentData } from '../node-agent/agentData.js';
import { createKeystore } from '../node-agent/keystore.js';
import { shiftSlots } from '../node-agent/poolRollingState.js';
import { verifyPoolRound, type PoolReplayReport } from '../node-agent/poolRoundReplay.js';
import { connectPilotChain } from './pilotChain.js';

/** How the pilot hands the households' signed rows of one iteration to the coordinator. */
export interface PoolPilotRelay {
  submit(p: { client: PoolCoordinatorClient; round: bigint; iteration: number; rows: SignedPoolRow[]; horizon: number }): Promise<{ accepted: number; rejected: { participant: Address; reason: number }[] }>;
}

/** The default relay: gateway-sized submitBatch transactions (contracts/submitPoolBatch.ts). */
export function batchRelay(batchSize: number): PoolPilotRelay {
  return { submit: (p) => submitPoolBatch({ ...p, batchSize }) };
}

export interface PoolPilotOptions {
  /** the scenario; with `rolling`, window + hours slots */
  scenario: Scenario;
  pool?: Partial<PoolOptions>;
  rpcUrls?: string[];
  operatorKey?: Hex;
  blockTime?: number;
  deadlineBlocks?: number;
  /** 'relay' (default): the pilot relays the signed rows; 'own': each household sends `submit` */
  submit?: 'relay' | 'own';
  /** rows per relayed transaction (default 10) */
  batchSize?: number;
  /** the relay transport (default: batchRelay(batchSize)) */
  relay?: PoolPilotRelay;
  /** households per agent process (default: 1 up to 16 households, else spread over 4 processes) */
  householdsPerProcess?: number;
  /** households (by index) whose rows never arrive: the deadline path carries their last row over */
  absent?: number[];
  /** compare every clearing with the in-memory engine (default true) */
  compareInMemory?: boolean;
  /** also run the in-memory engine's solve for the report (objective, gap; default true) */
  inMemoryReport?: boolean;
  /** scrypt N of the throwaway keystores (default 4096; 1024 above 100 households) */
  scryptN?: number;
  /** rolling re-clears: `hours` rounds after the first, each over `window` slots shifted by one */
  rolling?: { hours: number; window: number };
  log: Logger;
  onIteration?: (info: { round: bigint; iteration: number; maxAbs: bigint; dualNum: bigint; status: number; submitted: number }) => void;
  /** tests: called once per iteration while it is open, with the agent processes (e.g. to kill and restart one) */
  onOpenIteration?: (info: { round: bigint; iteration: number; count: number; agents: PoolAgentProcesses }) => Promise<void> | void;
}

/** The agent processes of a pilot, for tests that kill and restart one. */
export interface PoolAgentProcesses {
  /** households (indices) per process */
  groups: number[][];
  /** the live child process of group p */
  child(p: number): ChildProcess;
  /** start group p's process again with the same command (its households rejoin their round from the chain) */
  restart(p: number): ChildProcess;
}

/** One round on chain: the first clearing or a rolling re-clear. */
export interface PoolRoundOutcome {
  /** 0: the first clearing; h: the h-th re-clear */
  index: number;
  round: bigint;
  /** the prices the round opened with (RoundConfig.initialPrices), µcurrency/kWh */
  initialPrices: BigInt64Array;
  status: number;
  iterations: number;
  converged: boolean;
  gasPerIteration: bigint[];
  gasTotal: bigint;
  settleGas: bigint;
  /** from the round's start to its last clearing */
  seconds: number;
  secondsPerIteration: number;
  replay: PoolReplayReport;
  matchesInMemory: boolean | null;
  inMemoryMismatch?: string;
  /** settlement per household on chain, 1e-12 currency per hour of slot */
  settlement: bigint[];
}

export interface PoolPilotResult {
  market: 'pool';
  contract: Address;
  round: bigint;
  status: number;
  iterations: number;
  converged: boolean;
  gasPerIteration: bigint[];
  gasTotal: bigint;
  /** gas of the settlement transactions */
  settleGas: bigint;
  blocks: bigint;
  /** from the round's start to its last clearing */
  seconds: number;
  secondsPerIteration: number;
  replay: PoolReplayReport;
  matchesInMemory: boolean | null;
  inMemoryMismatch?: string;
  inMemory: PoolResult | null;
  rpcUrls: string[];
  submit: 'relay' | 'own';
  batchSize: number;
  processes: number;
  /** largest resident set of the pilot process and its agent processes (sum of their peaks), MB */
  peakRssMb: number;
  /** settlement per household on chain, 1e-12 currency per hour of slot */
  settlement: bigint[];
  /** wall time of the whole run (chain, keys, agents, rounds, replays), s */
  wallSeconds: number;
  /** wall time before the first round started (keys, admission, enrolment, agents' keys unlocked), s */
  setupSeconds: number;
  /** every round: the first clearing, then each rolling re-clear */
  rounds: PoolRoundOutcome[];
  /** the in-memory rolling run (admm/poolRolling.ts) the re-clears were checked against */
  inMemoryRolling?: RollingResult;
}

const POOL_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'node-agent', 'poolMain.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The in-memory twin of one round: every clearing, and the result (its end state starts the next re-clear). */
interface TwinRound {
  clearings: PoolClearing[];
  result: PoolResult;
}

function runTwin(problem: PoolProblem): TwinRound {
  const clearings: PoolClearing[] = [];
  const result = problem.solve((it) => clearings.push(it.clearing));
  return { clearings, result };
}

export async function runPoolPilot(o: PoolPilotOptions): Promise<PoolPilotResult> {
  const wall0 = performance.now();
  const { log } = o;
  const full = o.scenario;
  const hours = o.rolling?.hours ?? 0;
  const T = o.rolling?.window ?? full.horizon;
  if (!Number.isInteger(hours) || hours < 0) throw new RangeError(`rolling hours must be a whole number >= 0, got ${hours}`);
  if (T + hours > full.horizon) throw new RangeError(`${hours} rolling re-clears of a ${T}-slot window need ${T + hours} slots; the scenario has ${full.horizon}`);
  const windowOf = (h: number, carried?: ProsumerInput[]) => (o.rolling ? rollingWindow(full, h, T, carried) : full);
  const scenario = windowOf(0);
  const n = scenario.prosumers.length;
  const submit = o.submit ?? 'relay';
  const batchSize = o.batchSize ?? 10;
  const relay = o.relay ?? batchRelay(batchSize);
  const poolOptions = { ...o.pool, centralized: false };
  const work = mkdtempSync(join(tmpdir(), 'derchain-pool-pilot-'));
  const children: ChildProcess[] = [];
  let stopChain: (() => Promise<void>) | undefined;
  const cleanup = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await stopChain?.();
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  const childPeak = new Map<number, number>();
  let childTimer: NodeJS.Timeout | undefined;
  try {
    // 1. chain, operator, contract
    const pc = await connectPilotChain({ ...(o.rpcUrls ? { rpcUrls: o.rpcUrls } : {}), ...(o.operatorKey ? { operatorKey: o.operatorKey } : {}), blockTime: o.blockTime ?? 0 });
    stopChain = pc.anvil ? () => pc.anvil!.stop() : undefined;
    const { publicClient, operator, rpcUrls } = pc;
    const deployed = await deployPoolCoordinator(publicClient, operator);
    const coord = new PoolCoordinatorClient(publicClient, deployed.address, operator);
    log.info({ contract: deployed.address, rpc: rpcUrls, deployGas: Number(deployed.gasUsed) }, 'pool coordinator deployed');

    // 2. household keys (encrypted keystores), admission (pipelined), own data files
    const password = randomBytes(24).toString('base64url');
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    const keys: { file: string; address: Address }[] = [];
    // the throwaway keystores are locked with a random 192-bit password, so scrypt's work factor adds
    // no protection; above 100 households a lighter N saves minutes (pure-JS scrypt, one core)
    const scryptN = o.scryptN ?? (n > 100 ? 1024 : 4096);
    for (let i = 0; i < n; i++) keys.push(await createKeystore(work, `household-${i}`, password, scryptN));
    log.info({ households: n, seconds: Math.round((performance.now() - wall0) / 1000) }, 'household keystores written');
    if (submit === 'own') await sendAll(coord, keys.map((k) => () => operator.sendTransaction({ to: k.address, value: parseEther('10') } as never)));
    await sendAll(coord, keys.map((k) => () => operator.writeContract({ address: coord.address, abi: coord.abi, functionName: 'admitProsumer', args: [k.address] } as never)));
    log.info({ households: n, seconds: Math.round((performance.now() - wall0) / 1000) }, 'households admitted');
    const deadlineBlocks = o.deadlineBlocks ?? (o.blockTime ? 60 : 50 + 20 * n);
    const dataFiles = scenario.prosumers.map((_, i) => {
      const file = join(work, `household-${i}-data.json`);
      writeAgentData(file, agentDataOf(scenario, i));
      return file;
    });
    // each re-clear's window: the household's own forecast; its DER state it carries itself
    const windowFiles = scenario.prosumers.map((_, i) =>
      Array.from({ length: hours }, (_x, h) => {
        const file = join(work, `household-${i}-window-${h + 1}.json`);
        writeAgentData(file, agentDataOf(windowOf(h + 1), i));
        return file;
      }),
    );

    // 3. agent processes, several households each for large N
    const absent = new Set(o.absent ?? []);
    const present = [...Array(n).keys()].filter((i) => !absent.has(i));
    const per = o.householdsPerProcess ?? (n <= 16 ? 1 : Math.ceil(n / 4));
    const groups: number[][] = [];
    for (let k = 0; k < present.length; k += per) groups.push(present.slice(k, k + per));
    // the in-process relay: rows arrive as JSON lines on the agents' stdout, keyed by round and iteration
    const inbox = new Map<string, SignedPoolRow[]>();
    const slot = (round: bigint, k: number) => `${round}:${k}`;
    let relayed = 0;
    let ready = 0;
    const live: ChildProcess[] = [];
    const lastError: string[] = [];
    const spawnGroup = (p: number): ChildProcess => {
      const file = join(work, `households-${p}.json`);
      const g = groups[p]!;
      writeFileSync(file, JSON.stringify(g.map((i) => ({ keystore: keys[i]!.file, data: dataFiles[i], windows: windowFiles[i] }))), { mode: 0o600 });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', POOL_MAIN, '--rpc', rpcUrls[p % rpcUrls.length]!, '--contract', deployed.address, '--households', file, '--password-file', passwordFile, '--submit', submit, '--poll-ms', o.blockTime ? '250' : '50', '--rolling', String(hours), '--name', `pool-agents-${p}`],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DERCHAIN_LOG_LEVEL: process.env.DERCHAIN_AGENT_LOG_LEVEL ?? 'warn' } },
      );
      children.push(child);
      live[p] = child;
      child.stderr?.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) {
          if (!line.trim()) continue;
          log.debug({ agents: p }, line.slice(0, 500));
          // the last error an agent process logged names why it failed (agents never log keys)
          if (/"level":(50|60)/.test(line)) lastError[p] = line.slice(0, 500);
        }
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const m = JSON.parse(line) as { round?: string; iteration: number; rows: SignedPoolRow[]; ready?: number };
          if (m.ready !== undefined) ready += m.ready;
          else {
            const key = slot(BigInt(m.round ?? '0'), m.iteration);
            inbox.set(key, [...(inbox.get(key) ?? []), ...m.rows]);
          }
        } catch {
          log.warn({ agents: p, line: line.slice(0, 200) }, 'unreadable line from an agent process');
        }
      });
      return child;
    };
    groups.forEach((_, p) => spawnGroup(p));
    const agents: PoolAgentProcesses = {
      groups,
      child: (p) => live[p]!,
      restart: (p) => spawnGroup(p),
    };
    const rssOfChildren = () => {
      for (const c of children) {
        if (!c.pid || c.exitCode !== null) continue;
        try {
          const peak = peakRssOf(c.pid);
          if (peak) childPeak.set(c.pid, Math.max(childPeak.get(c.pid) ?? 0, peak));
        } catch {
          // the process may have just ended
        }
      }
    };
    childTimer = setInterval(rssOfChildren, 1000);
    const failedGroup = () => groups.findIndex((_, p) => live[p]!.exitCode !== null && live[p]!.exitCode !== 0 && live[p]!.signalCode === null);
    const agentsFailed = () => failedGroup() >= 0;
    /** Which agent process failed, its exit code and the last error it logged. */
    const agentFailure = (when: string): Error => {
      const p = failedGroup();
      const why = lastError[p] ? `: ${lastError[p]}` : ' (it logged no error)';
      return new Error(`an agent process ${when}: pool-agents-${p} (households ${groups[p]!.join(', ')}) exited with code ${live[p]!.exitCode}${why}`);
    };

    // 4. the rounds: the first clearing, then each re-clear on the same contract
    const rounds: PoolRoundOutcome[] = [];
    let twinProsumers = full.prosumers;
    let twin: TwinRound | null = null;
    let inMemoryRolling: RollingResult | undefined;
    const compare = (o.compareInMemory ?? true) && absent.size === 0;
    if (compare && hours > 0) inMemoryRolling = runPoolRolling(full, { hours, window: T }, poolOptions);
    const report = o.inMemoryReport ?? true;
    let firstTwin: PoolResult | null = null;
    let setupSeconds = 0;
    for (let h = 0; h <= hours; h++) {
      // the first round's twin is also the in-memory report (with the centralised reference)
      const problem = setupPool(windowOf(h, twinProsumers), h === 0 && report ? { ...o.pool } : poolOptions);
      const cfg = problem.config;
      const previous = rounds.at(-1);
      const initialPrices = previous ? shiftSlots(previous.replay.clearings.at(-1)!.prices) : problem.startPrices();
      await coord.openRound(roundConfigOf(cfg, { deadlineBlocks, slotSeconds: Math.round(scenario.dtHours * 3600), initialPrices: encodeSlice(initialPrices) }));
      const round = await coord.currentRound();
      for (let k = 0; k < n; k += 200) await coord.enroll(round, keys.slice(k, k + 200).map((x) => x.address));
      if (h === 0) {
        // once every agent process has its keys unlocked: start the first round
        const readyBy = Date.now() + 600_000;
        while (ready < present.length) {
          if (agentsFailed()) throw pc.watch.stopped() ?? agentFailure('ended before the round started');
          if (Date.now() > readyBy) throw new Error(`agents not ready after 10 minutes (${ready} of ${present.length})`);
          await sleep(50);
        }
        setupSeconds = (performance.now() - wall0) / 1000;
      }
      await coord.startRound(round);
      log.info({ round: String(round), reclear: h, households: n, processes: groups.length, submit, batchSize, deadlineBlocks }, h ? 'pool re-clear started' : 'pool round started');
      const driven = await driveRound();
      // replay from the chain; settle in chunks from the replayed last rows; replay the settlement
      const replay = await verifyPoolRound(publicClient, deployed.address, round);
      const final = await coord.progress(round);
      let settleGas = 0n;
      if (final.status === POOL_STATUS.converged || final.status === POOL_STATUS.maxIterations) {
        const members = await Promise.all(keys.map((k) => coord.membership(round, k.address)));
        for (let k = 0; k < n; k += 100) {
          const idx = [...Array(Math.min(100, n - k)).keys()].map((x) => x + k);
          const rows = idx.map((i) => (members[i]!.lastIteration > 0 ? encodeRow(replay.lastRows[i]!) : ('0x' as Hex)));
          settleGas += (await coord.settle(round, idx.map((i) => keys[i]!.address), rows)).gasUsed;
        }
        // the amounts recorded on chain against the replay's (not a second full replay: at N = 1000 every
        // row's signer check takes minutes)
        replay.mismatches.push(...(await settlementMismatches(coord, round, keys.map((k) => k.address), replay.settlement)));
      }
      const gasPerIteration = await gasOfIterations(publicClient, deployed.address, round, replay.iterations);
      // the in-memory twin of this round, clearing by clearing
      let matchesInMemory: boolean | null = null;
      let inMemoryMismatch: string | undefined;
      if (compare) {
        if (twin) {
          problem.warmStart(shiftedWarmStart(twin.result));
        }
        twin = runTwin(problem);
        if (h === 0) firstTwin = twin.result;
        const r = compareClearings(twin.clearings, replay);
        matchesInMemory = r.matches && replay.mismatches.length === 0;
        inMemoryMismatch = r.mismatch ?? (replay.mismatches.length ? `chain replay: ${JSON.stringify(replay.mismatches[0])}` : undefined);
        const step = inMemoryRolling?.steps[h];
        if (matchesInMemory && step && step.iterations !== replay.iterations) {
          matchesInMemory = false;
          inMemoryMismatch = `re-clear ${h}: ${replay.iterations} iterations on chain, ${step.iterations} in admm/poolRolling.ts`;
        }
        const ends = inMemoryRolling ? (h === 0 ? inMemoryRolling.first : h === hours ? inMemoryRolling.last : null) : null;
        if (matchesInMemory && ends && !ends.pool.fixed.prices.every((p, t) => p === replay.clearings.at(-1)!.prices[t])) {
          matchesInMemory = false;
          inMemoryMismatch = `re-clear ${h}: final prices differ from admm/poolRolling.ts`;
        }
        // the next window's households: the executed slot carried over, as every agent does for itself
        twinProsumers = carryOver(twinProsumers, twin.result);
      }
      const outcome: PoolRoundOutcome = {
        index: h,
        round,
        initialPrices,
        status: final.status,
        iterations: replay.iterations,
        converged: final.status === POOL_STATUS.converged,
        gasPerIteration,
        gasTotal: gasPerIteration.reduce((a, b) => a + b, 0n),
        settleGas,
        seconds: driven.seconds,
        secondsPerIteration: driven.secondsPerIteration(replay.iterations),
        replay,
        matchesInMemory,
        ...(inMemoryMismatch !== undefined ? { inMemoryMismatch } : {}),
        settlement: replay.settlement,
      };
      rounds.push(outcome);
      log.info({ round: String(round), reclear: h, iterations: outcome.iterations, status: outcome.status, matchesInMemory, seconds: Number(outcome.seconds.toFixed(1)) }, h ? 'pool re-clear done' : 'pool round done');
      if (final.status !== POOL_STATUS.converged && final.status !== POOL_STATUS.maxIterations) break;

      /** Drives the open round: relays rows, closes iterations at the deadline, reports clearings. */
      async function driveRound() {
        const t0 = performance.now();
        let reported = 0;
        let lastClosedAt = t0;
        let firstClosedAt = 0;
        let lastInboxSize = 0;
        let lastInboxChange = Date.now();
        let hookedFor = 0;
        for (;;) {
          const p = await coord.progress(round);
          const closed = p.status === POOL_STATUS.open ? p.iteration - 1 : p.iteration;
          if (closed > reported) {
            const view = await clearingsOf(coord, round, reported + 1, closed);
            for (const c of view) o.onIteration?.({ round, ...c });
            if (reported === 0) firstClosedAt = performance.now();
            reported = closed;
            lastClosedAt = performance.now();
          }
          if (p.status !== POOL_STATUS.open) break;
          if (agentsFailed()) throw pc.watch.stopped() ?? agentFailure('failed during the round');
          const k = p.iteration;
          if (o.onOpenIteration && hookedFor < k) {
            hookedFor = k;
            await o.onOpenIteration({ round, iteration: k, count: p.count, agents });
          }
          // relay what has arrived for the open iteration, in gateway-sized batches
          const waiting = inbox.get(slot(round, k)) ?? [];
          if (submit === 'relay' && waiting.length > 0) {
            const complete = waiting.length + p.count >= present.length;
            if (waiting.length !== lastInboxSize) {
              lastInboxSize = waiting.length;
              lastInboxChange = Date.now();
            }
            const idle = Date.now() - lastInboxChange > 300;
            const take = complete || idle ? waiting.length : waiting.length - (waiting.length % batchSize);
            if (take > 0) {
              const rows = waiting.splice(0, take);
              lastInboxSize = waiting.length;
              const r = await relay.submit({ client: coord, round, iteration: k, rows, horizon: T });
              relayed += r.accepted;
              if (r.rejected.length) log.warn({ iteration: k, rejected: r.rejected.slice(0, 5) }, 'relay: rows rejected by the contract');
              continue;
            }
          }
          const head = await publicClient.getBlockNumber({ cacheTime: 0 });
          if (head > p.deadlineBlock) {
            try {
              await coord.closeIteration(round, k);
              log.warn({ iteration: k, missing: n - p.count }, 'deadline passed: iteration closed with carried-over rows');
            } catch (err) {
              log.debug({ err: String(err).slice(0, 200) }, 'close not applied');
            }
            continue;
          }
          if (pc.anvil && absent.size > 0 && p.count >= present.length && (inbox.get(slot(round, k))?.length ?? 0) === 0) {
            // every present household has submitted: on anvil, mine to the deadline instead of waiting
            await publicClient.request({ method: 'anvil_mine' as never, params: [`0x${(p.deadlineBlock - head + 1n).toString(16)}`] as never });
            continue;
          }
          await sleep(o.blockTime ? 100 : 20);
        }
        for (const key of [...inbox.keys()]) if (key.startsWith(`${round}:`)) inbox.delete(key);
        return {
          seconds: (lastClosedAt - t0) / 1000,
          secondsPerIteration: (iterations: number) => (iterations > 1 ? (lastClosedAt - firstClosedAt) / 1000 / (iterations - 1) : (lastClosedAt - t0) / 1000),
        };
      }
    }
    clearInterval(childTimer);
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    const lastBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    log.info({ relayed }, 'relay done');

    const first = rounds[0]!;
    const inMemory = report ? (firstTwin ?? setupPool(scenario, { ...o.pool }).solve()) : null;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const childSum = [...childPeak.values()].reduce((a, b) => a + b, 0);
    return {
      market: 'pool',
      contract: deployed.address,
      round: first.round,
      status: first.status,
      iterations: first.iterations,
      converged: first.converged,
      gasPerIteration: first.gasPerIteration,
      gasTotal: first.gasTotal,
      settleGas: first.settleGas,
      blocks: lastBlock,
      seconds: first.seconds,
      secondsPerIteration: first.secondsPerIteration,
      replay: first.replay,
      matchesInMemory: rounds.every((r) => r.matchesInMemory === null) ? null : rounds.every((r) => r.matchesInMemory === true),
      ...(rounds.find((r) => r.inMemoryMismatch) ? { inMemoryMismatch: rounds.find((r) => r.inMemoryMismatch)!.inMemoryMismatch! } : {}),
      ...(absent.size > 0 && (o.compareInMemory ?? true) ? { matchesInMemory: false, inMemoryMismatch: 'households were absent on purpose; the in-memory run has no absent households' } : {}),
      inMemory,
      rpcUrls,
      submit,
      batchSize,
      processes: groups.length,
      peakRssMb: Math.round((peakRss + childSum) / 1e6),
      settlement: first.settlement,
      wallSeconds: (performance.now() - wall0) / 1000,
      setupSeconds,
      rounds,
      ...(inMemoryRolling ? { inMemoryRolling } : {}),
    };
  } finally {
    clearInterval(rssTimer);
    if (childTimer) clearInterval(childTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/**
 * Sends many operator transactions back to back (consecutive nonces, no wait in between), then
 * checks every receipt: the last one is awaited, the earlier ones (mined by then: same sender,
 * lower nonces) are read in parallel chunks. One receipt wait instead of one per transaction.
 */
async function sendAll(coord: PoolCoordinatorClient, sends: (() => Promise<Hex>)[], chunk = 200): Promise<void> {
  const pc = coord.publicClient;
  for (let k = 0; k < sends.length; k += chunk) {
    const hashes: Hex[] = [];
    for (const send of sends.slice(k, k + chunk)) hashes.push(await send());
    if (!hashes.length) continue;
    const last = await pc.waitForTransactionReceipt({ hash: hashes.at(-1)! });
    const receipts = [last, ...(await Promise.all(hashes.slice(0, -1).map((hash) => pc.getTransactionReceipt({ hash }))))];
    const failed = receipts.find((r) => r.status !== 'success');
    if (failed) throw new Error(`operator transaction reverted (tx ${failed.transactionHash})`);
  }
}

/** Settled amounts on chain that differ from the replay's, and a SettlementCompleted total other than zero. */
async function settlementMismatches(coord: PoolCoordinatorClient, round: bigint, participants: Address[], expected: bigint[]): Promise<PoolReplayReport['mismatches']> {
  const pc = coord.publicClient;
  const settled = await pc.getContractEvents({ address: coord.address, abi: coord.abi, eventName: 'Settled', args: { round }, fromBlock: 0n, strict: true });
  const done = await pc.getContractEvents({ address: coord.address, abi: coord.abi, eventName: 'SettlementCompleted', args: { round }, fromBlock: 0n, strict: true });
  const byAccount = new Map(settled.map((l) => [l.args.participant.toLowerCase(), l.args.amount]));
  const out: PoolReplayReport['mismatches'] = [];
  participants.forEach((a, i) => {
    const onChain = byAccount.get(a.toLowerCase());
    if (onChain !== expected[i]) out.push({ iteration: 0, what: 'settlement amount', participant: a, expected: String(expected[i]), actual: String(onChain) });
  });
  if (done.length !== 1 || done[0]!.args.total !== 0n) out.push({ iteration: 0, what: 'settlement total', expected: '0', actual: done.map((d) => String(d.args.total)).join(',') || 'none' });
  return out;
}

/** Peak resident set (VmHWM) of a process from /proc (Linux), bytes; 0 where /proc is absent. */
function peakRssOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** The IterationClosed figures of iterations from..to, for progress reports. */
async function clearingsOf(coord: PoolCoordinatorClient, round: bigint, from: number, to: number) {
  const logs = await coord.publicClient.getContractEvents({ address: coord.address, abi: coord.abi, eventName: 'IterationClosed', args: { round }, fromBlock: 0n, strict: true });
  return logs
    .map((l) => ({ iteration: Number(l.args.iteration), maxAbs: l.args.maxAbs, dualNum: l.args.dualNum, status: Number(l.args.status), submitted: Number(l.args.submitted) }))
    .filter((c) => c.iteration >= from && c.iteration <= to)
    .sort((a, b) => a.iteration - b.iteration);
}

/** Gas of each iteration: every transaction that carried one of its rows, and the one that closed it (rows read iteration by iteration). */
async function gasOfIterations(publicClient: PoolCoordinatorClient['publicClient'], address: Address, round: bigint, iterations: number): Promise<bigint[]> {
  const coord = new PoolCoordinatorClient(publicClient, address);
  const closes = (await publicClient.getContractEvents({ address, abi: coord.abi, eventName: 'IterationClosed', args: { round }, fromBlock: 0n, strict: true })).sort(
    (x, y) => Number(x.args.iteration) - Number(y.args.iteration),
  );
  const out: bigint[] = [];
  for (let k = 1; k <= iterations; k++) {
    const close = closes[k - 1];
    const rows = await publicClient.getContractEvents({
      address,
      abi: coord.abi,
      eventName: 'RowSubmitted',
      args: { round, iteration: k },
      fromBlock: k > 1 ? closes[k - 2]!.blockNumber : 0n,
      ...(close ? { toBlock: close.blockNumber } : {}),
      strict: true,
    });
    const set = new Set<Hex>(rows.map((l) => l.transactionHash));
    if (close) set.add(close.transactionHash);
    const receipts = await Promise.all([...set].map((hash) => publicClient.getTransactionReceipt({ hash })));
    out.push(receipts.reduce((g, r) => g + r.gasUsed, 0n));
  }
  return out;
}

/** Every clearing of the in-memory twin (same rows, same integers) against the chain's replay. */
function compareClearings(twin: PoolClearing[], replay: PoolReplayReport): { matches: boolean; mismatch?: string } {
  const eq = (a: BigInt64Array, b: BigInt64Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  for (let k = 0; k < twin.length; k++) {
    const chain = replay.clearings[k];
    if (!chain) return { matches: false, mismatch: `in-memory run continues past the chain's ${replay.iterations} iterations` };
    const c = twin[k]!;
    if (!eq(c.prices, chain.prices)) return { matches: false, mismatch: `iteration ${k + 1}: prices differ` };
    if (!eq(c.sbar, chain.sbar)) return { matches: false, mismatch: `iteration ${k + 1}: sbar differs` };
    if (c.maxAbs !== chain.maxAbs || c.dualNum !== chain.dualNum) return { matches: false, mismatch: `iteration ${k + 1}: residuals differ` };
    if (c.status !== chain.status) return { matches: false, mismatch: `iteration ${k + 1}: status ${c.status} in memory, ${chain.status} on chain` };
  }
  if (twin.length !== replay.iterations) return { matches: false, mismatch: `in-memory run stopped after ${twin.length} iterations, chain after ${replay.iterations}` };
  return { matches: true };
}
