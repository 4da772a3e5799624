// The built-in data generator: N households with rooftop PV, inflexible load and the outdoor
// temperature, reproducible from a seed, used whenever no data file is given or found.
//
// Default: 10 households in Fontana, California (34.09 N, 117.43 W, America/Los_Angeles), one day
// from Monday 2016-08-08 (the summer week of the shared real extract, so the two can be compared),
// hourly slots, seed 1. Model (documented in docs/data-format.md):
// - weather, shared by all homes: daily mean temperature and diurnal swing by season (a sinusoid over
//   the year), a daily anomaly (AR(1)), a diurnal sinusoid peaking at 15:00 local; a cloud index in
//   [0, 1] per day (exponential around a seasonal mean) with hourly AR(1) fluctuations;
// - PV: sun position for the location and instant, clear-sky irradiance, cloud attenuation and the
//   tilted roof of each home (3-6.5 kWp, tilt 15-30 deg, facing SE..SW), see pvOutput.ts;
// - load: a daily profile with a morning and a larger evening peak (later on weekends), a household
//   scale (14-30 kWh/day) and peak times, daily and hourly lognormal variation and short appliance bursts.
import { DerchainInputError } from '../errors/inputError.js';
import type { SelectedPeriod, SelectedSeries } from './periodSelection.js';
import { pvPowerKW, planeOfArrayIrradiance, type PvSystem } from './pvOutput.js';
import { seededRandom, type SeededRandom } from './seededRandom.js';
import { sunVector, utcDayOfYear } from './solarPosition.js';
import { isKnownTimeZone, localTimeToInstant, zoneOffsetMinutes } from './timeZone.js';
import { formatLocal, parseStart } from './timestamps.js';

export interface GeneratorLocation {
  name: string;
  /** degrees, north positive */
  latitude: number;
  /** degrees, east positive */
  longitude: number;
  /** IANA zone for the local-time labels and the daily profiles */
  timeZone: string;
}

export interface GeneratorOptions {
  /** number of households (default 10) */
  prosumers?: number;
  /** random seed (default 1) */
  seed?: number;
  /** first slot: local date "YYYY-MM-DD" (midnight), local "YYYY-MM-DDTHH:MM", or an instant with offset (default 2016-08-08) */
  start?: string;
  /** length in days (default 1) */
  days?: number;
  /** slot length in hours, dividing 24 (default 1) */
  dtHours?: number;
  location?: GeneratorLocation;
}

export const FONTANA_CA: GeneratorLocation = {
  name: 'Fontana, CA',
  latitude: 34.09,
  longitude: -117.43,
  timeZone: 'America/Los_Angeles',
};

export const GENERATOR_DEFAULTS = {
  prosumers: 10,
  seed: 1,
  start: '2016-08-08',
  days: 1,
  dtHours: 1,
  location: FONTANA_CA,
} as const;

/** What the generator decided for one home, besides its series. */
export interface GeneratedHousehold {
  id: string;
  pv: PvSystem;
  /** mean inflexible consumption, kWh per day */
  dailyLoadKWh: number;
}

export interface GeneratedData extends SelectedPeriod {
  households: GeneratedHousehold[];
  location: GeneratorLocation;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Seasonal phase: 1 at the start of August (warmest, sunniest), -1 in early February. */
function season(dayOfYear: number): number {
  return Math.cos((2 * Math.PI * (dayOfYear - 213)) / 365);
}

function gaussianBump(hour: number, centre: number, width: number): number {
  // circular distance so a peak near midnight wraps around
  let d = Math.abs(hour - centre) % 24;
  if (d > 12) d = 24 - d;
  return Math.exp(-0.5 * (d / width) ** 2);
}

interface LoadShape {
  morningPeak: number;
  eveningPeak: number;
  baseKW: number;
}

/** Relative consumption at local hour `hour` (unnormalised). */
function loadShape(hour: number, shape: LoadShape, weekend: boolean): number {
  const morning = weekend ? shape.morningPeak + 1.5 : shape.morningPeak;
  const midday = weekend ? 0.55 : 0.3;
  return (
    shape.baseKW +
    0.9 * gaussianBump(hour, morning, 1.2) +
    midday * gaussianBump(hour, 13, 3) +
    1.8 * gaussianBump(hour, shape.eveningPeak, 2)
  );
}

/** Largest community the generator makes. */
export const GENERATOR_MAX_PROSUMERS = 9999;

function validate(opts: Required<GeneratorOptions>): void {
  const { prosumers, days, dtHours, location } = opts;
  // a utility's pilot runs thousands of homes on the pool market (issue 10)
  if (!Number.isInteger(prosumers) || prosumers < 1 || prosumers > GENERATOR_MAX_PROSUMERS) {
    throw new DerchainInputError(`the generator makes 1 to ${GENERATOR_MAX_PROSUMERS} prosumers (got ${prosumers})`, { field: 'prosumers' });
  }
  if (!(days > 0) || !Number.isFinite(days)) throw new DerchainInputError(`days must be positive (got ${days})`, { field: 'days' });
  const perDay = 24 / dtHours;
  if (!(dtHours > 0) || Math.abs(perDay - Math.round(perDay)) > 1e-9) {
    throw new DerchainInputError(`slot length ${dtHours} h does not divide a day`, { field: 'dtHours' });
  }
  const slots = (days * 24) / dtHours;
  if (Math.abs(slots - Math.round(slots)) > 1e-9) {
    throw new DerchainInputError(`${days} day(s) is not a whole number of ${dtHours} h slots`, { field: 'days' });
  }
  if (!isKnownTimeZone(location.timeZone)) {
    throw new DerchainInputError(`unknown time zone ${location.timeZone}`, { field: 'location.timeZone' });
  }
  if (Math.abs(location.latitude) > 90 || Math.abs(location.longitude) > 180) {
    throw new DerchainInputError('latitude must be within +-90 and longitude within +-180 degrees', { field: 'location' });
  }
}

function startInstant(start: string, timeZone: string): number {
  const spec = parseStart(start);
  if (!spec) throw new DerchainInputError(`cannot read start ${JSON.stringify(start)}; use e.g. 2016-08-08`, { field: 'start' });
  return spec.kind === 'instant' ? spec.instantMs : localTimeToInstant(spec.localDate, spec.localTime, timeZone);
}

interface DailyWeather {
  meanTempC: number;
  swingC: number;
  cloud: number;
}

function dailyWeather(rng: SeededRandom, dayOfYear: number, previousAnomaly: number): DailyWeather & { anomaly: number } {
  const s = season(dayOfYear);
  const meanCloud = 0.22 - 0.16 * s;
  const cloud = Math.min(0.95, meanCloud * -Math.log(1 - rng.next()));
  const anomaly = 0.6 * previousAnomaly + 1.2 * rng.normal();
  return {
    meanTempC: 19 + 7.5 * s + anomaly - 3 * cloud,
    swingC: (7 + 2 * s) * (1 - 0.5 * cloud),
    cloud,
    anomaly,
  };
}

function makeHousehold(rng: SeededRandom, index: number): GeneratedHousehold & { shape: LoadShape } {
  const id = `P${String(index + 1).padStart(2, '0')}`;
  return {
    id,
    pv: {
      capacityKWp: Math.round(rng.uniform(3, 6.5) * 2) / 2,
      tiltDeg: rng.uniform(15, 30),
      azimuthDeg: rng.uniform(135, 225),
      performanceRatio: rng.uniform(0.78, 0.86),
    },
    dailyLoadKWh: rng.uniform(14, 30),
    shape: {
      morningPeak: 7 + 0.7 * rng.normal(),
      eveningPeak: 19.5 + 0.8 * rng.normal(),
      baseKW: rng.uniform(0.25, 0.5),
    },
  };
}

/** Generates the series of `prosumers` households for the period; same options, same numbers. */
export function generateData(options: GeneratorOptions = {}): GeneratedData {
  const opts: Required<GeneratorOptions> = {
    prosumers: options.prosumers ?? GENERATOR_DEFAULTS.prosumers,
    seed: options.seed ?? GENERATOR_DEFAULTS.seed,
    start: options.start ?? GENERATOR_DEFAULTS.start,
    days: options.days ?? GENERATOR_DEFAULTS.days,
    dtHours: options.dtHours ?? GENERATOR_DEFAULTS.dtHours,
    location: options.location ?? GENERATOR_DEFAULTS.location,
  };
  validate(opts);
  const { location, dtHours } = opts;
  const root = seededRandom(opts.seed);
  const t0 = startInstant(opts.start, location.timeZone);
  const slots = Math.round((opts.days * 24) / dtHours);
  const stepMs = dtHours * HOUR_MS;
  const instants = Array.from({ length: slots }, (_, s) => t0 + s * stepMs);
  const offsets = instants.map((t) => zoneOffsetMinutes(t, location.timeZone));
  const timestamps = instants.map((t, s) => formatLocal(t, offsets[s]));
  const localHour = instants.map((t, s) => (((t + offsets[s] * 60_000) % DAY_MS) + DAY_MS) % DAY_MS / HOUR_MS);
  const localDay = instants.map((t, s) => Math.floor((t + offsets[s] * 60_000) / DAY_MS));

  // weather shared by the neighbourhood; a day's values come from a stream forked by the local day,
  // so the same date gets the same weather whatever the start of the period
  const weatherByDay = new Map<number, DailyWeather>();
  let anomaly = 0;
  const firstDay = localDay[0];
  const warmup = root.fork(`weather-warmup-${firstDay}`);
  anomaly = 1.2 * warmup.normal();
  for (const day of new Set(localDay)) {
    const rng = root.fork(`weather-day-${day}`);
    const doy = utcDayOfYear(day * DAY_MS).day;
    const w = dailyWeather(rng, doy, anomaly);
    anomaly = w.anomaly;
    weatherByDay.set(day, w);
  }
  const cloudRng = root.fork(`clouds-${t0}`);
  const tempRng = root.fork(`temperature-${t0}`);
  let fluctuation = cloudRng.normal();
  const persistence = Math.pow(0.8, dtHours);
  const cloud: number[] = [];
  const tOut: number[] = [];
  for (let s = 0; s < slots; s++) {
    const w = weatherByDay.get(localDay[s])!;
    fluctuation = persistence * fluctuation + Math.sqrt(1 - persistence ** 2) * cloudRng.normal();
    cloud.push(Math.min(1, Math.max(0, w.cloud + 0.25 * Math.sqrt(w.cloud) * fluctuation)));
    const mid = localHour[s] + dtHours / 2;
    tOut.push(Math.round((w.meanTempC + w.swingC * Math.cos((2 * Math.PI * (mid - 15)) / 24) + 0.3 * tempRng.normal()) * 100) / 100);
  }

  const householdsRng = root.fork('households');
  const households = Array.from({ length: opts.prosumers }, (_, i) => makeHousehold(householdsRng.fork(`home-${i}`), i));
  const subSteps = 6;
  const series: SelectedSeries[] = households.map((h) => {
    const rng = root.fork(`series-${h.id}-${t0}`);
    const load = new Float64Array(slots);
    const pv = new Float64Array(slots);
    const profileNorm = Array.from({ length: 24 }, (_, k) => loadShape(k + 0.5, h.shape, false)).reduce((a, b) => a + b, 0);
    const dayFactors = new Map<number, number>();
    for (let s = 0; s < slots; s++) {
      if (!dayFactors.has(localDay[s])) dayFactors.set(localDay[s], Math.exp(0.12 * rng.normal()));
      const weekday = new Date(localDay[s] * DAY_MS).getUTCDay();
      const weekend = weekday === 0 || weekday === 6;
      const mid = localHour[s] + dtHours / 2;
      const shapeKW = (loadShape(mid, h.shape, weekend) / profileNorm) * h.dailyLoadKWh;
      const burst = rng.next() < 0.06 * dtHours ? rng.uniform(0.5, 2.5) : 0;
      const value = shapeKW * dayFactors.get(localDay[s])! * Math.exp(0.25 * rng.normal() - 0.03125) + burst;
      load[s] = Math.round(value * 10_000) / 10_000;
      let energy = 0;
      for (let k = 0; k < subSteps; k++) {
        const t = instants[s] + ((k + 0.5) / subSteps) * stepMs;
        const sun = sunVector(t, location.latitude, location.longitude);
        const poa = planeOfArrayIrradiance(sun, cloud[s], h.pv.tiltDeg, h.pv.azimuthDeg);
        energy += pvPowerKW(h.pv, poa, tOut[s]) / subSteps;
      }
      const jitter = energy > 0 ? Math.exp(0.02 * rng.normal()) : 1;
      pv[s] = Math.round(Math.min(h.pv.capacityKWp, energy * jitter) * 10_000) / 10_000;
    }
    return { id: h.id, load, pv, tOut: Float64Array.from(tOut) };
  });
  return {
    source: `generator seed ${opts.seed}, ${location.name}, ${timestamps[0]}, ${opts.days} day(s)`,
    dtHours,
    timestamps,
    prosumers: series,
    prices: null,
    households: households.map(({ id, pv, dailyLoadKWh }) => ({ id, pv, dailyLoadKWh })),
    location,
  };
}
