// Assembling a Scenario (model/scenario.ts) from the user's choices: the series from a data file
// (the project's long CSV format), an extract directory (wide yearly layout), the located extract
// or the built-in generator; the DER parameters from a parameter file or the model's seeded
// defaults; the tariff from the model's defaults with the data's prices when it has them.
import { existsSync, statSync } from 'node:fs';
import { DerchainInputError } from '../errors/inputError.js';
import { defaultParams, defaultTariff } from '../model/defaults.js';
import { parseModelOptions, type ProsumerParams } from '../model/params.js';
import type { ModelOptions, Scenario } from '../model/scenario.js';
import { checkScenario } from '../model/validateScenario.js';
import { locateExtract } from './dataLocation.js';
import { isExtractDirectory, readExtractDirectory } from './extractReader.js';
import { generateData, type GeneratorLocation } from './generator.js';
import { readLongFormatFile } from './longFormatReader.js';
import { ALL_PROSUMERS_KEY, checkParamsIds, readParamsFile, type ParamsFile } from './paramsFile.js';
import { selectPeriod, type SelectedPeriod } from './periodSelection.js';

export interface ScenarioOptions {
  /** a long-format CSV file or an extract directory; default: the located extract, else the generator */
  data?: string;
  /** use the built-in generator even when the extract is present */
  generator?: boolean;
  /** parameter file (YAML/JSON) */
  params?: string;
  /** first N prosumers (the extract's recommended set first) or explicit ids */
  prosumers?: number | string[];
  /** start of the period, see data/timestamps.ts parseStart */
  start?: string;
  /** length in days (default 1) */
  days?: number;
  /** seed of the generator and of the default parameters (default 1) */
  seed?: number;
  /** generator location (default Fontana, CA) */
  location?: GeneratorLocation;
  /** model options; absent fields take the model's defaults */
  modelOptions?: Partial<ModelOptions>;
  /** environment for the extract lookup (tests) */
  env?: NodeJS.ProcessEnv;
}

/** Where the series came from, for messages and the report. */
export type DataOrigin = { kind: 'file'; path: string } | { kind: 'extract'; dir: string } | { kind: 'generator' };

export interface LoadedScenario {
  scenario: Scenario;
  origin: DataOrigin;
  /** the parameter file, when one was given */
  paramsFile?: ParamsFile;
}

function resolveOrigin(opts: ScenarioOptions): DataOrigin {
  if (opts.generator) {
    if (opts.data !== undefined) throw new DerchainInputError('give either a data file or the generator, not both', { field: 'data' });
    return { kind: 'generator' };
  }
  if (opts.data !== undefined) {
    if (!existsSync(opts.data)) throw new DerchainInputError('no such file or directory', { file: opts.data, field: 'data' });
    if (statSync(opts.data).isDirectory()) {
      if (!isExtractDirectory(opts.data)) {
        throw new DerchainInputError(
          'a data directory must hold the extract layout (households.csv, load_kW.csv, pv_kW.csv, weather.csv, tariff_carbon.csv); give a long-format CSV file otherwise',
          { file: opts.data, field: 'data' },
        );
      }
      return { kind: 'extract', dir: opts.data };
    }
    return { kind: 'file', path: opts.data };
  }
  const dir = locateExtract(opts.env ?? process.env);
  return dir ? { kind: 'extract', dir } : { kind: 'generator' };
}

function readSeries(origin: DataOrigin, opts: ScenarioOptions): SelectedPeriod {
  const request = {
    ...(opts.start !== undefined ? { start: opts.start } : {}),
    ...(opts.days !== undefined ? { days: opts.days } : {}),
    ...(opts.prosumers !== undefined ? { prosumers: opts.prosumers } : {}),
  };
  switch (origin.kind) {
    case 'file':
      return selectPeriod(readLongFormatFile(origin.path, opts.prosumers), request);
    case 'extract':
      return selectPeriod(readExtractDirectory(origin.dir), request);
    case 'generator': {
      if (Array.isArray(opts.prosumers)) {
        throw new DerchainInputError('the generator names its prosumers P01, P02, ...; give --prosumers as a number', {
          field: 'prosumers',
        });
      }
      return generateData({
        ...(opts.prosumers !== undefined ? { prosumers: opts.prosumers } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        ...(opts.start !== undefined ? { start: opts.start } : {}),
        ...(opts.days !== undefined ? { days: opts.days } : {}),
        ...(opts.location !== undefined ? { location: opts.location } : {}),
      });
    }
  }
}

function paramsFor(
  id: string,
  index: number,
  file: ParamsFile | undefined,
  seed: number,
  dtHours: number,
  tOut: Float64Array,
): ProsumerParams {
  const own = file?.entries.get(id) ?? file?.entries.get(ALL_PROSUMERS_KEY);
  const meanOutdoorC = tOut.length > 0 ? tOut.reduce((a, b) => a + b, 0) / tOut.length : 20;
  return own ?? defaultParams(index, seed, dtHours, { meanOutdoorC });
}

/** Reads, checks and assembles the scenario; throws DerchainInputError on any bad input. */
export function loadScenario(opts: ScenarioOptions = {}): LoadedScenario {
  const origin = resolveOrigin(opts);
  const paramsFile = opts.params !== undefined ? readParamsFile(opts.params) : undefined;
  const series = readSeries(origin, opts);
  const ids = series.prosumers.map((p) => p.id);
  if (paramsFile) checkParamsIds(paramsFile, ids);
  const seed = opts.seed ?? 1;
  const options = parseModelOptions(opts.modelOptions ?? {});
  const scenario: Scenario = {
    source: series.source,
    dtHours: series.dtHours,
    horizon: series.timestamps.length,
    timestamps: series.timestamps,
    tariff: defaultTariff(series.timestamps, series.dtHours, series.prices ?? undefined),
    prosumers: series.prosumers.map((p, index) => ({
      id: p.id,
      series: { load: p.load, pv: p.pv, tOut: p.tOut },
      params: paramsFor(p.id, index, paramsFile, seed, series.dtHours, p.tOut),
    })),
    options,
  };
  checkWithParamsFile(scenario, paramsFile);
  return { scenario, origin, ...(paramsFile ? { paramsFile } : {}) };
}

/** Fields of ProsumerParams (the part before the first dot of an error's field path). */
const PARAM_GROUPS = new Set(['grid', 'hvac', 'shiftable', 'battery', 'demandResponse']);

/**
 * The model's scenario checks; a problem with parameters that came from the parameter file is
 * reported against that file, with the line of the entry (or of the field when it is written there).
 */
function checkWithParamsFile(scenario: Scenario, paramsFile: ParamsFile | undefined): void {
  try {
    checkScenario(scenario);
  } catch (err) {
    if (!(err instanceof DerchainInputError) || !paramsFile || err.prosumer === undefined) throw err;
    const group = err.field?.split('.')[0];
    if (group === undefined || !PARAM_GROUPS.has(group)) throw err;
    const entry = paramsFile.entries.has(err.prosumer) ? err.prosumer : paramsFile.entries.has(ALL_PROSUMERS_KEY) ? ALL_PROSUMERS_KEY : null;
    if (entry === null) throw err;
    const line = paramsFile.lineOf(entry, err.field) ?? paramsFile.lines.get(entry);
    throw new DerchainInputError(err.reason, {
      file: paramsFile.file,
      ...(line === undefined ? {} : { line }),
      prosumer: err.prosumer,
      ...(err.field === undefined ? {} : { field: err.field }),
    });
  }
}
