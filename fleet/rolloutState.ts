// The rollout controller's state file: the release, the plan, every meter's progress, the waves'
// times and the status (running, paused, aborting, aborted, completed). Written atomically after
// every change, so a controller killed at any moment restarts from it; `fleet status` reads it.
// Control requests (pause, resume, abort) go to a separate file, STATE.control, which only the
// CLI writes and the controller reads, so the two never write the same file.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomicFile.js';
import type { MeterTransport } from './gatewayService.js';
import type { PlannedWave, WaveOptions } from './wavePlan.js';

export const ROLLOUT_STATE_FORMAT = 'derchain-rollout-1';

export type RolloutStatus = 'running' | 'paused' | 'aborting' | 'aborted' | 'completed';
/** pending: not yet sent; dispatched: job sent, no answer recorded; updated: runs the release;
 * failed: the meter's health check failed and it switched back itself; refused: the meter refused
 * the artifact; reverted: updated, then switched back by the controller's abort */
export type MeterProgress = 'pending' | 'dispatched' | 'updated' | 'failed' | 'refused' | 'reverted';

export interface AbortCriteria {
  /** abort when more than this percentage of executed meters failed ... */
  failurePercent: number;
  /** ... once at least this many meters have executed the job */
  minExecuted: number;
}

export interface RolloutMeter {
  gateway: string;
  transport: MeterTransport;
  wave: number;
  progress: MeterProgress;
  fromVersion: string | null;
  attempts: number;
  at?: string;
  detail?: string;
}

export interface RolloutWave extends PlannedWave {
  status: 'pending' | 'running' | 'done' | 'halted';
  startedAt?: string;
  finishedAt?: string;
}

export interface RolloutState {
  format: typeof ROLLOUT_STATE_FORMAT;
  release: { hash: string; version: string; dir: string };
  createdAt: string;
  gateways: { id: string; url: string }[];
  waveOptions: WaveOptions;
  abort: AbortCriteria;
  concurrency: number;
  status: RolloutStatus;
  abortReason?: string;
  waves: RolloutWave[];
  meters: Record<string, RolloutMeter>;
  /** the last control request applied (its time) */
  controlApplied?: string;
  events: { at: string; text: string }[];
}

export interface ControlRequest {
  command: 'pause' | 'resume' | 'abort';
  at: string;
  reason?: string;
}

export const controlFileOf = (stateFile: string) => `${stateFile}.control`;

export function readRolloutState(file: string): RolloutState | undefined {
  if (!existsSync(file)) return undefined;
  const s = JSON.parse(readFileSync(file, 'utf8')) as RolloutState;
  if (s.format !== ROLLOUT_STATE_FORMAT) throw new Error(`${file} is not a derchain rollout state file`);
  return s;
}

export function writeRolloutState(file: string, s: RolloutState): void {
  writeFileAtomic(file, `${JSON.stringify(s, null, 1)}\n`);
}

export function readControl(stateFile: string): ControlRequest | undefined {
  const f = controlFileOf(stateFile);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ControlRequest) : undefined;
}

export function writeControl(stateFile: string, c: ControlRequest): void {
  writeFileAtomic(controlFileOf(stateFile), `${JSON.stringify(c)}\n`);
}

export interface ProgressCounts {
  total: number;
  pending: number;
  dispatched: number;
  updated: number;
  failed: number;
  refused: number;
  reverted: number;
  /** meters whose job finished (updated, failed, refused, reverted) */
  executed: number;
}

export function countProgress(meters: Iterable<RolloutMeter>): ProgressCounts {
  const c: ProgressCounts = { total: 0, pending: 0, dispatched: 0, updated: 0, failed: 0, refused: 0, reverted: 0, executed: 0 };
  for (const m of meters) {
    c.total++;
    c[m.progress]++;
  }
  c.executed = c.updated + c.failed + c.refused + c.reverted;
  return c;
}
