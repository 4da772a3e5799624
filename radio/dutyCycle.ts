// The duty-cycle ledger: how much airtime each transmitter (a meter or a gateway) has used per
// sub-band in the sliding hour ETSI EN 300 220 measures the duty cycle over. A sender asks
// `earliestStart` (or `check`) before transmitting and `record`s what it sent; `reserve` does
// both and throws DutyCycleError rather than let a frame exceed the limit. US915 sub-bands have
// no duty cycle (limit 1) so the ledger only counts there.
import { subBandOf, type Region, type SubBand } from './regionalParameters.js';

export const DUTY_CYCLE_WINDOW_MS = 3_600_000;
/**
 * Airtime a window may exceed its budget by through rounding (1 µs). The ledger works in float ms
 * on whatever clock its caller uses (the simulator's is Unix-epoch ms, ~1.8e12, where a double
 * resolves only 2.4e-4 ms), so sums of intervals carry rounding of that order.
 */
export const SLACK_MS = 1e-3;

export class DutyCycleError extends Error {
  readonly transmitter: string;
  readonly subBand: string;
  /** earliest time (ms, same clock as the request) the frame could start */
  readonly earliestStartMs: number;
  constructor(transmitter: string, subBand: string, earliestStartMs: number, message: string) {
    super(message);
    this.name = 'DutyCycleError';
    this.transmitter = transmitter;
    this.subBand = subBand;
    this.earliestStartMs = earliestStartMs;
  }
}

interface Transmission {
  start: number;
  end: number;
}

export interface DutyCycleUsage {
  transmitter: string;
  subBand: string;
  dutyCycle: number;
  /** airtime in the window ending at `atMs` */
  usedMs: number;
  /** what the limit still allows in that window */
  headroomMs: number;
  /** all airtime ever recorded */
  totalMs: number;
  frames: number;
}

export class DutyCycleLedger {
  readonly region: Region;
  readonly windowMs: number;
  private readonly log = new Map<string, Transmission[]>();
  private readonly totals = new Map<string, { ms: number; frames: number }>();

  constructor(region: Region, opts: { windowMs?: number } = {}) {
    this.region = region;
    this.windowMs = opts.windowMs ?? DUTY_CYCLE_WINDOW_MS;
  }

  private key(transmitter: string, band: SubBand): string {
    return `${transmitter}\u0000${band.name}`;
  }

  private usedIn(list: readonly Transmission[], from: number, to: number): number {
    let used = 0;
    for (const t of list) used += Math.max(0, Math.min(t.end, to) - Math.max(t.start, from));
    return used;
  }

  /** Airtime (ms) `transmitter` used in `frequencyHz`'s sub-band in the window ending at `atMs`. */
  usedMs(transmitter: string, frequencyHz: number, atMs: number): number {
    const band = subBandOf(this.region, frequencyHz);
    return this.usedIn(this.log.get(this.key(transmitter, band)) ?? [], atMs - this.windowMs, atMs);
  }

  /** Earliest start >= notBeforeMs at which a frame of `toaMs` keeps the sub-band within its limit. */
  earliestStart(transmitter: string, frequencyHz: number, toaMs: number, notBeforeMs: number): number {
    const band = subBandOf(this.region, frequencyHz);
    const budget = band.dutyCycle * this.windowMs;
    if (toaMs > budget) {
      throw new DutyCycleError(transmitter, band.name, Number.POSITIVE_INFINITY,
        `a ${toaMs.toFixed(1)} ms frame exceeds ${band.name}'s whole budget of ${budget} ms per window`);
    }
    if (band.dutyCycle >= 1) return notBeforeMs;
    const list = this.log.get(this.key(transmitter, band)) ?? [];
    let start = notBeforeMs;
    for (;;) {
      const end = start + toaMs;
      const used = this.usedIn(list, end - this.windowMs, end);
      if (used + toaMs <= budget + SLACK_MS) return start;
      // slide until enough of the oldest airtime in the window has left it
      const excess = used + toaMs - budget;
      let left = 0;
      let shift = Number.POSITIVE_INFINITY;
      for (const t of list) {
        const from = Math.max(t.start, end - this.windowMs);
        if (t.end <= from) continue;
        const inWindow = t.end - from;
        if (left + inWindow >= excess) {
          shift = from + (excess - left) + this.windowMs - end;
          break;
        }
        left += inWindow;
      }
      // at least one step the clock can represent: with epoch-scale times (1.8e12 ms, where a double
      // resolves 2.4e-4 ms) a smaller step is lost and the loop would never end
      start += Math.max(shift, SLACK_MS, Math.abs(start) * 4 * Number.EPSILON);
    }
  }

  /** Throws DutyCycleError unless a frame of `toaMs` may start at `startMs`. */
  check(transmitter: string, frequencyHz: number, startMs: number, toaMs: number): void {
    const earliest = this.earliestStart(transmitter, frequencyHz, toaMs, startMs);
    if (earliest > startMs) {
      const band = subBandOf(this.region, frequencyHz);
      throw new DutyCycleError(transmitter, band.name, earliest,
        `${transmitter} would exceed the ${(band.dutyCycle * 100).toFixed(1)} % duty cycle of sub-band ${band.name}; next start at ${earliest.toFixed(0)} ms`);
    }
  }

  /** Records a transmission (no check). */
  record(transmitter: string, frequencyHz: number, startMs: number, toaMs: number): void {
    const band = subBandOf(this.region, frequencyHz);
    const k = this.key(transmitter, band);
    const list = this.log.get(k) ?? [];
    list.push({ start: startMs, end: startMs + toaMs });
    // forget what has left every future window
    while (list.length > 0 && list[0]!.end < startMs - this.windowMs) list.shift();
    this.log.set(k, list);
    const tot = this.totals.get(k) ?? { ms: 0, frames: 0 };
    tot.ms += toaMs;
    tot.frames += 1;
    this.totals.set(k, tot);
  }

  /** check + record. */
  reserve(transmitter: string, frequencyHz: number, startMs: number, toaMs: number): void {
    this.check(transmitter, frequencyHz, startMs, toaMs);
    this.record(transmitter, frequencyHz, startMs, toaMs);
  }

  /** Usage of every transmitter and sub-band seen, as of `atMs`. */
  usage(atMs: number): DutyCycleUsage[] {
    const out: DutyCycleUsage[] = [];
    for (const [k, list] of this.log) {
      const [transmitter, bandName] = k.split('\u0000') as [string, string];
      const band = this.region.subBands.find((b) => b.name === bandName)!;
      const usedMs = this.usedIn(list, atMs - this.windowMs, atMs);
      const tot = this.totals.get(k)!;
      out.push({
        transmitter,
        subBand: bandName,
        dutyCycle: band.dutyCycle,
        usedMs,
        headroomMs: band.dutyCycle * this.windowMs - usedMs,
        totalMs: tot.ms,
        frames: tot.frames,
      });
    }
    return out.sort((a, b) => a.transmitter.localeCompare(b.transmitter) || a.subBand.localeCompare(b.subBand));
  }
}
