// Plans a rollout's waves: a canary (a count or a percentage of the fleet), then waves that grow by
// incrementFactor (AWS IoT Jobs' exponential rollout), each with its own dispatch rate, which also
// grows by incrementFactor from baseRatePerMinute up to maximumPerMinute. Meters are taken round-robin
// across gateways (sorted by id within a gateway), so every wave, the canary too, spans the gateways.
import { DerchainInputError } from '../errors/inputError.js';

export interface WaveOptions {
  /** canary size as a count of meters */
  canaryCount?: number;
  /** canary size as a percentage of the fleet (used when canaryCount is absent) */
  canaryPercent?: number;
  /** size of the wave after the canary (default: twice the canary) */
  firstWave?: number;
  /** growth of wave size and dispatch rate from one wave to the next (AWS: 1.1 .. 5) */
  incrementFactor: number;
  /** dispatch rate of the canary, meters per minute */
  baseRatePerMinute: number;
  /** cap of the dispatch rate, meters per minute */
  maximumPerMinute: number;
}

export interface PlannedWave {
  index: number;
  name: string;
  meters: string[];
  ratePerMinute: number;
}

export const DEFAULT_WAVE_OPTIONS: WaveOptions = { canaryPercent: 5, incrementFactor: 2, baseRatePerMinute: 60, maximumPerMinute: 1000 };

export function checkWaveOptions(o: WaveOptions): void {
  const bad = (field: string, why: string) => new DerchainInputError(why, { field });
  if (o.canaryCount !== undefined && (!Number.isInteger(o.canaryCount) || o.canaryCount < 1)) throw bad('canary', 'a canary count must be a positive integer');
  if (o.canaryPercent !== undefined && !(o.canaryPercent > 0 && o.canaryPercent <= 50)) throw bad('canary', 'a canary percentage must be in (0, 50] %');
  if (!(o.incrementFactor >= 1.1 && o.incrementFactor <= 5)) throw bad('increment-factor', `must be within 1.1 .. 5 (as AWS IoT Jobs), got ${o.incrementFactor}`);
  if (!(o.baseRatePerMinute >= 1)) throw bad('base-rate', 'must be at least 1 meter per minute');
  if (!(o.maximumPerMinute >= o.baseRatePerMinute)) throw bad('max-per-minute', 'must be at least the base rate');
  if (o.firstWave !== undefined && (!Number.isInteger(o.firstWave) || o.firstWave < 1)) throw bad('first-wave', 'must be a positive integer');
}

/** Round-robin over gateways, meters sorted by id within each. */
export function interleaveByGateway(meters: readonly { id: string; gateway: string }[]): string[] {
  const byGateway = new Map<string, string[]>();
  for (const m of [...meters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const list = byGateway.get(m.gateway) ?? [];
    list.push(m.id);
    byGateway.set(m.gateway, list);
  }
  const lists = [...byGateway.keys()].sort().map((g) => byGateway.get(g)!);
  const out: string[] = [];
  for (let i = 0; out.length < meters.length; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

export function planWaves(meters: readonly { id: string; gateway: string }[], o: WaveOptions): PlannedWave[] {
  checkWaveOptions(o);
  if (meters.length === 0) throw new DerchainInputError('the fleet has no meters to update', { field: 'gateway' });
  const order = interleaveByGateway(meters);
  const n = order.length;
  const canary = Math.min(n, o.canaryCount ?? Math.max(1, Math.ceil(((o.canaryPercent ?? 5) / 100) * n)));
  const waves: PlannedWave[] = [{ index: 0, name: 'canary', meters: order.slice(0, canary), ratePerMinute: o.baseRatePerMinute }];
  let next = canary;
  let size = o.firstWave ?? canary * 2;
  let rate = o.baseRatePerMinute;
  while (next < n) {
    rate = Math.min(o.maximumPerMinute, rate * o.incrementFactor);
    const take = Math.min(n - next, Math.max(1, Math.round(size)));
    waves.push({ index: waves.length, name: `wave ${waves.length}`, meters: order.slice(next, next + take), ratePerMinute: Math.round(rate) });
    next += take;
    size *= o.incrementFactor;
  }
  return waves;
}
