// The radio simulator, for tests and demos: N meters (each with a spreading factor, a position and
// its own LoRaWAN session), gateways at positions, a distance-based link model with shadowing,
// optional extra loss, same-channel same-SF collisions, and the duty-cycle ledger every meter and
// gateway consults before it transmits. It plays the radio AND ChirpStack's network server: MIC and
// frame counters checked (lora-packet), receptions of several gateways deduplicated into one
// ChirpStack v4 uplink event published into a real MQTT broker; downlink commands and multicast
// enqueues taken from the broker, turned into PHYPayloads and put on air. Time is simulated: events
// run in time order; after each, `settle` lets the relay under test react before the clock moves.
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { DutyCycleLedger } from '../dutyCycle.js';
import { slotFrequencyHz, type UplinkSlot } from '../uplinkSlots.js';
import { decodeMessage } from '../frames.js';
import { Reassembler, splitMessage } from '../fragments.js';
import { DeviceSession, MulticastGroup, NetworkSession, randomSessionKeys, sendPlan } from '../lorawan.js';
import { dataRate, dataRateForSpreadingFactor, maxAppPayload, type Region } from '../regionalParameters.js';
import type { SpreadingFactor } from '../timeOnAir.js';
import {
  DOWNLINK_SUBSCRIPTION,
  downlinkCommandSchema,
  fromBase64,
  MULTICAST_SUBSCRIPTION,
  multicastEnqueueSchema,
  toBase64,
  uplinkTopic,
  type UplinkEvent,
} from '../chirpstack.js';
import { DEFAULT_PATH_LOSS, distanceM, meanRxPowerDbm, normal, SENSITIVITY_DBM, type PathLossModel, type Point } from './propagation.js';
import { mulberry32 } from '../../data/seededRandom.js';

/** What runs on a simulated meter: it gets whole downlink messages, answers with uplink messages. */
export interface SimMeterApp {
  /** messages to send once at start (e.g. a JOIN) */
  boot?(): Promise<Uint8Array[]>;
  onDownlink(message: Uint8Array): Promise<Uint8Array[]>;
  /** the message to send again when no answer came (undefined: nothing to retry) */
  retryMessage(): Uint8Array | undefined;
}

export interface SimMeterSpec {
  devEui: string;
  spreadingFactor: SpreadingFactor;
  position: Point;
  app: SimMeterApp;
  /** its slot after each clearing (radio/uplinkSlots.ts); without one it answers at a random moment on a random channel */
  uplinkSlot?: Pick<UplinkSlot, 'offsetMs' | 'channelsHz'>;
}

export interface SimGatewaySpec {
  gatewayId: string;
  position: Point;
}

export interface RadioSimOptions {
  region: Region;
  client: MqttClient;
  applicationId: string;
  tenantId?: string;
  meters: SimMeterSpec[];
  gateways: SimGatewaySpec[];
  seed?: number;
  pathLoss?: PathLossModel;
  /** extra probability that an uplink frame is lost (the 10 % loss test) */
  uplinkLoss?: number;
  downlinkLoss?: number;
  /** multicast group of the clearing (Class C); its id is what the relay enqueues to */
  multicast?: { groupId: string; dr: number; frequencyHz: number };
  /** meter compute time from a clearing to its row, ms */
  computeMs?: number;
  /** uplinks start uniformly within this window after the compute time, ms */
  jitterMs?: number;
  /** a meter sends its row again when no clearing came this long after it (ms), at most maxRetries times */
  retryMs?: number;
  maxRetries?: number;
  /** time from a relay's downlink request to the gateway's transmission (chain block + scheduling), ms */
  downlinkLatencyMs?: number;
  /** simulated clock at the start, ms since the epoch (default 0) */
  startMs?: number;
  /** lets the system under test react to what was published; resolves when it has */
  settle: () => Promise<void>;
  log: Logger;
}

export interface DeviceRadioStats {
  devEui: string;
  spreadingFactor: number;
  uplinkFrames: number;
  uplinkAirtimeMs: number;
  lostFrames: number;
  collisions: number;
  retries: number;
  downlinkFrames: number;
  gateways: number;
}

export interface GatewayRadioStats {
  gatewayId: string;
  uplinksReceived: number;
  downlinkFrames: number;
  downlinkAirtimeMs: number;
}

interface Transmission {
  devEui: string;
  start: number;
  end: number;
  frequencyHz: number;
  sf: number;
  phy: Uint8Array;
  dr: number;
  reached: Set<string>;
}

interface SimEvent {
  at: number;
  seq: number;
  run: () => Promise<void>;
}

interface MeterState {
  spec: SimMeterSpec;
  session: DeviceSession;
  dr: number;
  maxPayload: number;
  msgId: number;
  reassembler: Reassembler;
  stats: DeviceRadioStats;
  retryToken: number;
  busyUntil: number;
  /** the last message put in the transmit queue */
  lastSent?: Uint8Array;
}

export class RadioSimulator {
  readonly o: RadioSimOptions;
  now = 0;
  readonly ledger: DutyCycleLedger;
  readonly published = { uplinkEvents: 0, downlinkRequests: 0, downlinkRequestsReceived: 0 };
  private readonly rand: () => number;
  private readonly meters = new Map<string, MeterState>();
  private readonly network = new Map<string, NetworkSession>();
  private readonly byDevAddr = new Map<string, string>();
  private readonly gatewayStats = new Map<string, GatewayRadioStats>();
  private readonly gatewayBusy = new Map<string, number>();
  private readonly onAir: Transmission[] = [];
  private readonly group: MulticastGroup | undefined;
  private queue: SimEvent[] = [];
  private seq = 0;
  private readonly inbox: (() => Promise<void>)[] = [];

  constructor(o: RadioSimOptions) {
    this.o = o;
    this.now = o.startMs ?? 0;
    this.rand = mulberry32(o.seed ?? 1);
    this.ledger = new DutyCycleLedger(o.region);
    if (o.multicast !== undefined) this.group = new MulticastGroup(o.multicast.groupId, randomSessionKeys('fc00ac11'));
    o.meters.forEach((spec, k) => {
      const devAddr = (0x26000000 + k + 1).toString(16).padStart(8, '0');
      const keys = randomSessionKeys(devAddr);
      const session = new DeviceSession(spec.devEui, keys);
      if (this.group) session.joinMulticast(this.group.keys);
      const dr = dataRateForSpreadingFactor(o.region, spec.spreadingFactor).dr;
      this.meters.set(spec.devEui, {
        spec,
        session,
        dr,
        maxPayload: maxAppPayload(o.region, dr),
        msgId: 0,
        reassembler: new Reassembler(),
        retryToken: 0,
        busyUntil: 0,
        stats: { devEui: spec.devEui, spreadingFactor: spec.spreadingFactor, uplinkFrames: 0, uplinkAirtimeMs: 0, lostFrames: 0, collisions: 0, retries: 0, downlinkFrames: 0, gateways: 0 },
      });
      this.network.set(spec.devEui, new NetworkSession(spec.devEui, keys));
      this.byDevAddr.set(devAddr, spec.devEui);
    });
    for (const g of o.gateways) this.gatewayStats.set(g.gatewayId, { gatewayId: g.gatewayId, uplinksReceived: 0, downlinkFrames: 0, downlinkAirtimeMs: 0 });
    for (const m of this.meters.values()) {
      m.stats.gateways = o.gateways.filter((g) => meanRxPowerDbm(this.pathLoss, distanceM(m.spec.position, g.position)) >= SENSITIVITY_DBM[m.spec.spreadingFactor]).length;
    }
  }

  private get pathLoss(): PathLossModel {
    return this.o.pathLoss ?? DEFAULT_PATH_LOSS;
  }

  /** Subscribes to the relay's downlinks and boots the meters. */
  async start(): Promise<void> {
    const c = this.o.client;
    c.on('message', (topic, payload) => {
      this.published.downlinkRequestsReceived++;
      this.inbox.push(() => this.onDownlinkRequest(topic, payload));
    });
    await c.subscribeAsync([DOWNLINK_SUBSCRIPTION(this.o.applicationId), MULTICAST_SUBSCRIPTION], { qos: 1 });
    for (const m of this.meters.values()) {
      const boot = (await m.spec.app.boot?.()) ?? [];
      // a JOIN is smaller than a row, so a meter with a slot sends it in its row slot
      const slot = m.spec.uplinkSlot;
      for (const msg of boot) this.sendMessage(m, msg, slot !== undefined ? slot.offsetMs : this.rand() * (this.o.jitterMs ?? 10_000), slot && slotFrequencyHz(slot, 0));
    }
  }

  /** Downlink requests that arrived over MQTT, handled at the current simulated time. */
  async drainInbox(): Promise<number> {
    let n = 0;
    while (this.inbox.length > 0) {
      await this.inbox.shift()!();
      n++;
    }
    return n;
  }

  schedule(at: number, run: () => Promise<void>): void {
    const e = { at: Math.max(at, this.now), seq: this.seq++, run };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = this.queue[mid]!;
      if (q.at < e.at || (q.at === e.at && q.seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, e);
  }

  /** When the next event is due (ms), or undefined when none is queued. */
  get nextEventAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Runs the next event (advancing the clock to it) and lets the system under test settle. */
  async step(): Promise<boolean> {
    const e = this.queue.shift();
    if (e === undefined) return false;
    this.now = Math.max(this.now, e.at);
    await e.run();
    await this.o.settle();
    await this.drainInbox();
    return true;
  }

  /** Moves the clock forward with nothing happening (the relay's deadline). */
  advanceTo(t: number): void {
    if (t > this.now) this.now = t;
  }

  // -- uplinks ------------------------------------------------------------------------------------

  private sendMessage(m: MeterState, message: Uint8Array, delayMs: number, channelHz?: number): void {
    const frames = splitMessage(message, m.maxPayload, m.msgId++);
    m.lastSent = message;
    let notBefore = Math.max(this.now + delayMs, m.busyUntil);
    for (const payload of frames) {
      const toa = sendPlan(this.o.region, m.dr, payload.length, 'uplink');
      const channels = this.o.region.uplinkChannelsHz;
      const frequencyHz = channelHz ?? channels[Math.floor(this.rand() * channels.length)]!;
      const start = this.ledger.earliestStart(m.spec.devEui, frequencyHz, toa, notBefore);
      this.ledger.record(m.spec.devEui, frequencyHz, start, toa);
      const { phy } = m.session.uplink(payload, 1);
      m.stats.uplinkFrames++;
      m.stats.uplinkAirtimeMs += toa;
      const sf = (dataRate(this.o.region, m.dr).modulation as { spreadingFactor: number }).spreadingFactor;
      const tx: Transmission = { devEui: m.spec.devEui, start, end: start + toa, frequencyHz, sf, phy, dr: m.dr, reached: new Set() };
      this.schedule(tx.end, () => this.endOfUplink(tx));
      notBefore = tx.end;
      this.onAir.push(tx);
    }
    m.busyUntil = notBefore;
  }

  private async endOfUplink(tx: Transmission): Promise<void> {
    const m = this.meters.get(tx.devEui)!;
    const lostAnyway = this.rand() < (this.o.uplinkLoss ?? 0);
    const rx: { gatewayId: string; rssi: number; snr: number }[] = [];
    let collided = false;
    for (const g of this.o.gateways) {
      const p = meanRxPowerDbm(this.pathLoss, distanceM(m.spec.position, g.position)) + normal(this.rand) * this.pathLoss.shadowingDb;
      if (p < SENSITIVITY_DBM[tx.sf as SpreadingFactor]) continue;
      const clash = this.onAir.some(
        (o) => o !== tx && o.frequencyHz === tx.frequencyHz && o.sf === tx.sf && o.start < tx.end && tx.start < o.end && this.audible(o, g),
      );
      if (clash) {
        collided = true;
        continue;
      }
      rx.push({ gatewayId: g.gatewayId, rssi: Math.round(p), snr: Math.round((p + 120) * 10) / 10 });
    }
    // forget transmissions no longer overlapping anything that can still end
    const horizon = this.now - 60_000;
    while (this.onAir.length > 0 && this.onAir[0]!.end < horizon) this.onAir.shift();
    if (collided && rx.length === 0) m.stats.collisions++;
    if (lostAnyway || rx.length === 0) {
      m.stats.lostFrames++;
      return;
    }
    for (const r of rx) this.gatewayStats.get(r.gatewayId)!.uplinksReceived++;
    // network server: MIC and frame counter, then one deduplicated event
    const ns = this.network.get(tx.devEui)!;
    const opened = ns.uplink(tx.phy);
    const mod = dataRate(this.o.region, tx.dr).modulation;
    const event: UplinkEvent = {
      deduplicationId: randomUUID(),
      time: new Date(Math.round(this.now)).toISOString(),
      deviceInfo: {
        tenantId: this.o.tenantId ?? '52f14cd4-c6f1-4fbd-8f87-4025e1d49242',
        applicationId: this.o.applicationId,
        devEui: tx.devEui,
        deviceName: `meter-${tx.devEui.slice(-4)}`,
        deviceClassEnabled: 'CLASS_C',
        tags: {},
      },
      devAddr: opened.devAddr,
      adr: false,
      dr: tx.dr,
      fCnt: opened.fCnt,
      fPort: opened.fPort,
      confirmed: false,
      data: toBase64(opened.payload),
      rxInfo: rx.map((r, k) => ({ gatewayId: r.gatewayId, uplinkId: k + 1, rssi: r.rssi, snr: r.snr, channel: this.o.region.uplinkChannelsHz.indexOf(tx.frequencyHz), crcStatus: 'CRC_OK' })),
      txInfo: {
        frequency: tx.frequencyHz,
        modulation: mod.kind === 'lora' ? { lora: { bandwidth: mod.bandwidthHz, spreadingFactor: mod.spreadingFactor, codeRate: 'CR_4_5' } } : {},
      },
    };
    await this.o.client.publishAsync(uplinkTopic(this.o.applicationId, tx.devEui), JSON.stringify(event), { qos: 1 });
    this.published.uplinkEvents++;
  }

  /** whether transmission `o` arrives at gateway `g` above the sensitivity (mean power) */
  private audible(o: Transmission, g: SimGatewaySpec): boolean {
    const m = this.meters.get(o.devEui)!;
    return meanRxPowerDbm(this.pathLoss, distanceM(m.spec.position, g.position)) >= SENSITIVITY_DBM[o.sf as SpreadingFactor];
  }

  // -- downlinks ----------------------------------------------------------------------------------

  private async onDownlinkRequest(topic: string, payload: Buffer): Promise<void> {
    this.published.downlinkRequests++;
    const body = JSON.parse(String(payload)) as unknown;
    if (topic.startsWith('derchain/multicast-group/')) {
      const req = multicastEnqueueSchema.parse(body);
      if (this.group === undefined || req.multicastGroupId !== this.group.id) throw new Error(`unknown multicast group ${req.multicastGroupId}`);
      const data = fromBase64(req.data);
      const { phy } = this.group.downlink(data, req.fPort);
      const mc = this.o.multicast!;
      // every gateway of the group transmits the frame (ChirpStack sends a multicast via all its gateways)
      const targets = [...this.meters.values()];
      for (const g of this.o.gateways) this.transmitDownlink(g, mc.dr, mc.frequencyHz, data.length, phy, targets);
    } else {
      const req = downlinkCommandSchema.parse(body);
      const m = this.meters.get(req.devEui);
      if (m === undefined) throw new Error(`downlink for unknown device ${req.devEui}`);
      const ns = this.network.get(req.devEui)!;
      const data = fromBase64(req.data);
      const { phy } = ns.downlink(data, req.fPort);
      const best = this.bestGateway(m);
      if (best === undefined) return;
      const rx2 = this.o.region.rx2;
      this.transmitDownlink(best, this.o.multicast?.dr ?? rx2.dr, this.o.multicast?.frequencyHz ?? rx2.frequencyHz, data.length, phy, [m]);
    }
  }

  private bestGateway(m: MeterState): SimGatewaySpec | undefined {
    let best: SimGatewaySpec | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const g of this.o.gateways) {
      const d = distanceM(m.spec.position, g.position);
      if (d < bestD) {
        bestD = d;
        best = g;
      }
    }
    return best;
  }

  private transmitDownlink(g: SimGatewaySpec, dr: number, frequencyHz: number, appBytes: number, phy: Uint8Array, targets: MeterState[]): void {
    const toa = sendPlan(this.o.region, dr, appBytes, 'downlink');
    const notBefore = Math.max(this.now + (this.o.downlinkLatencyMs ?? 2_000), this.gatewayBusy.get(g.gatewayId) ?? 0);
    const start = this.ledger.earliestStart(g.gatewayId, frequencyHz, toa, notBefore);
    this.ledger.record(g.gatewayId, frequencyHz, start, toa);
    this.gatewayBusy.set(g.gatewayId, start + toa);
    const gs = this.gatewayStats.get(g.gatewayId)!;
    gs.downlinkFrames++;
    gs.downlinkAirtimeMs += toa;
    const sf = (dataRate(this.o.region, dr).modulation as { spreadingFactor: SpreadingFactor }).spreadingFactor;
    this.schedule(start + toa, async () => {
      for (const m of targets) {
        const p = meanRxPowerDbm(this.pathLoss, distanceM(m.spec.position, g.position)) + normal(this.rand) * this.pathLoss.shadowingDb;
        if (p < SENSITIVITY_DBM[sf] || this.rand() < (this.o.downlinkLoss ?? 0)) continue;
        await this.deliver(m, phy);
      }
    });
  }

  private async deliver(m: MeterState, phy: Uint8Array): Promise<void> {
    let opened: ReturnType<typeof m.session.downlink>;
    try {
      opened = m.session.downlink(phy);
    } catch {
      return; // the same multicast frame from a second gateway: counter already used
    }
    m.stats.downlinkFrames++;
    const whole = m.reassembler.accept('downlink', opened.payload, this.now);
    if (whole === undefined) return;
    const msg = decodeMessage(whole); // the meter refuses what does not decode
    let answers = await m.spec.app.onDownlink(whole);
    // a radio does not queue a second copy of a message it has not finished sending
    if (m.busyUntil > this.now) answers = answers.filter((a) => m.lastSent === undefined || !sameBytes(a, m.lastSent));
    if (answers.length === 0) return;
    // in its slot when it has one (the channel of the row's iteration); else at a random moment of
    // the jitter window on a random channel
    const slot = m.spec.uplinkSlot;
    const rowIteration = msg.type === 'clearing' ? msg.iteration + 1 : msg.type === 'missing' ? msg.iteration : 0;
    const delay = (this.o.computeMs ?? 1_000) + (slot !== undefined ? slot.offsetMs : this.rand() * (this.o.jitterMs ?? 10_000));
    for (const a of answers) this.sendMessage(m, a, delay, slot && slotFrequencyHz(slot, rowIteration));
    this.armRetry(m, answers.at(-1)!);
  }

  private armRetry(m: MeterState, message: Uint8Array, attempt = 1): void {
    const token = ++m.retryToken;
    if (attempt > (this.o.maxRetries ?? 5)) return;
    const wait = (this.o.retryMs ?? 30_000) * (0.75 + 0.5 * this.rand());
    this.schedule(Math.max(m.busyUntil, this.now) + wait, async () => {
      if (token !== m.retryToken) return;
      const again = m.spec.app.retryMessage();
      if (again === undefined || !sameBytes(again, message)) return;
      m.stats.retries++;
      this.sendMessage(m, again, 0);
      this.armRetry(m, message, attempt + 1);
    });
  }

  // -- figures ------------------------------------------------------------------------------------

  deviceStats(): DeviceRadioStats[] {
    return [...this.meters.values()].map((m) => ({ ...m.stats }));
  }

  gatewayStatsList(): GatewayRadioStats[] {
    return [...this.gatewayStats.values()].map((g) => ({ ...g }));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, k) => v === b[k]);
}
