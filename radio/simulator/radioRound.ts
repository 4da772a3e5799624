// One pool round cleared entirely over simulated LoRaWAN: N meters (each a PoolMeter with its own
// key, its own data and its own LoRaWAN session) in a radio simulator, a real MQTT broker (aedes
// in-process), the gateway relay under test attached as to ChirpStack, and a pool coordinator
// behind the relay's chain port (in memory by default, the contract when one is passed). Returns
// the final integers (to compare with admm/poolEngine.ts), the simulated time per clearing and the
// radio figures for the report. Used by the tests, `derchain pilot --transport lorawan` and demos.
import { keccak256, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { Logger } from 'pino';
import { decodeRow } from '../../contracts/poolRow.js';
import { setupPool, type PoolOptions } from '../../admm/poolEngine.js';
import type { PoolAgentParams } from '../../admm/poolAgentStep.js';
import { blockContext } from '../../model/socialProblem.js';
import type { Scenario } from '../../model/scenario.js';
import { GatewayRelay } from '../../gateway/relay.js';
import { attachUplinks, connectBroker, MqttDownlink } from '../../gateway/chirpstackMqtt.js';
import { InMemoryPoolChain, type PoolChainPort } from '../../gateway/poolChainPort.js';
import { decodeMessage, encodeMessage, rowMessageBytes } from '../frames.js';
import { signJoin } from '../joinProof.js';
import { PoolMeter } from '../poolMeter.js';
import { dataRateForSpreadingFactor, maxAppPayload, regionByName, type RegionName } from '../regionalParameters.js';
import type { SpreadingFactor } from '../timeOnAir.js';
import { startLocalBroker } from './mqttBroker.js';
import { planUplinkSlots, type UplinkSlotPlan } from '../uplinkSlots.js';
import { DEFAULT_PATH_LOSS, distanceM, rangeM } from './propagation.js';
import { mulberry32 } from '../../data/seededRandom.js';
import { RadioSimulator, type DeviceRadioStats, type GatewayRadioStats } from './radioSimulator.js';
import type { DutyCycleUsage } from '../dutyCycle.js';

export interface RadioRoundOptions {
  scenario: Scenario;
  log: Logger;
  /** the pool's options (tolerances, rho) as admm/poolEngine.ts takes them */
  poolOptions?: Partial<PoolOptions>;
  region?: RegionName;
  /** spreading factors, assigned to meters round-robin (default [7, 8, 9]) */
  spreadingFactors?: SpreadingFactor[];
  gateways?: number;
  /** meters are placed uniformly in a disc of this radius around the gateways' centre, m */
  radiusM?: number;
  seed?: number;
  uplinkLoss?: number;
  /** multicast the clearing (default true); false: one downlink per device */
  multicast?: boolean;
  /** data rate of the clearing downlinks (default EU868: that of the slowest meter's SF; US915 DR13), on the RX2 frequency */
  downlinkDr?: number;
  deadlineMs?: number;
  /**
   * how meters answer a clearing: 'slotted' (default; each in its lane and offset of
   * radio/uplinkSlots.ts) or 'aloha' (each at a random moment of the jitter window, random channel)
   */
  uplinkAccess?: 'slotted' | 'aloha';
  /** slotted: the relay broadcasts whose rows are missing this long after each clearing (default: the slot plan's length + 9 s) */
  missingAfterMs?: number;
  /** a meter sends its row again when no clearing came this long after it (default: 3 x missingAfterMs, or the jitter window, + 12 s) */
  retryMs?: number;
  /** uplinks start uniformly within this window after a clearing (ms; default max(8 s, 250 ms x N)) */
  jitterMs?: number;
  statePath?: string;
  /** a coordinator other than the in-memory one (the contract) */
  chain?: PoolChainPort;
  /** round number (the in-memory chain's) */
  round?: bigint;
  /** test hook: restart the relay (new object, same state file) when this iteration is open and this many rows arrived */
  restartRelayAt?: { iteration: number; afterRows: number };
  /** test hook: alter what reaches the relay */
  tamper?: (devEui: string, payload: Uint8Array) => Uint8Array;
  /** progress line per clearing */
  onClearing?: (iteration: number, simulatedMs: number) => void;
}

export interface RadioRoundResult {
  iterations: number;
  /** how the meters answered each clearing */
  uplinkAccess: 'slotted' | 'aloha';
  /** slotted: from the compute time's end to the last row's end when nothing is lost, ms */
  slotPlanMs?: number;
  /** rows meters sent again because a MISSING broadcast named them */
  resentOnMissing: number;
  status: string;
  /** simulated time from the opening clearing to the final one, ms */
  simulatedMs: number;
  /** simulated ms at which each clearing was broadcast */
  clearingTimesMs: number[];
  prices: bigint[];
  /** the rows the coordinator holds at the end, per participant */
  rows: Int16Array[];
  devices: DeviceRadioStats[];
  gateways: GatewayRadioStats[];
  dutyCycle: DutyCycleUsage[];
  relay: GatewayRelay['stats'];
  relayRestarts: number;
  /** every JSON line the relay logged (tests look for keys in it) */
  relayLog: string[];
  meterKeys: string[];
  participants: Address[];
  /** (iteration, participant) of every row the relay handed to the in-memory coordinator */
  relayed: string[];
}

/** the simulated clock starts at 2026-01-01T00:00Z */
const SIM_EPOCH_MS = Date.UTC(2026, 0, 1);
const hex16 = (k: number, prefix: string) => `${prefix}${k.toString(16).padStart(16 - prefix.length, '0')}`;

/** The simulated meters' own keys (derived from the seed: demo and test meters only). */
export function radioMeterKeys(seed: number, n: number): Hex[] {
  return Array.from({ length: n }, (_, i) => keccak256(toHex(`derchain radio meter ${seed}/${i}`)));
}

export async function runRadioRound(o: RadioRoundOptions): Promise<RadioRoundResult> {
  const region = regionByName(o.region ?? 'EU868');
  const sc = o.scenario;
  const problem = setupPool(sc, { ...o.poolOptions, centralized: false });
  const cfg = problem.config;
  const seed = o.seed ?? 1;
  const rand = mulberry32(seed * 7919 + 17);
  const keys = radioMeterKeys(seed, sc.prosumers.length);
  const accounts = keys.map((k) => privateKeyToAccount(k));
  const participants = accounts.map((a) => a.address);
  const round = o.round ?? 1n;
  const initial = problem.startPrices();
  const chain = o.chain ?? new InMemoryPoolChain(round, cfg, participants, initial);
  const ctx = blockContext(sc);

  const broker = await startLocalBroker();
  const applicationId = '2f0c3a8e-6d7b-4c1e-9a55-0d3c5e7f9b21';
  const multicastGroupId = '7a1d2c3b-4e5f-4a6b-8c9d-0e1f2a3b4c5d';
  // the multicast must reach the farthest meter: the group's data rate is that of its slowest member
  const slowest = Math.max(...(o.spreadingFactors ?? [7, 8, 9])) as SpreadingFactor;
  const downDr = o.downlinkDr ?? (region.name === 'EU868' ? dataRateForSpreadingFactor(region, slowest).dr : 13);
  const relayLog: string[] = [];
  const relayLogger = o.log.child({ component: 'relay' });
  const captured = (await import('pino')).default({ level: 'info' }, { write: (s: string) => void (relayLog.push(s), process.env.DERCHAIN_RADIO_DEBUG && process.stderr.write(s)) });
  const downClient = await connectBroker(broker.url, 'derchain-relay-down', true);
  const downlink = new MqttDownlink({
    client: downClient,
    applicationId,
    maxPayload: maxAppPayload(region, downDr),
    ...(o.multicast === false ? { devices: () => sc.prosumers.map((_, i) => hex16(i + 1, '70b3d57ed0')) } : { multicastGroupId }),
  });
  const sfs = o.spreadingFactors ?? [7, 8, 9];
  const nGw = o.gateways ?? 1;
  const radius = o.radiusM ?? 2_000;
  const gateways = Array.from({ length: nGw }, (_, g) => ({
    gatewayId: hex16(g + 1, 'a84041ffff'),
    position: { x: nGw === 1 ? 0 : (g - (nGw - 1) / 2) * radius, y: 0 },
  }));
  const meters: PoolMeter[] = [];
  const spreadingFactorFor = (sf: SpreadingFactor, p: { x: number; y: number }): SpreadingFactor => {
    const d = Math.min(...gateways.map((g) => distanceM(p, g.position)));
    let s = sf;
    while (s < slowest && rangeM(DEFAULT_PATH_LOSS, s) * 0.8 < d) s = (s + 1) as SpreadingFactor;
    return s;
  };
  const clearingTimes: number[] = [];
  let lastIteration = -1;
  const jitterMs = o.jitterMs ?? Math.max(8_000, 250 * sc.prosumers.length);
  // meters' positions and spreading factors first (the slot plan needs every meter's data rate)
  const placed = sc.prosumers.map((_, i) => {
    const r = Math.sqrt(rand()) * radius;
    const a = rand() * 2 * Math.PI;
    const position = { x: r * Math.cos(a), y: r * Math.sin(a) };
    // round-robin over the mix, raised (as ADR would) until the nearest gateway is within 80 % of the range
    return { devEui: hex16(i + 1, '70b3d57ed0'), position, spreadingFactor: spreadingFactorFor(sfs[i % sfs.length]!, position) };
  });
  const slotPlan: UplinkSlotPlan | undefined =
    (o.uplinkAccess ?? 'slotted') === 'slotted'
      ? planUplinkSlots(
          region,
          placed.map((p) => ({ devEui: p.devEui, dr: dataRateForSpreadingFactor(region, p.spreadingFactor).dr })),
          rowMessageBytes(cfg.t),
        )
      : undefined;
  // slotted: the relay names the missing rows once every meter's slot has passed (compute 1 s, the
  // clearing's own downlink and a margin: 8 s), and the meters' own retry timer is only the
  // fallback for a lost MISSING message
  const missingAfterMs = o.missingAfterMs ?? (slotPlan !== undefined ? slotPlan.lengthMs + 9_000 : undefined);
  const retryMs = o.retryMs ?? (missingAfterMs !== undefined ? 3 * missingAfterMs : jitterMs) + 12_000;
  let resentOnMissing = 0;
  const makeRelay = () =>
    new GatewayRelay({
      chain,
      downlink,
      log: captured,
      clock: () => sim.now,
      deadlineMs: o.deadlineMs ?? 180_000,
      ...(missingAfterMs !== undefined ? { missingAfterMs } : {}),
      requireJoin: false,
      ...(o.statePath !== undefined ? { statePath: o.statePath } : {}),
    });
  let relay = makeRelay();
  let restarts = 0;
  let rowsThisIteration = 0;
  let upClient = await attachWith(relay);
  async function attachWith(r: GatewayRelay) {
    const sink = o.tamper ? { onUplink: (d: string, p: Uint8Array) => r.onUplink(d, o.tamper!(d, p)) } : r;
    return attachUplinks(sink, { brokerUrl: broker.url, applicationId, clientId: 'derchain-relay-up', log: relayLogger });
  }

  const simClient = await connectBroker(broker.url, 'derchain-radio-sim', true);
  const sim: RadioSimulator = new RadioSimulator({
    region,
    client: simClient,
    applicationId,
    seed,
    startMs: SIM_EPOCH_MS,
    uplinkLoss: o.uplinkLoss ?? 0,
    multicast: { groupId: multicastGroupId, dr: downDr, frequencyHz: region.rx2.frequencyHz },
    // spread the rows over a window that grows with N (fewer same-SF collisions), and retry only
    // after every meter's first attempt had its chance (measured, 10 meters SF7-9 at the pool's
    // default tolerances: retry 12 s / jitter 4 s took 61 simulated minutes, 168 duplicate rows,
    // the SF9 meters at their 1 % budget; retry 20 s / jitter 8 s: 7 minutes, 52 duplicates)
    jitterMs,
    retryMs,
    log: o.log,
    meters: sc.prosumers.map((prosumer, i) => {
      const params: PoolAgentParams = {
        prosumer,
        tariff: sc.tariff,
        options: sc.options,
        dtHours: sc.dtHours,
        startSlot: ctx.startSlot,
        participants: cfg.n,
        rho: cfg.rho,
        resolution: cfg.resolution,
        alphaPpm: cfg.alphaPpm,
      };
      const meter = new PoolMeter({ account: accounts[i]!, domain: chain.domain, round, participant: i, params });
      meters.push(meter);
      const { devEui, position, spreadingFactor } = placed[i]!;
      let joins = 0;
      const join = async () => encodeMessage(await signJoin(accounts[i]!, `0x${devEui}`, Math.floor(SIM_EPOCH_MS / 1000) + joins++));
      const slot = slotPlan?.slots.get(devEui);
      return {
        devEui,
        spreadingFactor,
        position,
        ...(slot !== undefined ? { uplinkSlot: slot } : {}),
        app: {
          boot: async () => [await join()],
          onDownlink: async (msg: Uint8Array) => {
            const m = decodeMessage(msg);
            if (m.type === 'missing') {
              const again = meter.onMissing(m);
              if (again === undefined) return [];
              resentOnMissing++;
              return [again];
            }
            if (m.type !== 'clearing') return [];
            const row = await meter.onClearing(m);
            if (row === undefined) return [];
            // its row was not counted although it sent one: the join may have been lost; join again first
            const missed = m.iteration > 0 && m.accepted !== undefined && m.accepted[i] !== true && meter.submissions > 1;
            return missed ? [await join(), row] : [row];
          },
          retryMessage: () => meter.pendingMessage,
        },
      };
    }),
    gateways,
    settle: async () => {
      // the relay has every uplink event the simulator published and has answered; the simulator
      // has every downlink request the relay published
      for (let spin = 0; ; spin++) {
        await relay.whenIdle();
        if (relay.stats.uplinks >= sim.published.uplinkEvents - uplinksBeforeRestart && sim.published.downlinkRequestsReceived >= downlink.frames) break;
        if (spin === 2000) {
          o.log.warn({ relayUplinks: relay.stats.uplinks, published: sim.published, downlinkFrames: downlink.frames }, 'radio round: the relay did not settle');
          if (process.env.DERCHAIN_RADIO_DEBUG) process.stderr.write(`settle timeout ${relay.stats.uplinks} ${JSON.stringify(sim.published)} ${downlink.frames}\n`);
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      await relay.whenIdle();
      const it = relay.openIteration;
      if (it - 1 > lastIteration && relay.store.state.broadcast > lastIteration) {
        for (let k = lastIteration + 1; k <= relay.store.state.broadcast; k++) {
          clearingTimes.push(sim.now);
          o.onClearing?.(k, sim.now - SIM_EPOCH_MS);
        }
        lastIteration = relay.store.state.broadcast;
        rowsThisIteration = 0;
      }
    },
  });
  let uplinksBeforeRestart = 0;
  try {
    // meters boot (JOIN first), the relay takes up the round and broadcasts its opening prices
    await sim.start();
    await relay.start(round);
    await sim.o.settle();
    await sim.drainInbox();
    const t0 = sim.now;
    for (let guard = 0; guard < 1_000_000 && !relay.roundEnded; guard++) {
      if (o.restartRelayAt && restarts === 0 && relay.openIteration === o.restartRelayAt.iteration) {
        rowsThisIteration = Object.keys(relay.store.state.pending).length + relay.store.state.accepted.length;
        if (rowsThisIteration >= o.restartRelayAt.afterRows) {
          // kill: drop the MQTT session without a clean close, forget the object
          upClient.end(true);
          uplinksBeforeRestart += relay.stats.uplinks;
          relay = makeRelay();
          restarts++;
          await relay.start(round);
          upClient = await attachWith(relay);
        }
      }
      // the next event (a frame's end, a meter's timer) unless the relay's timer comes first
      const d = relay.nextWakeup;
      const next = sim.nextEventAt;
      if (next !== undefined && (d === undefined || next <= d)) {
        await sim.step();
        continue;
      }
      if (d === undefined) break;
      sim.advanceTo(d);
      await relay.tick();
      await sim.o.settle();
      await sim.drainInbox();
    }
    const prog = await chain.progress(round);
    const finalClearing = await chain.clearing(round, prog.iteration);
    // the rows the coordinator holds (the relay's record of what was counted)
    const rows: Int16Array[] = participants.map((_, i) => {
      const h = relay.store.state.lastRows[String(i)];
      return h === undefined || h === '0x' ? new Int16Array(cfg.t) : decodeRow(h);
    });
    const result: RadioRoundResult = {
      iterations: prog.iteration,
      uplinkAccess: slotPlan !== undefined ? 'slotted' : 'aloha',
      ...(slotPlan !== undefined ? { slotPlanMs: slotPlan.lengthMs } : {}),
      resentOnMissing,
      status: prog.status,
      simulatedMs: (clearingTimes.at(-1) ?? t0) - t0,
      clearingTimesMs: clearingTimes.map((t) => t - t0),
      prices: Array.from(finalClearing.prices),
      rows,
      devices: sim.deviceStats(),
      gateways: sim.gatewayStatsList(),
      dutyCycle: sim.ledger.usage(sim.now),
      relay: { ...relay.stats },
      relayRestarts: restarts,
      relayLog,
      meterKeys: keys,
      participants,
      relayed: chain instanceof InMemoryPoolChain ? chain.batches.flatMap((b) => b.participants.map((p) => `${b.iteration}/${p}`)) : [],
    };
    return result;
  } finally {
    // also when the chain or the relay failed: a broker left open keeps the process alive
    upClient.end(true);
    await Promise.all([downClient.endAsync(), simClient.endAsync()]);
    await broker.close();
  }
}
