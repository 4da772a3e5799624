// Test helper: a small synthetic scenario (summer days, cooling HVAC) built from the model's
// defaults, so model and ADMM tests do not depend on the data layer. Seeded and deterministic.
import { defaultParams, defaultTariff } from '../../model/defaults.js';
import { defaultModelOptions } from '../../model/params.js';
import type { ModelOptions, ProsumerInput, Scenario } from '../../model/scenario.js';

function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

export function syntheticScenario(n: number, days = 1, seed = 1, options: Partial<ModelOptions> = {}, dtHours = 1): Scenario {
  const perDay = Math.round(24 / dtHours);
  const T = perDay * days;
  const start = Date.UTC(2024, 6, 1);
  const timestamps = Array.from({ length: T }, (_, t) => new Date(start + t * dtHours * 3_600_000).toISOString().replace('.000Z', 'Z'));
  const rnd = stream(seed);
  const cloud = Array.from({ length: days }, () => 0.6 + 0.4 * rnd());
  const tOut = Float64Array.from({ length: T }, (_, t) => {
    const h = (t * dtHours) % 24;
    return 27 + 6 * Math.sin((2 * Math.PI * (h - 9)) / 24);
  });
  const prosumers: ProsumerInput[] = [];
  for (let i = 0; i < n; i++) {
    const cap = [5, 3, 0, 7, 4][i % 5];
    const base = 0.3 + 0.3 * rnd();
    const load = Float64Array.from({ length: T }, (_, t) => {
      const h = (t * dtHours) % 24;
      const evening = h >= 18 && h < 22 ? 0.8 : 0;
      const morning = h >= 7 && h < 9 ? 0.4 : 0;
      return base + evening + morning + 0.2 * rnd();
    });
    const pv = Float64Array.from({ length: T }, (_, t) => {
      const h = (t * dtHours) % 24;
      const d = Math.floor((t * dtHours) / 24);
      return h > 6 && h < 18 ? cap * cloud[d] * Math.sin((Math.PI * (h - 6)) / 12) ** 1.5 : 0;
    });
    prosumers.push({ id: `H${String(i + 1).padStart(2, '0')}`, series: { load, pv, tOut: Float64Array.from(tOut) }, params: defaultParams(i, seed, dtHours) });
  }
  return {
    source: `synthetic seed ${seed}`,
    dtHours,
    horizon: T,
    timestamps,
    tariff: defaultTariff(timestamps, dtHours),
    prosumers,
    options: { ...defaultModelOptions(), ...options },
  };
}
