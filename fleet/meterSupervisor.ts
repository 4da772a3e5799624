// The agent's supervisor on a meter: two slots, A and B. A release is installed into the inactive
// slot only when (1) its manifest carries a valid, unexpired signature of a trusted release-manager
// key, (2) the downloaded bytes have the manifest's size and sha256, (3) the consortium has approved
// that hash on chain and not revoked it (asked through the meter's gateway), (4) its version is not
// lower than the highest this meter has run (rollback protection), and (5) the runtime fits. Then
// the supervisor switches to the new slot and runs the health check (fleet/agentRunner.ts); on a
// failure or a crash loop it switches back and reports. A revocation of the running hash, or the
// rollout controller's abort, switches back to the other slot (if that one may still run).
// State (slots, active slot, highest version, history) is in DIR/supervisor.json, written atomically.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentRunner, HealthLimits, HealthResult } from './agentRunner.js';
import { DEFAULT_HEALTH_LIMITS } from './agentRunner.js';
import { writeFileAtomic } from './atomicFile.js';
import type { GatewayLink } from './gatewayLink.js';
import { mayRun } from './releaseApproval.js';
import { runtimeSatisfies } from './releaseManifest.js';
import { ReleaseRejectedError, SIGNED_RELEASE_FILE, sha256Hex, verifySignedRelease } from './releaseSigning.js';
import { compareVersions } from './releaseVersion.js';

export type SlotName = 'A' | 'B';

export interface SlotContent {
  hash: string;
  version: string;
  expires: string;
}

export interface SupervisorState {
  active: SlotName | null;
  slots: Record<SlotName, SlotContent | null>;
  /** highest version this meter has run healthily (rollback protection) */
  highestVersion: string | null;
  installs: number;
  rollbacks: number;
  history: { at: string; event: string; hash?: string; version?: string; detail?: string }[];
}

export type JobOutcome = 'installed' | 'already-active' | 'refused' | 'rolled-back' | 'reverted' | 'nothing-to-revert';

export interface JobResult {
  meter: string;
  outcome: JobOutcome;
  /** the version and hash running after the job */
  activeVersion: string | null;
  activeHash: string | null;
  reason?: string;
  detail?: string;
  health?: HealthResult;
  /** bytes downloaded from the gateway */
  downloadedBytes?: number;
}

export interface MeterSupervisorOptions {
  meterId: string;
  dir: string;
  trustedKeys: readonly Uint8Array[];
  gateway: GatewayLink;
  runner: AgentRunner;
  limits?: Partial<HealthLimits>;
  /** the meter's own agent data file, solved in the health check */
  dataFile?: string;
  now?: () => Date;
}

const other = (s: SlotName): SlotName => (s === 'A' ? 'B' : 'A');
const HISTORY_CAP = 50;

export class MeterSupervisor {
  readonly id: string;
  private state: SupervisorState;
  private readonly stateFile: string;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(readonly o: MeterSupervisorOptions) {
    this.id = o.meterId;
    mkdirSync(o.dir, { recursive: true });
    this.stateFile = join(o.dir, 'supervisor.json');
    this.state = existsSync(this.stateFile)
      ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as SupervisorState)
      : { active: null, slots: { A: null, B: null }, highestVersion: null, installs: 0, rollbacks: 0, history: [] };
  }

  get status(): Readonly<SupervisorState> {
    return this.state;
  }

  get active(): SlotContent | null {
    return this.state.active ? this.state.slots[this.state.active] : null;
  }

  slotDir(slot: SlotName): string {
    return join(this.o.dir, `slot-${slot}`);
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  private persist(): void {
    writeFileAtomic(this.stateFile, `${JSON.stringify(this.state, null, 1)}\n`);
  }

  private record(event: string, extra: { hash?: string; version?: string; detail?: string } = {}): void {
    this.state.history.push({ at: this.now().toISOString(), event, ...extra });
    if (this.state.history.length > HISTORY_CAP) this.state.history.splice(0, this.state.history.length - HISTORY_CAP);
  }

  private result(outcome: JobOutcome, extra: Partial<JobResult> = {}): JobResult {
    const a = this.active;
    return { meter: this.id, outcome, activeVersion: a?.version ?? null, activeHash: a?.hash ?? null, ...extra };
  }

  private async report(event: string, extra: { hash?: string; version?: string; detail?: string } = {}): Promise<void> {
    try {
      await this.o.gateway.report({ meter: this.id, at: this.now().toISOString(), event, ...extra });
    } catch {
      /* a report that does not reach the gateway is repeated by the next heartbeat's status */
    }
  }

  /** One job at a time per meter. */
  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.busy.then(run, run);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private limits(): HealthLimits {
    return { ...DEFAULT_HEALTH_LIMITS, ...this.o.limits };
  }

  private healthCheck(slot: SlotName, content: SlotContent): Promise<HealthResult> {
    return this.o.runner.healthCheck({
      artifactFile: join(this.slotDir(slot), 'agent.mjs'),
      sha256: content.hash,
      expectedVersion: content.version,
      limits: this.limits(),
      ...(this.o.dataFile ? { dataFile: this.o.dataFile } : {}),
    });
  }

  /** Installs the release with this artifact hash from the gateway (see the module header). */
  install(hash: string): Promise<JobResult> {
    return this.serial(async () => {
      if (this.active?.hash === hash) return this.result('already-active');
      let verified: ReturnType<typeof verifySignedRelease>;
      let bytes: Uint8Array;
      let signed: unknown;
      try {
        signed = await this.o.gateway.signedRelease(hash);
        if (signed === undefined) throw new ReleaseRejectedError('unsigned', `the gateway has no signed release for ${hash}`);
        verified = verifySignedRelease(signed, this.o.trustedKeys, this.now());
        const m = verified.manifest;
        if (m.artifact.sha256 !== hash) throw new ReleaseRejectedError('hash-mismatch', `the signed manifest is for ${m.artifact.sha256}, not ${hash}`);
        if (this.state.highestVersion !== null && compareVersions(m.version, this.state.highestVersion) < 0) {
          throw new ReleaseRejectedError('rollback', `version ${m.version} is lower than ${this.state.highestVersion}, the highest this meter has run`);
        }
        if (!runtimeSatisfies(m)) throw new ReleaseRejectedError('runtime', `needs Node.js ${m.minRuntime.node}, the meter has ${process.versions.node}`);
        const approval = await this.o.gateway.approval(hash);
        if (approval.hash !== hash || !mayRun(approval)) {
          throw new ReleaseRejectedError(approval.revoked ? 'revoked' : 'not-approved', `hash ${hash.slice(0, 16)}… is ${approval.revoked ? 'revoked' : 'not approved'} on chain`);
        }
        bytes = await this.o.gateway.artifact(hash);
        if (bytes.length !== m.artifact.size) throw new ReleaseRejectedError('size-mismatch', `downloaded ${bytes.length} bytes, the manifest says ${m.artifact.size}`);
        const got = sha256Hex(bytes);
        if (got !== hash) throw new ReleaseRejectedError('hash-mismatch', `downloaded bytes hash to ${got.slice(0, 16)}…, the signed manifest says ${hash.slice(0, 16)}…`);
      } catch (err) {
        if (!(err instanceof ReleaseRejectedError)) throw err;
        this.record('refused', { hash, detail: `${err.reason}: ${err.message}` });
        this.persist();
        await this.report('refused', { hash, detail: err.reason });
        return this.result('refused', { reason: err.reason, detail: err.message });
      }
      const m = verified.manifest;
      const previous = this.state.active;
      const target: SlotName = previous === null ? 'A' : other(previous);
      // write the inactive slot: a fresh directory, then the state names it
      const dir = this.slotDir(target);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(join(dir, 'agent.mjs'), bytes);
      writeFileSync(join(dir, SIGNED_RELEASE_FILE), JSON.stringify(signed));
      const content: SlotContent = { hash, version: m.version, expires: verified.expires };
      this.state.slots[target] = content;
      this.state.active = target;
      this.state.installs++;
      this.record('switched', { hash, version: m.version, detail: `slot ${target}` });
      this.persist();
      const health = await this.healthCheck(target, content);
      if (!health.ok) {
        this.state.active = previous;
        this.state.rollbacks++;
        this.record('rolled-back', { hash, version: m.version, detail: `${health.failure}: ${health.detail ?? ''}` });
        this.persist();
        await this.report('rolled-back', { hash, version: m.version, detail: health.failure });
        return this.result('rolled-back', { reason: health.failure, detail: health.detail, health, downloadedBytes: bytes.length });
      }
      if (this.state.highestVersion === null || compareVersions(m.version, this.state.highestVersion) > 0) this.state.highestVersion = m.version;
      this.record('installed', { hash, version: m.version });
      this.persist();
      await this.report('installed', { hash, version: m.version });
      return this.result('installed', { health, downloadedBytes: bytes.length });
    });
  }

  /**
   * Switches back to the other slot: after the controller aborted a rollout (`onlyIfActive` names the
   * aborted hash, so a meter that never switched stays put) or because the running hash was revoked.
   * The other slot's release must still be allowed on chain and pass the health check.
   */
  revert(reason: string, onlyIfActive?: string): Promise<JobResult> {
    return this.serial(async () => {
      const current = this.state.active;
      if (current === null || (onlyIfActive !== undefined && this.active?.hash !== onlyIfActive)) return this.result('nothing-to-revert');
      const back = other(current);
      const content = this.state.slots[back];
      if (!content) return this.result('nothing-to-revert', { detail: 'the other slot is empty' });
      const approval = await this.o.gateway.approval(content.hash);
      if (!mayRun(approval)) return this.result('nothing-to-revert', { detail: `the other slot's ${content.version} is not allowed on chain either` });
      const from = this.active!;
      this.state.active = back;
      this.state.rollbacks++;
      this.record('reverted', { hash: content.hash, version: content.version, detail: `${reason} (from ${from.version})` });
      this.persist();
      const health = await this.healthCheck(back, content);
      if (!health.ok) {
        this.state.active = current;
        this.record('revert-failed', { hash: content.hash, detail: health.failure });
        this.persist();
        return this.result('nothing-to-revert', { detail: `the previous release fails its health check: ${health.failure}`, health });
      }
      await this.report('reverted', { hash: content.hash, version: content.version, detail: reason });
      return this.result('reverted', { reason, health });
    });
  }

  /** Asks the gateway whether the running hash is still allowed; reverts when it was revoked. */
  async checkRevocation(): Promise<JobResult> {
    const a = this.active;
    if (!a) return this.result('nothing-to-revert');
    const s = await this.o.gateway.approval(a.hash);
    if (s.revoked) return this.revert('revoked on chain', a.hash);
    return this.result('already-active');
  }
}
