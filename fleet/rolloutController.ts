// `derchain fleet rollout`: sends a signed, approved release to the fleet through its gateways in
// waves (fleet/wavePlan.ts). Each meter's job is an install on its supervisor; the result (updated,
// failed health check and switched back, refused) is recorded in the state file at once. The abort
// criteria (more than failurePercent of the executed meters failed, once minExecuted have executed)
// are checked after every result, and each wave is gated on its own failure percentage before the
// next starts; an abort stops dispatching and switches every updated meter back. pause/resume/abort
// arrive through the control file. A controller started again on the same state file resumes: a
// meter left "dispatched" is asked what it runs and, unless it already runs the release, sent again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DerchainInputError } from '../errors/inputError.js';
import { GatewayControl } from './gatewayControl.js';
import type { MeterInventoryEntry } from './gatewayService.js';
import type { JobResult } from './meterSupervisor.js';
import { AGENT_ARTIFACT_FILE } from './releaseManifest.js';
import { SIGNED_RELEASE_FILE, sha256Hex, type SignedRelease } from './releaseSigning.js';
import {
  countProgress,
  readControl,
  readRolloutState,
  ROLLOUT_STATE_FORMAT,
  writeRolloutState,
  type AbortCriteria,
  type RolloutMeter,
  type RolloutState,
} from './rolloutState.js';
import { planWaves, type WaveOptions } from './wavePlan.js';

export interface NewRolloutOptions {
  stateFile: string;
  releaseDir: string;
  gatewayUrls: string[];
  token: string;
  waveOptions: WaveOptions;
  abort: AbortCriteria;
  /** meter jobs in flight at once (default 4) */
  concurrency?: number;
  /** checked before anything is sent (LoRaWAN duty cycle, ...); throws DerchainInputError to refuse */
  preflight?: (meters: MeterInventoryEntry[], release: SignedRelease) => void;
}

export interface RolloutHooks {
  /** called after every state write (progress output, tests) */
  onChange?: (s: RolloutState) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** a wave's meters whose job got no answer are sent again, at most this many times in all */
const DISPATCH_ROUNDS = 3;

export function readRelease(dir: string): { release: SignedRelease; artifact: Uint8Array } {
  const release = JSON.parse(readFileSync(join(dir, SIGNED_RELEASE_FILE), 'utf8')) as SignedRelease;
  const artifact = new Uint8Array(readFileSync(join(dir, AGENT_ARTIFACT_FILE)));
  if (sha256Hex(artifact) !== release.signed?.manifest?.artifact?.sha256) throw new DerchainInputError(`${AGENT_ARTIFACT_FILE} does not hash to the signed manifest's sha256`, { file: join(dir, AGENT_ARTIFACT_FILE) });
  return { release, artifact };
}

export class RolloutController {
  private readonly gateways: Map<string, GatewayControl>;

  private constructor(
    readonly stateFile: string,
    private state: RolloutState,
    token: string,
    private readonly hooks: RolloutHooks = {},
  ) {
    this.gateways = new Map(state.gateways.map((g) => [g.id, new GatewayControl(g.url, token)]));
  }

  get current(): Readonly<RolloutState> {
    return this.state;
  }

  /** Plans a new rollout from the gateways' inventories, publishes the release, writes the state file. */
  static async create(o: NewRolloutOptions, hooks: RolloutHooks = {}): Promise<RolloutController> {
    if (readRolloutState(o.stateFile)) throw new DerchainInputError('a rollout state file exists already; resume it or choose another --state', { file: o.stateFile });
    const { release, artifact } = readRelease(o.releaseDir);
    const controls = o.gatewayUrls.map((u) => new GatewayControl(u, o.token));
    const inventories = await Promise.all(controls.map((c) => c.meters()));
    const all = inventories.flat();
    o.preflight?.(all, release);
    const m = release.signed.manifest;
    const gateways = inventories.map((inv, i) => ({ id: inv[0]?.gateway ?? `gateway-${i}`, url: o.gatewayUrls[i]! }));
    const waves = planWaves(all, o.waveOptions);
    const meters: Record<string, RolloutMeter> = {};
    for (const w of waves)
      for (const id of w.meters) {
        const e = all.find((x) => x.id === id)!;
        meters[id] = { gateway: e.gateway, transport: e.transport, wave: w.index, progress: e.activeHash === m.artifact.sha256 ? 'updated' : 'pending', fromVersion: e.activeVersion, attempts: 0 };
      }
    const state: RolloutState = {
      format: ROLLOUT_STATE_FORMAT,
      release: { hash: m.artifact.sha256, version: m.version, dir: o.releaseDir },
      createdAt: new Date().toISOString(),
      gateways,
      waveOptions: o.waveOptions,
      abort: o.abort,
      concurrency: o.concurrency ?? 4,
      status: 'running',
      waves: waves.map((w) => ({ ...w, status: 'pending' })),
      meters,
      events: [{ at: new Date().toISOString(), text: `planned ${waves.length} waves for ${all.length} meters on ${gateways.length} gateways` }],
    };
    // publish before the state file exists: a crash here leaves nothing to resume
    for (const c of controls) await c.publish(release, artifact);
    writeRolloutState(o.stateFile, state);
    return new RolloutController(o.stateFile, state, o.token, hooks);
  }

  static resume(stateFile: string, token: string, hooks: RolloutHooks = {}): RolloutController {
    const state = readRolloutState(stateFile);
    if (!state) throw new DerchainInputError('no rollout state file', { file: stateFile });
    return new RolloutController(stateFile, state, token, hooks);
  }

  private persist(): void {
    writeRolloutState(this.stateFile, this.state);
    this.hooks.onChange?.(this.state);
  }

  private event(text: string): void {
    this.state.events.push({ at: new Date().toISOString(), text });
  }

  /** Applies a pause/resume/abort written since the last one applied. */
  private applyControl(): void {
    const c = readControl(this.stateFile);
    if (!c || (this.state.controlApplied !== undefined && c.at <= this.state.controlApplied)) return;
    this.state.controlApplied = c.at;
    if (c.command === 'pause' && this.state.status === 'running') {
      this.state.status = 'paused';
      this.event('paused by operator');
    } else if (c.command === 'resume' && this.state.status === 'paused') {
      this.state.status = 'running';
      this.event('resumed by operator');
    } else if (c.command === 'abort' && (this.state.status === 'running' || this.state.status === 'paused')) {
      this.state.status = 'aborting';
      this.state.abortReason = c.reason ?? 'aborted by operator';
      this.event(`abort requested: ${this.state.abortReason}`);
    }
    this.persist();
  }

  private failureCheck(): string | undefined {
    const c = countProgress(Object.values(this.state.meters));
    const failed = c.failed + c.refused;
    const done = c.executed;
    const { failurePercent, minExecuted } = this.state.abort;
    if (done >= minExecuted && done > 0 && (100 * failed) / done > failurePercent) {
      return `${failed} of ${done} executed meters failed (${((100 * failed) / done).toFixed(1)} % > ${failurePercent} %)`;
    }
    return undefined;
  }

  private record(id: string, r: JobResult): void {
    const m = this.state.meters[id]!;
    m.attempts++;
    m.at = new Date().toISOString();
    if (r.outcome === 'installed' || r.outcome === 'already-active') m.progress = 'updated';
    else if (r.outcome === 'rolled-back') m.progress = 'failed';
    else m.progress = 'refused';
    if (r.reason) m.detail = `${r.reason}${r.detail ? `: ${r.detail}` : ''}`.slice(0, 300);
  }

  /** Meters left "dispatched" by a previous controller: ask their gateway what they run now. */
  private async reconcile(): Promise<void> {
    const open = Object.entries(this.state.meters).filter(([, m]) => m.progress === 'dispatched');
    if (open.length === 0) return;
    const inventory = new Map<string, MeterInventoryEntry>();
    for (const g of this.gateways.values()) for (const e of await g.meters()) inventory.set(e.id, e);
    for (const [id, m] of open) {
      if (inventory.get(id)?.activeHash === this.state.release.hash) {
        m.progress = 'updated';
        m.at = new Date().toISOString();
      } else m.progress = 'pending';
    }
    this.event(`reconciled: ${open.length} meters were in flight, ${open.filter(([, m]) => m.progress === 'updated').length} of them already run the release`);
    this.persist();
  }

  /** Sends the install job to `todo` (one wave's pending meters) at the wave's rate. */
  private async dispatch(wave: RolloutState['waves'][number], todo: string[]): Promise<void> {
    const s = this.state;
    const spacing = 60_000 / wave.ratePerMinute;
    let nextStart = Date.now();
    let cursor = 0;
    const worker = async (): Promise<void> => {
      while (cursor < todo.length) {
        this.applyControl();
        if (s.status !== 'running') return;
        const id = todo[cursor++]!;
        const wait = nextStart - Date.now();
        nextStart = Math.max(nextStart, Date.now()) + spacing;
        if (wait > 0) await sleep(wait);
        this.applyControl();
        if (s.status !== 'running') return; // not dispatched: stays pending
        const m = s.meters[id]!;
        m.progress = 'dispatched';
        this.persist();
        let r: JobResult;
        try {
          r = await this.gateways.get(m.gateway)!.job(id, { action: 'install', hash: s.release.hash });
        } catch (err) {
          // no answer: leave it dispatched; reconcile asks the meter, then it is sent again
          this.event(`meter ${id}: ${(err as Error).message.slice(0, 200)}`);
          this.persist();
          continue;
        }
        this.record(id, r);
        const why = this.failureCheck();
        if (why && s.status === 'running') {
          s.status = 'aborting';
          s.abortReason = `abort criteria met in wave ${wave.index} (${wave.name}): ${why}`;
          this.event(s.abortReason);
        }
        this.persist();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, s.concurrency) }, worker));
  }

  /** Runs (or continues) the rollout until it completes, is paused or is aborted. */
  async run(): Promise<RolloutState> {
    const s = this.state;
    if (s.status === 'completed' || s.status === 'aborted') return s;
    await this.reconcile();
    this.applyControl();
    if (s.status === 'running' && s.events.some((e) => e.text.startsWith('wave'))) this.event('controller restarted: resuming from the state file');
    for (const wave of s.waves) {
      if (s.status !== 'running') break;
      if (wave.status === 'done') continue;
      if (wave.status !== 'running') {
        wave.status = 'running';
        wave.startedAt = new Date().toISOString();
        this.event(`wave ${wave.index} (${wave.name}) started: ${wave.meters.length} meters at ${wave.ratePerMinute}/min`);
        this.persist();
      }
      for (let round = 0; round < DISPATCH_ROUNDS && s.status === 'running'; round++) {
        const todo = wave.meters.filter((id) => s.meters[id]!.progress === 'pending');
        if (todo.length === 0) break;
        if (round > 0) await sleep(1000 * round);
        await this.dispatch(wave, todo);
        // jobs whose answer was lost: ask what those meters run; the others are sent again
        await this.reconcile();
      }
      if (s.status === 'running') {
        for (const id of wave.meters) {
          const m = s.meters[id]!;
          if (m.progress !== 'pending' && m.progress !== 'dispatched') continue;
          m.progress = 'refused';
          m.detail = `unreachable: no answer in ${DISPATCH_ROUNDS} rounds`;
        }
      }
      if (s.status !== 'running') {
        if (s.status === 'aborting') wave.status = 'halted';
        break;
      }
      // the wave's own health gate
      const inWave = wave.meters.map((id) => s.meters[id]!);
      const c = countProgress(inWave);
      const failedPct = c.executed === 0 ? 0 : (100 * (c.failed + c.refused)) / c.executed;
      wave.finishedAt = new Date().toISOString();
      if (failedPct > s.abort.failurePercent) {
        wave.status = 'halted';
        s.status = 'aborting';
        s.abortReason = `wave ${wave.index} (${wave.name}) failed its health gate: ${(c.failed + c.refused)} of ${c.executed} meters failed`;
        this.event(s.abortReason);
        this.persist();
        break;
      }
      wave.status = 'done';
      this.event(`wave ${wave.index} (${wave.name}) done: ${c.updated} updated, ${c.failed} failed, ${c.refused} refused`);
      this.persist();
    }
    if (s.status === 'aborting') await this.rollBack();
    else if (s.status === 'running' && s.waves.every((w) => w.status === 'done')) {
      s.status = 'completed';
      this.event(`completed: ${countProgress(Object.values(s.meters)).updated} meters run ${s.release.version}`);
      this.persist();
    }
    return s;
  }

  /** Switches every meter that took the release back to its previous slot. */
  private async rollBack(): Promise<void> {
    const s = this.state;
    for (const [id, m] of Object.entries(s.meters)) {
      if (m.progress !== 'updated' && m.progress !== 'dispatched') continue;
      if (m.fromVersion === null) continue; // nothing to go back to
      let r: JobResult;
      try {
        r = await this.gateways.get(m.gateway)!.job(id, { action: 'revert', hash: s.release.hash, reason: `rollout of ${s.release.version} aborted` });
      } catch (err) {
        this.event(`meter ${id}: switch back not confirmed: ${(err as Error).message.slice(0, 200)}`);
        this.persist();
        continue;
      }
      if (r.outcome === 'reverted') m.progress = 'reverted';
      else if (m.progress === 'dispatched') m.progress = r.activeHash === s.release.hash ? 'updated' : 'failed';
      m.at = new Date().toISOString();
      this.persist();
    }
    s.status = 'aborted';
    const c = countProgress(Object.values(s.meters));
    this.event(`aborted: ${c.reverted} meters switched back, ${c.updated} still on ${s.release.version}`);
    this.persist();
  }
}
