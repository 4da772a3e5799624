// The gateway relay's core, independent of how frames arrive (ChirpStack MQTT in
// gateway/chirpstackMqtt.ts, CoAP in gateway/coapEndpoint.ts): it reassembles fragments, checks
// joins (signed key proof) and rows (EIP-712 signature of the listed participant, the device bound
// to that participant, the open iteration), hands the rows to the coordinator in batches (paying
// the gas), closes an iteration at its deadline, and broadcasts each clearing once (multicast, or
// per device) with the bitmap of whose rows were counted. Everything a restart needs is in the
// RelayStore before an uplink is acknowledged, so no row is lost or relayed twice.
import { getAddress, isAddressEqual, type Address, type Hex } from 'viem';
import type { Logger } from 'pino';
import { encodeRow, recoverPoolRowSigner } from '../contracts/poolRow.js';
import type { PoolClearing } from '../admm/poolStep.js';
import { decodeMessage, encodeClearingMessage, encodeMissingMessage, FrameError, HEALTH, type ClearingMessage, type RowMessage } from '../radio/frames.js';
import { Reassembler } from '../radio/fragments.js';
import { verifyJoin } from '../radio/joinProof.js';
import type { PoolChainPort, PoolRoundInfo, RelayedRow } from './poolChainPort.js';
import { RelayMetrics } from './metrics.js';
import { RelayStore } from './relayStore.js';

/** Where clearings go: one message to every meter (multicast) or the same bytes per device. */
export interface DownlinkPort {
  /** one message for every meter (multicast, or each device); `tag` is the fragments' message id */
  broadcast(message: Uint8Array, tag: number): Promise<void>;
  /** the same message to one device (catch-up of a meter that missed clearings) */
  sendTo(devEui: string, message: Uint8Array, tag: number): Promise<void>;
}

export interface RelayOptions {
  chain: PoolChainPort;
  downlink: DownlinkPort;
  log: Logger;
  /** state file (restart safety); undefined: in memory only */
  statePath?: string;
  /** ms clock (the simulator passes its simulated time) */
  clock?: () => number;
  /** rows per submitBatch (default 10) */
  batchSize?: number;
  /** close an iteration this long after its clearing was broadcast (default 120 s) */
  deadlineMs?: number;
  /**
   * broadcast a MISSING message (radio/frames.ts: whose rows have not arrived) this long after the
   * clearing, and again every as long while rows are missing; undefined: never (meters then retry
   * on their own timers)
   */
  missingAfterMs?: number;
  /** refuse rows from devices without a verified join (default false: the signature decides) */
  requireJoin?: boolean;
  metrics?: RelayMetrics;
}

export interface RelayStats {
  uplinks: number;
  rowsAccepted: number;
  rowsRejected: number;
  duplicates: number;
  stale: number;
  badFrames: number;
  batches: number;
  clearingsSent: number;
  deadlineCloses: number;
  catchUps: number;
  /** MISSING messages broadcast */
  missingSent: number;
}

export class GatewayRelay {
  readonly o: RelayOptions;
  readonly metrics: RelayMetrics;
  readonly store: RelayStore;
  readonly stats: RelayStats = { uplinks: 0, rowsAccepted: 0, rowsRejected: 0, duplicates: 0, stale: 0, badFrames: 0, batches: 0, clearingsSent: 0, deadlineCloses: 0, catchUps: 0, missingSent: 0 };
  private readonly reassembler = new Reassembler();
  private info: PoolRoundInfo | undefined;
  private round: bigint | undefined;
  private openedAt = 0;
  /** MISSING messages sent for the open iteration */
  private missingRounds = 0;
  private queue: Promise<void> = Promise.resolve();
  private lastClearing: Uint8Array | undefined;
  private ended = false;

  constructor(o: RelayOptions) {
    this.o = o;
    this.metrics = o.metrics ?? new RelayMetrics();
    this.store = new RelayStore(o.statePath);
  }

  private now(): number {
    return this.o.clock ? this.o.clock() : Date.now();
  }

  /** Runs `f` after everything queued before it (uplinks are handled one at a time). */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(f);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves once every uplink handed in so far has been handled. */
  whenIdle(): Promise<void> {
    return this.serial(async () => undefined);
  }

  get roundEnded(): boolean {
    return this.ended;
  }

  /** The index of `address` in the round's participant list, or undefined (not a participant, no round taken up). */
  participantIndexOf(address: Address): number | undefined {
    const k = this.info?.participants.findIndex((p) => isAddressEqual(p, address)) ?? -1;
    return k >= 0 ? k : undefined;
  }

  /** The latest clearing message (CoAP piggybacks it). */
  get latestClearing(): Uint8Array | undefined {
    return this.lastClearing;
  }

  get openIteration(): number {
    return this.store.state.openIteration;
  }

  /** When the open iteration's deadline falls (clock ms), or undefined when the round is over. */
  get deadline(): number | undefined {
    return this.ended ? undefined : this.openedAt + (this.o.deadlineMs ?? 120_000);
  }

  /** When the next MISSING broadcast is due (clock ms), or undefined when none will be. */
  get missingDue(): number | undefined {
    const every = this.o.missingAfterMs;
    if (this.ended || every === undefined || this.info === undefined) return undefined;
    const due = this.openedAt + every * (this.missingRounds + 1);
    const d = this.deadline!;
    return due < d ? due : undefined;
  }

  /** The next moment `tick` has work (a MISSING broadcast or the deadline), clock ms. */
  get nextWakeup(): number | undefined {
    const m = this.missingDue;
    const d = this.deadline;
    return m !== undefined && d !== undefined ? Math.min(m, d) : d;
  }

  /**
   * Takes up the chain's current round (or `round`), reconciles the stored state with the chain
   * (rows whose batch outcome was unknown, clearings closed while the relay was down) and
   * broadcasts the clearings the meters have not had.
   */
  start(round?: bigint): Promise<void> {
    return this.serial(async () => {
      const r = round ?? (await this.o.chain.currentRound());
      this.round = r;
      this.info = await this.o.chain.roundInfo(r);
      const st = this.store.state;
      if (st.round !== r.toString()) {
        const bindings = st.bindings;
        const joins = st.joins;
        Object.assign(st, { round: r.toString(), lastRows: {}, openIteration: 1, pending: {}, accepted: [], broadcast: -1, acceptedByIteration: {} });
        st.bindings = bindings;
        st.joins = joins;
        this.store.save();
      }
      this.openedAt = this.now();
      await this.reconcile();
      this.o.log.info({ round: r.toString(), participants: this.info.config.n, openIteration: st.openIteration, pending: Object.keys(st.pending).length }, 'relay started');
    });
  }

  /** One uplink payload from device `devEui` (hex, lower case). */
  onUplink(devEui: string, payload: Uint8Array): Promise<void> {
    return this.serial(() => this.handle(devEui.toLowerCase(), payload));
  }

  /**
   * The timers: broadcasts whose rows are missing when that is due (`missingAfterMs`), and the
   * deadline path, which closes the open iteration once its deadline has passed.
   */
  tick(): Promise<void> {
    return this.serial(async () => {
      const m = this.missingDue;
      if (m !== undefined && this.now() >= m && this.round !== undefined) await this.sendMissing();
      const d = this.deadline;
      if (d === undefined || this.now() < d || this.round === undefined) return;
      await this.flush(true);
      const it = this.store.state.openIteration;
      await this.o.chain.closeAtDeadline(this.round, it);
      this.stats.deadlineCloses++;
      this.metrics.deadlineCloses.inc();
      this.o.log.warn({ iteration: it, missing: this.info!.config.n - this.store.state.accepted.length }, 'iteration closed at the deadline');
      await this.reconcile();
    });
  }

  private async handle(devEui: string, payload: Uint8Array): Promise<void> {
    this.stats.uplinks++;
    let bytes: Uint8Array | undefined;
    let msg: ReturnType<typeof decodeMessage>;
    try {
      bytes = this.reassembler.accept(devEui, payload, this.now());
      if (bytes === undefined) {
        this.metrics.uplinks.inc({ type: 'fragment' });
        return;
      }
      msg = decodeMessage(bytes);
    } catch (e) {
      this.stats.badFrames++;
      this.metrics.badFrames.inc();
      this.o.log.warn({ devEui, reason: e instanceof FrameError ? e.message : String(e) }, 'undecodable frame');
      return;
    }
    this.metrics.uplinks.inc({ type: msg.type });
    if (msg.type === 'join') {
      const check = await verifyJoin(msg, { fromDevEui: `0x${devEui}`, nowSec: Math.floor(this.now() / 1000) });
      const seen = this.store.state.joins[devEui];
      const listed = this.info?.participants.some((a) => isAddressEqual(a, msg.address)) ?? false;
      const ok = check.ok && (seen === undefined || msg.timestamp > seen) && listed;
      this.metrics.joins.inc({ outcome: ok ? 'accepted' : 'rejected' });
      if (!ok) {
        this.o.log.warn({ devEui, address: msg.address, reason: check.ok ? (listed ? 'replayed proof' : 'not a participant of the round') : check.reason }, 'join rejected');
        return;
      }
      this.store.state.bindings[devEui] = getAddress(msg.address);
      this.store.state.joins[devEui] = msg.timestamp;
      this.store.save();
      this.o.log.info({ devEui, address: msg.address }, 'device joined');
      return;
    }
    if (msg.type === 'heartbeat') {
      this.metrics.heartbeats.set({ dev_eui: devEui }, msg.health);
      this.o.log.info({ devEui, version: msg.agentVersion.join('.'), health: msg.health, lastRound: msg.lastRound.toString(), lastIteration: msg.lastIteration }, 'heartbeat');
      if (msg.health === HEALTH.behind && msg.lastRound === this.round) await this.catchUp(devEui, msg.lastIteration);
      return;
    }
    if (msg.type === 'row') {
      await this.takeRow(devEui, msg);
      return;
    }
    this.stats.badFrames++;
    this.metrics.badFrames.inc();
    this.o.log.warn({ devEui, type: msg.type }, 'unexpected uplink message type');
  }

  private reject(devEui: string, participant: number, reason: string): void {
    this.stats.rowsRejected++;
    this.metrics.rowsRejected.inc({ reason });
    this.o.log.warn({ devEui, participant, reason }, 'row rejected');
  }

  private async takeRow(devEui: string, m: RowMessage): Promise<void> {
    const st = this.store.state;
    if (this.round === undefined || this.info === undefined) return this.reject(devEui, m.participant, 'relay not started');
    if (m.round !== this.round) return this.reject(devEui, m.participant, `round ${m.round} is not the current round`);
    const address = this.info.participants[m.participant];
    if (address === undefined) return this.reject(devEui, m.participant, 'no such participant');
    const bound = st.bindings[devEui];
    if (bound !== undefined && !isAddressEqual(bound, address)) return this.reject(devEui, m.participant, 'device speaks for another prosumer');
    if (bound === undefined && this.o.requireJoin) return this.reject(devEui, m.participant, 'device has not joined');
    if (m.iteration < st.openIteration || this.ended) {
      this.stats.stale++;
      this.metrics.stale.inc();
      return;
    }
    if (m.iteration > st.openIteration) return this.reject(devEui, m.participant, `iteration ${m.iteration} is not open (${st.openIteration} is)`);
    const key = String(m.participant);
    const row = encodeRow(m.row);
    const slice: Hex = '0x';
    if (st.pending[key] !== undefined || st.accepted.includes(m.participant)) {
      this.stats.duplicates++;
      this.metrics.duplicates.inc();
      return;
    }
    if (m.slice.length !== 0) return this.reject(devEui, m.participant, 'the round takes no slice');
    let signer: Address;
    try {
      signer = await recoverPoolRowSigner(this.o.chain.domain, { round: m.round, iteration: m.iteration, participant: address, row, slice }, m.signature);
    } catch {
      return this.reject(devEui, m.participant, 'signature');
    }
    if (!isAddressEqual(signer, address)) return this.reject(devEui, m.participant, 'signature');
    st.pending[key] = { devEui, row, signature: m.signature, inflight: false };
    this.store.save();
    this.metrics.pending.set(Object.keys(st.pending).length);
    const waiting = Object.values(st.pending).filter((p) => !p.inflight).length;
    if (waiting >= (this.o.batchSize ?? 10) || waiting + st.accepted.length >= this.info.config.n) await this.flush(false);
  }

  /** Hands the pending rows to the chain in batches; then broadcasts any clearing that closed. */
  private async flush(all: boolean): Promise<void> {
    const st = this.store.state;
    const it = st.openIteration;
    const size = this.o.batchSize ?? 10;
    for (;;) {
      const keys = Object.keys(st.pending).filter((k) => !st.pending[k]!.inflight);
      if (keys.length === 0 || (!all && keys.length < size && keys.length + st.accepted.length < this.info!.config.n)) break;
      const take = keys.slice(0, size);
      const rows: RelayedRow[] = take.map((k) => {
        const p = st.pending[k]!;
        p.inflight = true;
        return { participant: this.info!.participants[Number(k)]!, row: p.row, slice: '0x', prevRow: st.lastRows[k] ?? '0x', signature: p.signature };
      });
      this.store.save(); // inflight recorded before the chain sees the batch
      const out = await this.o.chain.submitBatch(this.round!, it, rows);
      this.stats.batches++;
      this.metrics.batches.inc();
      this.metrics.gas.inc(Number(out.gasUsed));
      for (const i of out.accepted) {
        st.lastRows[String(i)] = st.pending[String(i)]!.row;
        if (!st.accepted.includes(i)) st.accepted.push(i);
      }
      for (const r of out.rejected) {
        const i = this.info!.participants.findIndex((a) => isAddressEqual(a, r.participant));
        this.reject(st.pending[String(i)]?.devEui ?? '?', i, `coordinator: ${r.reason}`);
      }
      for (const k of take) delete st.pending[k];
      this.stats.rowsAccepted += out.accepted.length;
      this.metrics.rowsAccepted.inc(out.accepted.length);
      this.store.save();
      this.metrics.pending.set(Object.keys(st.pending).length);
      const prog = await this.o.chain.progress(this.round!);
      if (prog.iteration >= it) break;
    }
    await this.reconcile();
  }

  /** Brings the stored state up to the chain's progress and broadcasts every clearing not yet sent. */
  private async reconcile(): Promise<void> {
    const st = this.store.state;
    const round = this.round!;
    // rows handed to the chain whose outcome was lost in a crash: the chain knows
    for (const [k, p] of Object.entries(st.pending)) {
      if (!p.inflight) continue;
      const counted = await this.o.chain.lastCounted(round, Number(k));
      if (counted >= st.openIteration) {
        st.lastRows[k] = p.row;
        if (!st.accepted.includes(Number(k))) st.accepted.push(Number(k));
        delete st.pending[k];
      } else {
        p.inflight = false;
      }
    }
    const prog = await this.o.chain.progress(round);
    while (st.broadcast < prog.iteration) {
      const k = st.broadcast + 1;
      const c = await this.o.chain.clearing(round, k);
      let accepted: number[] | undefined;
      if (k > 0) {
        if (k === st.openIteration) {
          accepted = [...st.accepted];
        } else {
          accepted = [];
          for (let i = 0; i < this.info!.config.n; i++) if ((await this.o.chain.lastCounted(round, i)) === k) accepted.push(i);
        }
        st.acceptedByIteration[String(k)] = accepted;
      }
      const final = k === prog.iteration && prog.status !== 'running';
      const msg = this.clearingMessage(c, k, final, accepted);
      st.broadcast = k;
      if (k >= st.openIteration) {
        st.openIteration = k + 1;
        st.accepted = [];
        // rows that arrived for an iteration now closed are stale
        for (const key of Object.keys(st.pending)) delete st.pending[key];
      }
      this.store.save();
      this.lastClearing = msg;
      this.openedAt = this.now();
      this.missingRounds = 0;
      await this.o.downlink.broadcast(msg, k);
      this.stats.clearingsSent++;
      this.metrics.clearings.inc();
      this.metrics.iteration.set(st.openIteration);
      this.o.log.info({ iteration: k, final, accepted: accepted?.length, bytes: msg.length }, 'clearing broadcast');
      if (final) this.ended = true;
    }
    if (prog.status !== 'running') this.ended = true;
  }

  /** Broadcasts whose rows the open iteration still waits for (rows pending on chain count as arrived). */
  private async sendMissing(): Promise<void> {
    this.missingRounds++;
    const st = this.store.state;
    const n = this.info!.config.n;
    const arrived = new Set([...st.accepted, ...Object.keys(st.pending).map(Number)]);
    if (arrived.size >= n) return;
    const missing = Array.from({ length: n }, (_, i) => !arrived.has(i));
    const msg = encodeMissingMessage({ round: this.round!, iteration: st.openIteration, missing });
    // fragments (beyond ~300 participants at DR0-2) take message ids apart from the clearings'
    await this.o.downlink.broadcast(msg, (st.openIteration + 128) & 0xff);
    this.stats.missingSent++;
    this.metrics.missingSent.inc();
    this.o.log.info({ iteration: st.openIteration, missing: n - arrived.size, bytes: msg.length }, 'missing rows broadcast');
  }

  /** The clearing message of iteration k as broadcast (CoAP catch-up), or undefined when not closed. */
  clearingMessageFor(k: number): Promise<Uint8Array | undefined> {
    return this.serial(async () => {
      const st = this.store.state;
      if (!Number.isInteger(k) || k < 0 || k > st.broadcast || this.round === undefined) return undefined;
      const prog = await this.o.chain.progress(this.round);
      const c = await this.o.chain.clearing(this.round, k);
      return this.clearingMessage(c, k, k === prog.iteration && prog.status !== 'running', k > 0 ? (st.acceptedByIteration[String(k)] ?? []) : undefined);
    });
  }

  /** Sends a meter that missed clearings every clearing after `lastIteration`, in order, per device. */
  private async catchUp(devEui: string, lastIteration: number): Promise<void> {
    const st = this.store.state;
    const from = lastIteration + 1;
    if (from > st.broadcast || st.bindings[devEui] === undefined) return;
    const prog = await this.o.chain.progress(this.round!);
    for (let k = from; k <= st.broadcast; k++) {
      const c = await this.o.chain.clearing(this.round!, k);
      const accepted = k > 0 ? (st.acceptedByIteration[String(k)] ?? []) : undefined;
      const final = k === prog.iteration && prog.status !== 'running';
      await this.o.downlink.sendTo(devEui, this.clearingMessage(c, k, final, accepted), k);
    }
    this.stats.catchUps++;
    this.o.log.info({ devEui, from, to: st.broadcast }, 'clearings resent to a meter that missed them');
  }

  private clearingMessage(c: PoolClearing, k: number, final: boolean, accepted: number[] | undefined): Uint8Array {
    const cfg = this.info!.config;
    const m: Omit<ClearingMessage, 'type'> = {
      round: this.round!,
      iteration: k,
      final,
      prices: Array.from(c.prices),
      sbar: Array.from(c.sbar),
      aux: k === 0 ? [BigInt(cfg.n), cfg.rho, cfg.resolution, cfg.alphaPpm] : [],
    };
    if (accepted !== undefined) {
      const set = new Set(accepted);
      m.accepted = Array.from({ length: cfg.n }, (_, i) => set.has(i));
    }
    return encodeClearingMessage(m);
  }
}
