// Default DER parameters and tariff for a scenario without a parameter file. Seeded: the same
// (index, seed) gives the same prosumer, and prosumers differ as the paper's do (different comfort
// weights and preferences, not every home has a battery or a shiftable appliance).
//
// defaultParams(index, seed, dtHours = 1) -- u(a,b): uniform draw from the seeded stream
// | field                | default                                   | unit                  |
// |----------------------|-------------------------------------------|-----------------------|
// | grid.PGmax           | 10                                        | kW                    |
// | hvac (every home)    | cooling; heating when the horizon's mean  |                       |
// |                      | outdoor temperature is below tRef - 4     |                       |
// |                      | (the season's thermostat mode)            |                       |
// |   R                  | u(1.5, 2.5)                               | degC/kW               |
// |   C                  | u(1.5, 2.5)                               | kWh/degC              |
// |   gamma              | -(1 - a) * COP * R, COP u(2.5, 3.5);      | degC/kW per slot      |
// |                      | positive (same size) when heating         |                       |
// |   PACmax             | u(2.5, 3.5)                               | kW                    |
// |   tRef               | u(22, 24), rounded to 0.5                 | degC                  |
// |   TACmin, TACmax     | cooling: tRef - 8, tRef + 3; heating:     | degC                  |
// |                      | tRef - 3, tRef + 8 (a one-way HVAC cannot |                       |
// |                      | hold the far side of the band)            |                       |
// |   tIn0               | tRef                                      | degC                  |
// |   wAC                | u(0.02, 0.10)                             | currency/degC^2/slot  |
// | shiftable            | absent when index % 5 == 3                |                       |
// |   window             | 18:00-23:00 (index even), 10:00-16:00 (odd)| slots of the day     |
// |   energy, duration   | u(1.5, 3) kWh over 2 h                    | kWh, slots            |
// |   PSmax              | u(1.5, 2.5)                               | kW                    |
// |   wS                 | u(0.01, 0.05)                             | currency/kW^2/slot    |
// | battery              | absent when index % 3 == 2                |                       |
// |   E                  | 5, 10 or 13.5 (index / 3 mod 3)           | kWh                   |
// |   aMin, aMax, e0     | 0.1, 0.95, 0.5                            | fraction of E         |
// |   PCHmax = PDISmax   | E / 3, at most 5                          | kW                    |
// |   etaCH = etaDIS     | 0.95                                      |                       |
// |   beta               | 0.005                                     | currency/kWh          |
// | demandResponse       | absent: baseline computed (drBaseline.ts) |                       |
//
// defaultTariff(timestamps, dtHours, energyPrices?)
// | field          | default                                                        | unit          |
// |----------------|----------------------------------------------------------------|---------------|
// | energy         | the data's prices if given, else time of use: 0.12 (22-7 h),   | currency/kWh  |
// |                | 0.20 (7-15 h, 21-22 h), 0.35 peak (15-21 h)                     |               |
// | demandCharge   | 0.25 per kW per day of the horizon (0.25 for a day)             | currency/kW   |
// | feedIn         | min(0.06, energy / 2), at least 0                              | currency/kWh  |
// | demandResponse | 0.50 in the event slots 17:00-20:00 every day, else 0         | currency/kWh  |
// Hours are the wall-clock hours written in the timestamps (t * dt when a timestamp has none).
import type { ProsumerParams } from './params.js';
import type { Tariff } from './scenario.js';
import { mulberry32 as uniformStream } from '../data/seededRandom.js';

/** x rounded to a multiple of step, printed without binary noise (3.3, not 3.3000000000000003) */
const round = (x: number, step: number) => Number((Math.round(x / step) * step).toPrecision(12));

/** What the defaults may know of the prosumer's weather: the horizon's mean outdoor temperature. */
export interface DefaultsClimate {
  meanOutdoorC: number;
}

/** Degrees below tRef of the horizon's mean outdoor temperature from which the HVAC heats. */
export const HEATING_MODE_MARGIN_C = 4;

export function defaultParams(index: number, seed: number, dtHours = 1, climate?: DefaultsClimate): ProsumerParams {
  const rnd = uniformStream((seed * 1_000_003 + index * 7919 + 17) >>> 0);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const R = round(u(1.5, 2.5), 0.01);
  const C = round(u(1.5, 2.5), 0.01);
  const cop = u(2.5, 3.5);
  const a = Math.exp(-dtHours / (R * C));
  const tRef = round(u(22, 24), 0.5);
  const heating = climate !== undefined && climate.meanOutdoorC < tRef - HEATING_MODE_MARGIN_C;
  const gammaSize = round((1 - a) * cop * R, 0.001);
  const params: ProsumerParams = {
    grid: { PGmax: 10 },
    hvac: {
      R,
      C,
      gamma: heating ? gammaSize : -gammaSize,
      PACmax: round(u(2.5, 3.5), 0.1),
      tRef,
      TACmin: heating ? tRef - 3 : tRef - 8,
      TACmax: heating ? tRef + 8 : tRef + 3,
      tIn0: tRef,
      wAC: round(u(0.02, 0.1), 0.001),
    },
  };
  const perHour = 1 / dtHours;
  const energy = round(u(1.5, 3), 0.1);
  const PSmax = round(u(1.5, 2.5), 0.1);
  const wS = round(u(0.01, 0.05), 0.001);
  if (index % 5 !== 3) {
    const evening = index % 2 === 0;
    params.shiftable = {
      start: Math.round((evening ? 18 : 10) * perHour),
      end: Math.round((evening ? 23 : 16) * perHour),
      energy,
      duration: Math.max(1, Math.round(2 * perHour)),
      PSmax: Math.max(PSmax, energy / 2 + 0.1),
      wS,
    };
  }
  if (index % 3 !== 2) {
    const E = [5, 10, 13.5][Math.floor(index / 3) % 3];
    const p = Math.min(5, round(E / 3, 0.1));
    params.battery = { E, aMin: 0.1, aMax: 0.95, PCHmax: p, PDISmax: p, etaCH: 0.95, etaDIS: 0.95, e0: 0.5, beta: 0.005 };
  }
  return params;
}

/** Wall-clock hour (fractional) of each slot. */
export function slotHours(timestamps: readonly string[], dtHours: number, horizon = timestamps.length): Float64Array {
  const out = new Float64Array(horizon);
  for (let t = 0; t < horizon; t++) {
    const m = timestamps[t] !== undefined ? /[T ](\d{2}):(\d{2})/.exec(timestamps[t]) : null;
    out[t] = m ? Number(m[1]) + Number(m[2]) / 60 : (t * dtHours) % 24;
  }
  return out;
}

/** Time-of-use energy price at a wall-clock hour, currency/kWh. */
export function touPrice(hour: number): number {
  if (hour >= 15 && hour < 21) return 0.35;
  if (hour >= 7 && hour < 22) return 0.2;
  return 0.12;
}

export const DEFAULT_DR_RATE = 0.5;
export const DEFAULT_DR_HOURS: readonly [number, number] = [17, 20];
export const DEFAULT_DEMAND_CHARGE_PER_DAY = 0.25;

export function defaultTariff(timestamps: readonly string[], dtHours: number, energyPrices?: Float64Array): Tariff {
  const T = energyPrices?.length ?? timestamps.length;
  const hours = slotHours(timestamps, dtHours, T);
  const energy = energyPrices ? Float64Array.from(energyPrices) : Float64Array.from(hours, touPrice);
  const feedIn = Float64Array.from(energy, (p) => Math.max(0, Math.min(0.06, p / 2)));
  const demandResponse = Float64Array.from(hours, (h) => (h >= DEFAULT_DR_HOURS[0] && h < DEFAULT_DR_HOURS[1] ? DEFAULT_DR_RATE : 0));
  return { energy, demandCharge: (DEFAULT_DEMAND_CHARGE_PER_DAY * T * dtHours) / 24, feedIn, demandResponse };
}
