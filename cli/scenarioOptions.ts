// The options every coordination command shares (`simulate`, `pilot`): where the data comes from,
// the period and prosumers, DER parameters, demand-response mode and the ADMM knobs; their
// parsing into a Scenario with errors that name the flag.
import type { Command } from 'commander';
import { DEFAULT_ADMM_OPTIONS, RHO_RANGE, type AdmmOptions } from '../admm/engine.js';
import { DEFAULT_POOL_OPTIONS, type PoolOptions } from '../admm/poolEngine.js';
import { DATA_DIR_ENV } from '../data/dataLocation.js';
import { GENERATOR_DEFAULTS } from '../data/generator.js';
import { loadScenario, type LoadedScenario } from '../data/loadScenario.js';
import { DerchainInputError } from '../errors/inputError.js';

export interface ScenarioFlags {
  data?: string;
  generator?: boolean;
  params?: string;
  prosumers?: string;
  start?: string;
  days?: string;
  seed?: string;
  rho?: string;
  maxIterations?: string;
  epsAbs?: string;
  epsDual?: string;
  epsRel?: string;
  /** commander's --no-balance-rho sets false */
  balanceRho?: boolean;
  drMode?: string;
  /** 'pool' (default) or 'bilateral' */
  market?: string;
  /** re-clears after the first clearing (pool) */
  rolling?: string;
  alpha?: string;
  poolEpsPrimal?: string;
  poolEpsDual?: string;
}

/** The two market designs: the community pool (default) and the paper's bilateral market. */
export const MARKETS = ['pool', 'bilateral'] as const;
export type Market = (typeof MARKETS)[number];

export interface ScenarioLimits {
  /** largest number of prosumers the command accepts */
  maxProsumers?: number;
  /** longest period in days */
  maxDays: number;
}

export function numberFlag(name: string, text: string | undefined, check: (v: number) => boolean, rule: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !check(v)) {
    throw new DerchainInputError(`--${name} must be ${rule} (got ${JSON.stringify(text)})`, { field: name });
  }
  return v;
}

function prosumersFlag(text: string | undefined, max: number | undefined): number | string[] | undefined {
  if (text === undefined) return undefined;
  const upTo = max ?? Number.MAX_SAFE_INTEGER;
  const rule = max ? `a whole number from 1 to ${max}` : 'a whole number >= 1';
  if (/^\s*\d+\s*$/.test(text)) return numberFlag('prosumers', text, (v) => Number.isInteger(v) && v >= 1 && v <= upTo, rule);
  const ids = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (ids.length === 0) throw new DerchainInputError('--prosumers must be a number or a comma-separated list of ids', { field: 'prosumers' });
  if (ids.length > upTo) throw new DerchainInputError(`--prosumers lists ${ids.length} ids; at most ${upTo}`, { field: 'prosumers' });
  return ids;
}

/** Registers the shared options on a command. */
export function addScenarioOptions(cmd: Command, limits: ScenarioLimits): Command {
  return cmd
    .option('--data <path>', 'long-format CSV file or extract directory (default: shared extract if present, else generator)')
    .option('--generator', 'use the built-in generator even when the shared extract is present')
    .option('--params <file>', 'DER parameters per prosumer id, YAML or JSON')
    .option(
      '--prosumers <n|ids>',
      `number of prosumers${limits.maxProsumers ? ` (at most ${limits.maxProsumers})` : ''}, or comma-separated ids (default: 10 for extract and generator)`,
    )
    .option('--start <date>', 'first slot: YYYY-MM-DD (local midnight), YYYY-MM-DDTHH:MM, or an ISO instant with offset')
    .option('--days <d>', `length of the period in days (at most ${limits.maxDays})`, '1')
    .option('--seed <s>', 'seed of the generator and of the default parameters', '1')
    .option('--market <market>', 'pool (community market, one price per slot; default) or bilateral (the paper\'s pairwise market)', 'pool')
    .option('--rolling <H>', 'pool: after the first clearing, re-clear every slot for H slots, window shifted one slot, warm-started', '0')
    .option('--rho <r>', `ADMM penalty rho, currency/kWh per kW (bilateral: initial value, default ${DEFAULT_ADMM_OPTIONS.rho}; pool: fixed, default scale-aware (max energy price - min feed-in) / RMS(load - PV))`)
    .option('--alpha <a>', 'pool: over-relaxation alpha in [1, 2)', String(DEFAULT_POOL_OPTIONS.alpha))
    .option('--pool-eps-primal <kW>', 'pool: stop when every slot\'s imbalance per household is below this, kW', String(DEFAULT_POOL_OPTIONS.epsPrimal))
    .option('--pool-eps-dual <price>', 'pool: and the dual residual per entry (RMS) below this, currency/kWh', String(DEFAULT_POOL_OPTIONS.epsDual))
    .option('--max-iterations <k>', 'ADMM iteration cap', String(DEFAULT_ADMM_OPTIONS.maxIterations))
    .option('--eps-abs <kW>', 'stop when the primal residual is below this per trade entry (RMS), kW', String(DEFAULT_ADMM_OPTIONS.epsAbs))
    .option('--eps-dual <price>', 'and the dual residual below this per entry (RMS), currency/kWh', String(DEFAULT_ADMM_OPTIONS.epsDual))
    .option('--eps-rel <fraction>', 'relative tolerance added to both (0 to 1)', String(DEFAULT_ADMM_OPTIONS.epsRel))
    .option('--no-balance-rho', 'keep rho fixed (default: residual balancing doubles or halves it)')
    .option('--dr-mode <mode>', 'demand response: baseline (reduction below a baseline import) or paper (eq. 12 as printed)', 'baseline');
}

/** The ADMM settings the flags choose (the rest of AdmmOptions keeps its defaults). */
export type AdmmKnobs = Pick<AdmmOptions, 'rho' | 'maxIterations' | 'epsAbs' | 'epsDual' | 'epsRel' | 'balanceRho'>;

/** The stopping rule as the JSON summaries report it. */
export function tolerancesOf(admm: AdmmKnobs): Pick<AdmmKnobs, 'epsAbs' | 'epsDual' | 'epsRel' | 'balanceRho'> {
  return { epsAbs: admm.epsAbs, epsDual: admm.epsDual, epsRel: admm.epsRel, balanceRho: admm.balanceRho };
}

/** The pool settings the flags choose (rho undefined: scale-aware). */
export type PoolKnobs = Pick<PoolOptions, 'alpha' | 'epsPrimal' | 'epsDual' | 'maxIterations'> & { rho?: number };

export interface ParsedScenarioFlags extends LoadedScenario {
  admm: AdmmKnobs;
  market: Market;
  pool: PoolKnobs;
  /** pool re-clears after the first clearing (0: none) */
  rolling: number;
}

// Tolerances go on chain in 1e-6 fixed point (epsRel in ppm): coarser than that is below resolution.
const toleranceRule = 'a number from 0.000001 to 1000';
const isTolerance = (v: number) => v >= 1e-6 && v <= 1000;

/** Reads and checks the scenario the flags describe (DerchainInputError on bad input). */
export function scenarioFromFlags(flags: ScenarioFlags, limits: ScenarioLimits): ParsedScenarioFlags {
  const days = numberFlag('days', flags.days, (v) => v > 0 && v <= limits.maxDays, `a positive number of days (at most ${limits.maxDays})`);
  const seed = numberFlag('seed', flags.seed, (v) => Number.isInteger(v), 'an integer');
  const rhoGiven = numberFlag(
    'rho',
    flags.rho,
    (v) => v >= RHO_RANGE.min && v <= RHO_RANGE.max,
    `a number from ${RHO_RANGE.min} to ${RHO_RANGE.max} (currency/kWh per kW)`,
  );
  const rho = rhoGiven ?? DEFAULT_ADMM_OPTIONS.rho;
  const market = (flags.market ?? 'pool') as Market;
  if (!MARKETS.includes(market)) throw new DerchainInputError(`--market must be pool or bilateral (got ${JSON.stringify(flags.market)})`, { field: 'market' });
  const rolling = numberFlag('rolling', flags.rolling, (v) => Number.isInteger(v) && v >= 0 && v <= 168, 'a whole number of slots from 0 to 168') ?? 0;
  if (rolling > 0 && market !== 'pool') throw new DerchainInputError('--rolling needs --market pool', { field: 'rolling' });
  const maxIterations =
    numberFlag('max-iterations', flags.maxIterations, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1') ?? DEFAULT_ADMM_OPTIONS.maxIterations;
  const admm: AdmmKnobs = {
    rho,
    maxIterations,
    epsAbs: numberFlag('eps-abs', flags.epsAbs, isTolerance, toleranceRule) ?? DEFAULT_ADMM_OPTIONS.epsAbs,
    epsDual: numberFlag('eps-dual', flags.epsDual, isTolerance, toleranceRule) ?? DEFAULT_ADMM_OPTIONS.epsDual,
    epsRel: numberFlag('eps-rel', flags.epsRel, (v) => v >= 0 && v <= 1, 'a number from 0 to 1') ?? DEFAULT_ADMM_OPTIONS.epsRel,
    balanceRho: flags.balanceRho ?? DEFAULT_ADMM_OPTIONS.balanceRho,
  };
  const drMode = flags.drMode ?? 'baseline';
  if (drMode !== 'baseline' && drMode !== 'paper') {
    throw new DerchainInputError(`--dr-mode must be baseline or paper (got ${JSON.stringify(drMode)})`, { field: 'dr-mode' });
  }
  const prosumers = prosumersFlag(flags.prosumers, limits.maxProsumers);
  const loaded = loadScenario({
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(flags.generator ? { generator: true } : {}),
    ...(flags.params !== undefined ? { params: flags.params } : {}),
    ...(prosumers !== undefined ? { prosumers } : {}),
    ...(flags.start !== undefined ? { start: flags.start } : {}),
    ...(days !== undefined ? { days } : {}),
    ...(seed !== undefined ? { seed } : {}),
    modelOptions: { demandResponse: drMode },
  });
  if (limits.maxProsumers !== undefined && loaded.scenario.prosumers.length > limits.maxProsumers) {
    throw new DerchainInputError(`the data has ${loaded.scenario.prosumers.length} prosumers; give --prosumers (at most ${limits.maxProsumers})`, {
      field: 'prosumers',
    });
  }
  const pool: PoolKnobs = {
    alpha: numberFlag('alpha', flags.alpha, (v) => v >= 1 && v < 2, 'a number from 1 (inclusive) to 2 (exclusive)') ?? DEFAULT_POOL_OPTIONS.alpha,
    epsPrimal: numberFlag('pool-eps-primal', flags.poolEpsPrimal, isTolerance, toleranceRule) ?? DEFAULT_POOL_OPTIONS.epsPrimal,
    epsDual: numberFlag('pool-eps-dual', flags.poolEpsDual, isTolerance, toleranceRule) ?? DEFAULT_POOL_OPTIONS.epsDual,
    maxIterations,
    ...(rhoGiven !== undefined ? { rho: rhoGiven } : {}),
  };
  return { ...loaded, admm, market, pool, rolling };
}

/** Help text on the data flags, shared by the commands. */
export const DATA_HELP = `
Data (first match wins):
  --data FILE       a CSV in the project's long format (docs/data-format.md): one row per
                    prosumer and slot, columns timestamp, prosumer, load_kW, pv_kW,
                    outdoor_temp_C and optionally price_per_kWh
  --data DIR        a directory with the shared extract's yearly files (load_kW.csv, ...)
  --generator       the built-in generator (${GENERATOR_DEFAULTS.location.name}, from ${GENERATOR_DEFAULTS.start})
  (nothing)         the shared extract at ../shared/data next to the repository
                    (${DATA_DIR_ENV} overrides; set it empty to turn it off), else the generator

Period and prosumers: --start picks the first slot (a date means local midnight as the file
writes it), --days the length (default 1), --prosumers the first N (for the extract: its
recommended homes first) or a list of ids such as H01,H03.

Parameters: --params FILE (YAML or JSON) maps prosumer ids (or "*" for all others) to DER
parameters; prosumers not listed get seeded defaults (model/defaults.ts).
`;
