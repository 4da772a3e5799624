// The community (pool) market's on-chain pilot (`derchain pilot --market pool`): a chain (a fresh
// anvil or existing nodes), the PoolCoordinator deployed, one encrypted key per household, admitted
// and enrolled in a round with the in-memory engine's parameters (admm/poolEngine.ts), the household
// agents in a few processes (node-agent/poolMain.ts; several households may share one, each signs
// with its own key), their rows sent by each household itself (`submit`) or relayed by the pilot's
// in-process batching relay (contracts/submitPoolBatch.ts, gateway-sized batches), iterations closed
// at the deadline when rows are missing, the round settled in chunks, then replayed from the chain
// (node-agent/poolRoundReplay.ts) and compared clearing by clearing with the in-memory engine.
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
import { deployPoolCoordinator } from '../contracts/deployPoolCoordinator.js';
import { POOL_STATUS, PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { encodeRow, encodeSlice, type SignedPoolRow } from '../contracts/poolRow.js';
import { submitPoolBatch } from '../contracts/submitPoolBatch.js';
import type { Scenario } from '../model/scenario.js';
import { agentDataOf, writeAgentData } from '../node-agent/agentData.js';
import { createKeystore } from '../node-agent/keystore.js';
import { verifyPoolRound, type PoolReplayReport } from '../node-agent/poolRoundReplay.js';
import { connectPilotChain } from './pilotChain.js';

export interface PoolPilotOptions {
  scenario: Scenario;
  pool?: Partial<PoolOptions>;
  rpcUrls?: string[];
  operatorKey?: Hex;
  blockTime?: number;
  deadlineBlocks?: number;
  /** 'relay' (default): the pilot batches the signed rows; 'own': each household sends `submit` */
  submit?: 'relay' | 'own';
  /** rows per relayed transaction (default 10) */
  batchSize?: number;
  /** households per agent process (default: 1 up to 16 households, else spread over 4 processes) */
  householdsPerProcess?: number;
  /** households (by index) whose rows never arrive: the deadline path carries their last row over */
  absent?: number[];
  /** compare every clearing with the in-memory engine (default true) */
  compareInMemory?: boolean;
  /** also run the in-memory engine's solve for the report (objective, gap; default true) */
  inMemoryReport?: boolean;
  /** scrypt N of the throwaway keystores (default 4096) */
  scryptN?: number;
  log: Logger;
  onIteration?: (info: { iteration: number; maxAbs: bigint; dualNum: bigint; status: number; submitted: number }) => void;
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
}

const POOL_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'node-agent', 'poolMain.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The starting prices the engine uses (µcurrency/kWh). */
function startPrices(problem: PoolProblem): BigInt64Array {
  // PoolProblem keeps them private; the pilot opens the round with exactly these
  return (problem as unknown as { initialPrices: BigInt64Array }).initialPrices;
}

export async function runPoolPilot(o: PoolPilotOptions): Promise<PoolPilotResult> {
  const { scenario, log } = o;
  const n = scenario.prosumers.length;
  const T = scenario.horizon;
  const submit = o.submit ?? 'relay';
  const batchSize = o.batchSize ?? 10;
  const problem = setupPool(scenario, { ...o.pool, centralized: false });
  const cfg = problem.config;
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
  try {
    // 1. chain, operator, contract
    const pc = await connectPilotChain({ ...(o.rpcUrls ? { rpcUrls: o.rpcUrls } : {}), ...(o.operatorKey ? { operatorKey: o.operatorKey } : {}), blockTime: o.blockTime ?? 0 });
    stopChain = pc.anvil ? () => pc.anvil!.stop() : undefined;
    const { publicClient, operator, rpcUrls } = pc;
    const deployed = await deployPoolCoordinator(publicClient, operator);
    const coord = new PoolCoordinatorClient(publicClient, deployed.address, operator);
    log.info({ contract: deployed.address, rpc: rpcUrls, deployGas: Number(deployed.gasUsed) }, 'pool coordinator deployed');

    // 2. household keys (encrypted keystores), admission, enrolment (chunks), own data files
    const password = randomBytes(24).toString('base64url');
    const passwordFile = join(work, 'password');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    const keys: { file: string; address: Address }[] = [];
    for (let i = 0; i < n; i++) keys.push(await createKeystore(work, `household-${i}`, password, o.scryptN ?? 4096));
    if (submit === 'own') {
      const fund: Hex[] = [];
      for (const k of keys) fund.push(await operator.sendTransaction({ to: k.address, value: parseEther('10') }));
      for (const h of fund) await publicClient.waitForTransactionReceipt({ hash: h });
    }
    for (const k of keys) await coord.write('admitProsumer', [k.address], { simulate: false });
    const deadlineBlocks = o.deadlineBlocks ?? (o.blockTime ? 60 : 50 + 20 * n);
    await coord.openRound({
      horizon: T,
      resolution: cfg.resolution,
      rho: cfg.rho,
      alphaPpm: cfg.alphaPpm,
      epsPrimal: cfg.epsPrimal,
      epsDual: cfg.epsDual,
      minIterations: cfg.minIterations,
      maxIterations: cfg.maxIterations,
      deadlineBlocks,
      slotSeconds: Math.round(scenario.dtHours * 3600),
      initialPrices: encodeSlice(startPrices(problem)),
    });
    const round = await coord.currentRound();
    for (let k = 0; k < n; k += 200) await coord.enroll(round, keys.slice(k, k + 200).map((x) => x.address));
    const dataFiles = scenario.prosumers.map((_, i) => {
      const file = join(work, `household-${i}-data.json`);
      writeAgentData(file, agentDataOf(scenario, i));
      return file;
    });

    // 3. agent processes, several households each for large N
    const absent = new Set(o.absent ?? []);
    const present = [...Array(n).keys()].filter((i) => !absent.has(i));
    const per = o.householdsPerProcess ?? (n <= 16 ? 1 : Math.ceil(n / 4));
    const groups: number[][] = [];
    for (let k = 0; k < present.length; k += per) groups.push(present.slice(k, k + per));
    // the in-process relay: rows arrive as JSON lines on the agents' stdout
    const inbox = new Map<number, SignedPoolRow[]>();
    let relayed = 0;
    let ready = 0;
    groups.forEach((g, p) => {
      const file = join(work, `households-${p}.json`);
      writeFileSync(file, JSON.stringify(g.map((i) => ({ keystore: keys[i]!.file, data: dataFiles[i] }))), { mode: 0o600 });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', POOL_MAIN, '--rpc', rpcUrls[p % rpcUrls.length]!, '--contract', deployed.address, '--households', file, '--password-file', passwordFile, '--submit', submit, '--poll-ms', o.blockTime ? '250' : '50', '--name', `pool-agents-${p}`],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DERCHAIN_LOG_LEVEL: process.env.DERCHAIN_AGENT_LOG_LEVEL ?? 'warn' } },
      );
      children.push(child);
      child.stderr?.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line.trim()) log.debug({ agents: p }, line.slice(0, 500));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const m = JSON.parse(line) as { iteration: number; rows: SignedPoolRow[]; ready?: number };
          if (m.ready !== undefined) ready += m.ready;
          else inbox.set(m.iteration, [...(inbox.get(m.iteration) ?? []), ...m.rows]);
        } catch {
          log.warn({ agents: p, line: line.slice(0, 200) }, 'unreadable line from an agent process');
        }
      });
    });
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
    const childTimer = setInterval(rssOfChildren, 1000);

    // 4. once every agent process has its keys unlocked: start the round and drive it
    const readyBy = Date.now() + 600_000;
    while (ready < present.length) {
      if (children.some((c) => c.exitCode !== null)) throw new Error('an agent process ended before the round started');
      if (Date.now() > readyBy) throw new Error(`agents not ready after 10 minutes (${ready} of ${present.length})`);
      await sleep(50);
    }
    await coord.startRound(round);
    const t0 = performance.now();
    log.info({ round: String(round), households: n, processes: groups.length, submit, batchSize, deadlineBlocks }, 'pool round started');
    let reported = 0;
    let lastClosedAt = t0;
    let firstClosedAt = 0;
    let lastInboxSize = 0;
    let lastInboxChange = Date.now();
    for (;;) {
      const p = await coord.progress(round);
      const closed = p.status === POOL_STATUS.open ? p.iteration - 1 : p.iteration;
      if (closed > reported) {
        const view = await verifyClearings(coord, round, reported + 1, closed);
        for (const c of view) o.onIteration?.(c);
        if (reported === 0) firstClosedAt = performance.now();
        reported = closed;
        lastClosedAt = performance.now();
      }
      if (p.status !== POOL_STATUS.open) break;
      // relay what has arrived for the open iteration, in gateway-sized batches
      const k = p.iteration;
      const waiting = inbox.get(k) ?? [];
      if (submit === 'relay' && waiting.length > 0) {
        const complete = waiting.length >= present.length;
        if (waiting.length !== lastInboxSize) {
          lastInboxSize = waiting.length;
          lastInboxChange = Date.now();
        }
        const idle = Date.now() - lastInboxChange > 300;
        const take = complete || idle ? waiting.length : waiting.length - (waiting.length % batchSize);
        if (take > 0) {
          const rows = waiting.splice(0, take);
          lastInboxSize = waiting.length;
          const r = await submitPoolBatch({ client: coord, round, iteration: k, rows, batchSize, horizon: T });
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
      if (pc.anvil && absent.size > 0 && p.count >= present.length && (inbox.get(k)?.length ?? 0) === 0) {
        // every present household has submitted: on anvil, mine to the deadline instead of waiting
        await publicClient.request({ method: 'anvil_mine' as never, params: [`0x${(p.deadlineBlock - head + 1n).toString(16)}`] as never });
        continue;
      }
      await sleep(o.blockTime ? 100 : 20);
    }
    const seconds = (lastClosedAt - t0) / 1000;
    clearInterval(childTimer);
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');

    // 5. replay from the chain; settle in chunks from the replayed last rows; replay the settlement
    let replay = await verifyPoolRound(publicClient, deployed.address, round);
    const final = await coord.progress(round);
    let settleGas = 0n;
    if (final.status === POOL_STATUS.converged || final.status === POOL_STATUS.maxIterations) {
      const members = await Promise.all(keys.map((k) => coord.membership(round, k.address)));
      for (let k = 0; k < n; k += 100) {
        const idx = [...Array(Math.min(100, n - k)).keys()].map((x) => x + k);
        const rows = idx.map((i) => (members[i]!.lastIteration > 0 ? encodeRow(replay.lastRows[i]!) : ('0x' as Hex)));
        settleGas += (await coord.settle(round, idx.map((i) => keys[i]!.address), rows)).gasUsed;
      }
      replay = await verifyPoolRound(publicClient, deployed.address, round);
    }
    const lastBlock = await publicClient.getBlockNumber({ cacheTime: 0 });
    const gasPerIteration = await gasOfIterations(publicClient, deployed.address, round, replay.iterations);
    log.info({ relayed }, 'relay done');

    // 6. the in-memory engine, clearing by clearing
    let matchesInMemory: boolean | null = null;
    let inMemoryMismatch: string | undefined;
    if (o.compareInMemory ?? true) {
      const r = compareWithPoolEngine(problem, replay, absent);
      matchesInMemory = r.matches && replay.mismatches.length === 0;
      inMemoryMismatch = r.mismatch ?? (replay.mismatches.length ? `chain replay: ${JSON.stringify(replay.mismatches[0])}` : undefined);
    }
    const inMemory = (o.inMemoryReport ?? true) ? setupPool(scenario, { ...o.pool }).solve() : null;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const childSum = [...childPeak.values()].reduce((a, b) => a + b, 0);
    return {
      market: 'pool',
      contract: deployed.address,
      round,
      status: final.status,
      iterations: replay.iterations,
      converged: final.status === POOL_STATUS.converged,
      gasPerIteration,
      gasTotal: gasPerIteration.reduce((a, b) => a + b, 0n),
      settleGas,
      blocks: lastBlock,
      seconds,
      secondsPerIteration: replay.iterations > 1 ? (lastClosedAt - firstClosedAt) / 1000 / (replay.iterations - 1) : seconds,
      replay,
      matchesInMemory,
      ...(inMemoryMismatch !== undefined ? { inMemoryMismatch } : {}),
      inMemory,
      rpcUrls,
      submit,
      batchSize,
      processes: groups.length,
      peakRssMb: Math.round((peakRss + childSum) / 1e6),
      settlement: replay.settlement,
    };
  } finally {
    clearInterval(rssTimer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** Peak resident set (VmHWM) of a process from /proc (Linux), bytes; 0 where /proc is absent. */
function peakRssOf(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** The IterationClosed figures of iterations from..to, for progress reports. */
async function verifyClearings(coord: PoolCoordinatorClient, round: bigint, from: number, to: number) {
  const logs = await coord.publicClient.getContractEvents({ address: coord.address, abi: coord.abi, eventName: 'IterationClosed', args: { round }, fromBlock: 0n, strict: true });
  return logs
    .map((l) => ({ iteration: Number(l.args.iteration), maxAbs: l.args.maxAbs, dualNum: l.args.dualNum, status: Number(l.args.status), submitted: Number(l.args.submitted) }))
    .filter((c) => c.iteration >= from && c.iteration <= to)
    .sort((a, b) => a.iteration - b.iteration);
}

/** Gas of each iteration: every transaction that carried one of its rows, and the one that closed it. */
async function gasOfIterations(publicClient: PoolCoordinatorClient['publicClient'], address: Address, round: bigint, iterations: number): Promise<bigint[]> {
  const coord = new PoolCoordinatorClient(publicClient, address);
  const rows = await publicClient.getContractEvents({ address, abi: coord.abi, eventName: 'RowSubmitted', args: { round }, fromBlock: 0n, strict: true });
  const closes = await publicClient.getContractEvents({ address, abi: coord.abi, eventName: 'IterationClosed', args: { round }, fromBlock: 0n, strict: true });
  const txs = Array.from({ length: iterations }, () => new Set<Hex>());
  for (const l of rows) txs[Number(l.args.iteration) - 1]?.add(l.transactionHash);
  for (const l of closes) txs[Number(l.args.iteration) - 1]?.add(l.transactionHash);
  const out: bigint[] = [];
  for (const set of txs) {
    let g = 0n;
    for (const h of set) g += (await publicClient.getTransactionReceipt({ hash: h })).gasUsed;
    out.push(g);
  }
  return out;
}

/** Every clearing of the in-memory engine (same rows, same integers) against the chain's replay. */
function compareWithPoolEngine(problem: PoolProblem, replay: PoolReplayReport, absent: Set<number>): { matches: boolean; mismatch?: string } {
  if (absent.size > 0) return { matches: false, mismatch: 'households were absent on purpose; the in-memory run has no absent households' };
  let k = 0;
  const eq = (a: BigInt64Array, b: BigInt64Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  for (const it of problem.iterations()) {
    const chain = replay.clearings[k];
    if (!chain) return { matches: false, mismatch: `in-memory run continues past the chain's ${replay.iterations} iterations` };
    const c = it.clearing;
    if (!eq(c.prices, chain.prices)) return { matches: false, mismatch: `iteration ${k + 1}: prices differ` };
    if (!eq(c.sbar, chain.sbar)) return { matches: false, mismatch: `iteration ${k + 1}: sbar differs` };
    if (c.maxAbs !== chain.maxAbs || c.dualNum !== chain.dualNum) return { matches: false, mismatch: `iteration ${k + 1}: residuals differ` };
    if (c.status !== chain.status) return { matches: false, mismatch: `iteration ${k + 1}: status ${c.status} in memory, ${chain.status} on chain` };
    k++;
  }
  if (k !== replay.iterations) return { matches: false, mismatch: `in-memory run stopped after ${k} iterations, chain after ${replay.iterations}` };
  return { matches: true };
}
