// `derchain pilot --transport lorawan|coap`: the community-market round cleared through the radio
// path against the real contract. A chain (fresh anvil, or loopback nodes with the operator's key),
// the PoolCoordinator deployed, the simulated meters' accounts admitted and enrolled in a round with
// the in-memory engine's parameters, a gateway relay with its own funded account (it pays the gas)
// behind gateway/contractPoolChain.ts, and the meters speaking LoRaWAN through the radio simulator
// and a real MQTT broker (radio/simulator/radioRound.ts) or CoAP over loopback UDP
// (radio/simulator/coapRound.ts). Then the round is replayed from the chain and compared clearing by
// clearing with the in-memory engine fed the same submissions (rows missing at a deadline close are
// carried over in both), and settled.
import { createWalletClient, http, parseEther, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { Logger } from 'pino';
import { setupPool, type PoolOptions } from '../admm/poolEngine.js';
import { deployPoolCoordinator } from '../contracts/deployPoolCoordinator.js';
import { POOL_STATUS, PoolCoordinatorClient, roundConfigOf } from '../contracts/poolCoordinatorClient.js';
import { encodeRow, encodeSlice } from '../contracts/poolRow.js';
import { ContractPoolChain } from '../gateway/contractPoolChain.js';
import type { PoolChainPort } from '../gateway/poolChainPort.js';
import type { Scenario } from '../model/scenario.js';
import { fetchPoolRoundEvents, replayPoolRound, type PoolReplayReport } from '../node-agent/poolRoundReplay.js';
import type { RegionName } from '../radio/regionalParameters.js';
import { runCoapRound, type CoapRoundResult } from '../radio/simulator/coapRound.js';
import { radioMeterKeys, runRadioRound, type RadioRoundOptions, type RadioRoundResult } from '../radio/simulator/radioRound.js';
import type { SpreadingFactor } from '../radio/timeOnAir.js';
import { connectPilotChain } from './pilotChain.js';

export type RadioTransport = 'lorawan' | 'coap';

export interface RadioPilotOptions {
  scenario: Scenario;
  transport: RadioTransport;
  pool?: Partial<PoolOptions>;
  rpcUrls?: string[];
  operatorKey?: Hex;
  region?: RegionName;
  spreadingFactors?: SpreadingFactor[];
  gateways?: number;
  uplinkLoss?: number;
  /** how meters answer a clearing (radio/uplinkSlots.ts; default slotted) */
  uplinkAccess?: 'slotted' | 'aloha';
  seed?: number;
  /** lorawan: any further simulator option (tests: relay restart, tamper hooks) */
  radio?: Partial<RadioRoundOptions>;
  log: Logger;
  onClearing?: (iteration: number, simulatedMs: number) => void;
  /** tests: put something between the relay and the contract (a relay that alters or replays rows) */
  wrapChain?: (chain: PoolChainPort) => PoolChainPort;
}

export interface RadioPilotResult {
  transport: RadioTransport;
  contract: Address;
  round: bigint;
  iterations: number;
  status: number;
  converged: boolean;
  /** every clearing equals the in-memory engine fed the same submissions */
  matchesInMemory: boolean;
  inMemoryMismatch?: string;
  replay: PoolReplayReport;
  /** iterations in which some row was missing and carried over (deadline closes) */
  carriedOver: number;
  /** gas the relay paid (batches and deadline closes) and its transactions */
  relayGas: bigint;
  relayTransactions: number;
  settleGas: bigint;
  /** lorawan: the radio figures; coap: the CoAP figures */
  radio?: RadioRoundResult;
  coap?: CoapRoundResult;
  wallSeconds: number;
}

export async function runRadioPilot(o: RadioPilotOptions): Promise<RadioPilotResult> {
  const { scenario, log } = o;
  const n = scenario.prosumers.length;
  const seed = o.seed ?? 1;
  const problem = setupPool(scenario, { ...o.pool, centralized: false });
  const cfg = problem.config;
  const pc = await connectPilotChain({ ...(o.rpcUrls ? { rpcUrls: o.rpcUrls } : {}), ...(o.operatorKey ? { operatorKey: o.operatorKey } : {}) });
  const t0 = performance.now();
  try {
    const { publicClient, operator } = pc;
    const deployed = await deployPoolCoordinator(publicClient, operator);
    const coord = new PoolCoordinatorClient(publicClient, deployed.address, operator);
    // the relay's own account, funded by the operator; its key stays in this process
    const relayAccount = privateKeyToAccount(generatePrivateKey());
    const fund = await operator.sendTransaction({ to: relayAccount.address, value: parseEther('100') } as never);
    await publicClient.waitForTransactionReceipt({ hash: fund });
    const relayWallet = createWalletClient({ chain: pc.chain, transport: http(pc.rpcUrls[0]), account: relayAccount });
    const meters = radioMeterKeys(seed, n).map((k) => privateKeyToAccount(k).address);
    for (const a of meters) await coord.write('admitProsumer', [a], { simulate: false });
    await coord.openRound(
      roundConfigOf(cfg, {
        // the relay's deadline (simulated time) decides; on anvil it mines up to this block first
        // (an iteration takes about N / 10 batch blocks; mining thousands of blocks timed out at N = 100)
        deadlineBlocks: pc.anvil ? 20 + Math.ceil(n / 5) : 600,
        slotSeconds: Math.round(scenario.dtHours * 3600),
        initialPrices: encodeSlice(problem.startPrices()),
      }),
    );
    const round = await coord.currentRound();
    for (let k = 0; k < n; k += 200) await coord.enroll(round, meters.slice(k, k + 200));
    await coord.startRound(round);
    const contractChain = await ContractPoolChain.connect({ client: new PoolCoordinatorClient(publicClient, deployed.address, relayWallet), mineToDeadline: pc.anvil !== undefined });
    const chain = o.wrapChain ? o.wrapChain(contractChain) : contractChain;
    log.info({ contract: deployed.address, round: String(round), meters: n, transport: o.transport, relay: relayAccount.address }, 'radio pilot: round started');

    let radio: RadioRoundResult | undefined;
    let coap: CoapRoundResult | undefined;
    if (o.transport === 'lorawan') {
      radio = await runRadioRound({
        scenario,
        log,
        poolOptions: o.pool ?? {},
        chain,
        round,
        seed,
        ...(o.region ? { region: o.region } : {}),
        ...(o.spreadingFactors ? { spreadingFactors: o.spreadingFactors } : {}),
        ...(o.gateways ? { gateways: o.gateways } : {}),
        ...(o.uplinkLoss !== undefined ? { uplinkLoss: o.uplinkLoss } : {}),
        ...(o.uplinkAccess !== undefined ? { uplinkAccess: o.uplinkAccess } : {}),
        ...(o.onClearing ? { onClearing: o.onClearing } : {}),
        ...o.radio,
      });
    } else {
      coap = await runCoapRound({ scenario, log, seed, chain, round, poolOptions: o.pool ?? {} });
    }

    // replay from the chain; the in-memory engine with the same submissions
    const ev = await fetchPoolRoundEvents(publicClient, deployed.address, round);
    const replay = await replayPoolRound(ev);
    const submitted = new Set(ev.rows.map((r) => `${r.iteration}/${ev.participants.findIndex((a) => a.toLowerCase() === r.participant.toLowerCase())}`));
    const cmp = compareWithEngine(scenario, o.pool ?? {}, replay, (k, i) => !submitted.has(`${k}/${i}`));
    let carriedOver = 0;
    for (let k = 1; k <= replay.iterations; k++) if ([...Array(n).keys()].some((i) => !submitted.has(`${k}/${i}`))) carriedOver++;

    // settle from the replayed last rows
    const final = await coord.progress(round);
    let settleGas = 0n;
    if (final.status === POOL_STATUS.converged || final.status === POOL_STATUS.maxIterations) {
      const members = await Promise.all(meters.map((a) => coord.membership(round, a)));
      for (let k = 0; k < n; k += 100) {
        const idx = [...Array(Math.min(100, n - k)).keys()].map((x) => x + k);
        const rows = idx.map((i) => (members[i]!.lastIteration > 0 ? encodeRow(replay.lastRows[i]!) : ('0x' as Hex)));
        settleGas += (await coord.settle(round, idx.map((i) => meters[i]!), rows)).gasUsed;
      }
    }
    return {
      transport: o.transport,
      contract: deployed.address,
      round,
      iterations: replay.iterations,
      status: final.status,
      converged: final.status === POOL_STATUS.converged,
      matchesInMemory: cmp.matches && replay.mismatches.length === 0,
      ...(cmp.mismatch ?? (replay.mismatches.length ? { inMemoryMismatch: `chain replay: ${JSON.stringify(replay.mismatches[0])}` } : {})),
      replay,
      carriedOver,
      relayGas: contractChain.gasPaid,
      relayTransactions: contractChain.transactions,
      settleGas,
      ...(radio ? { radio } : {}),
      ...(coap ? { coap } : {}),
      wallSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await pc.anvil?.stop();
  }
}

/**
 * Every clearing of the in-memory engine, fed the chain's submissions (`skip(k, i)`: participant i's
 * row was not counted in iteration k, its last row carried over), against the chain's replay.
 */
function compareWithEngine(scenario: Scenario, pool: Partial<PoolOptions>, replay: PoolReplayReport, skip: (k: number, i: number) => boolean): { matches: boolean; mismatch?: { inMemoryMismatch: string } } {
  const problem = setupPool(scenario, { ...pool, centralized: false, skip });
  const eq = (a: BigInt64Array, b: BigInt64Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  const bad = (why: string) => ({ matches: false, mismatch: { inMemoryMismatch: why } });
  let k = 0;
  for (const it of problem.iterations()) {
    const c = it.clearing;
    const ch = replay.clearings[k];
    if (!ch) return bad(`in-memory run continues past the chain's ${replay.iterations} iterations`);
    if (!eq(c.prices, ch.prices)) return bad(`iteration ${k + 1}: prices differ`);
    if (!eq(c.sbar, ch.sbar)) return bad(`iteration ${k + 1}: sbar differs`);
    if (c.maxAbs !== ch.maxAbs || c.dualNum !== ch.dualNum) return bad(`iteration ${k + 1}: residuals differ`);
    if (c.status !== ch.status) return bad(`iteration ${k + 1}: status ${c.status} in memory, ${ch.status} on chain`);
    k++;
  }
  if (k !== replay.iterations) return bad(`in-memory run stopped after ${k} iterations, chain after ${replay.iterations}`);
  return { matches: true };
}
