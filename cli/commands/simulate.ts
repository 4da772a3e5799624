// `derchain simulate`: one coordination run in memory. Loads a scenario (data file, the shared
// extract, or the built-in generator; parameter file or defaults), solves the centralised
// reference and runs ADMM, prints a readable summary (or one JSON object with --json), and with
// --out writes the report (report/writeReport.ts). Progress goes to stderr: a bar on a terminal,
// periodic log lines otherwise. Exit codes: 0 ok, 1 error, 2 bad input (DerchainInputError or a
// usage error).
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import Table from 'cli-table3';
import { runAdmmAsync } from '../../admm/engine.js';
import { setupPool, type PoolResult } from '../../admm/poolEngine.js';
import { rollingWindow, runPoolRolling, type RollingResult } from '../../admm/poolRolling.js';
import type { CoordinationResult, IterationRecord } from '../../admm/types.js';
import type { DataOrigin } from '../../data/loadScenario.js';
import type { Scenario } from '../../model/scenario.js';
import { buildSummary, headlineFigures } from '../../report/reportSummary.js';
import { checkReportTarget } from '../../report/reportTarget.js';
import { writeReport } from '../../report/writeReport.js';
import { EXIT_BAD_INPUT, EXIT_OK, exitOnInputError } from '../inputErrorExit.js';
import { addLogFormatOption, cliLogger, logFormatOf } from '../logOutput.js';
import { addScenarioOptions, DATA_HELP, scenarioFromFlags, tolerancesOf, type AdmmKnobs, type Market, type PoolKnobs, type ScenarioFlags } from '../scenarioOptions.js';
import { DerchainInputError } from '../../errors/inputError.js';


interface SimulateFlags extends ScenarioFlags {
  json?: boolean;
  out?: string;
  logFormat?: string;
}

const LIMITS = { maxDays: 366 };

function describeOrigin(origin: DataOrigin): string {
  switch (origin.kind) {
    case 'file':
      return `data file ${origin.path}`;
    case 'extract':
      return `real extract ${origin.dir}`;
    case 'generator':
      return 'built-in generator';
  }
}

/** The one JSON object --json prints. */
export function jsonSummary(
  result: CoordinationResult,
  scenario: Scenario,
  origin: DataOrigin,
  extra: { admm: AdmmKnobs; reportDir?: string; market?: Market; pool?: PoolKnobs; rolling?: RollingResult },
) {
  const pool = isPoolResult(result) ? result.pool : null;
  return {
    market: extra.market ?? (pool ? 'pool' : 'bilateral'),
    prosumers: result.prosumers.length,
    prosumerIds: result.prosumers,
    horizon: result.horizon,
    dtHours: result.dtHours,
    start: result.timestamps[0],
    end: result.timestamps[result.timestamps.length - 1],
    source: scenario.source,
    dataOrigin: origin.kind,
    demandResponse: scenario.options.demandResponse,
    rho: pool ? pool.rho : extra.admm.rho,
    tolerances: pool ? { epsPrimal: extra.pool?.epsPrimal, epsDual: extra.pool?.epsDual, alpha: pool.alpha } : tolerancesOf(extra.admm),
    ...headlineFigures(result),
    ...(pool
      ? {
          status: pool.status,
          largestImbalanceKw: pool.largestImbalanceKw,
          resolutionKw: pool.resolutionKw,
          clearingPrices: pool.clearingPrices,
          settlement: pool.settlement,
        }
      : {}),
    ...(extra.rolling
      ? {
          rolling: {
            reclears: extra.rolling.steps.length - 1,
            iterations: extra.rolling.steps.slice(1).map((s) => s.iterations),
            maxIterations: Math.max(0, ...extra.rolling.steps.slice(1).map((s) => s.iterations)),
            steps: extra.rolling.steps,
          },
        }
      : {}),
    ...(extra.reportDir !== undefined ? { reportDir: extra.reportDir } : {}),
  };
}

function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return '-';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return v.toFixed(digits);
}

/** toFixed without a "-0.0" for tiny negative values. */
function fixed(v: number, digits: number): string {
  const text = v.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

function isPoolResult(r: CoordinationResult): r is PoolResult {
  return (r as Partial<PoolResult>).market === 'pool';
}

function convergenceWords(result: CoordinationResult): string {
  if (result.converged) return 'converged';
  if (result.stopRuleMet) return `NOT converged: the residuals are small but the gap to the optimum is ${(100 * result.relativeGap).toFixed(2)} % (change --rho)`;
  return 'NOT converged (raise --max-iterations or change --rho)';
}

function readableSummary(result: CoordinationResult, scenario: Scenario, origin: DataOrigin, reportDir?: string, rolling?: RollingResult): string {
  const s = buildSummary(result, scenario);
  const pool = isPoolResult(result) ? result.pool : null;
  const lines = [
    `derchain simulate: ${result.prosumers.length} prosumers x ${result.horizon} slots of ${result.dtHours} h, ${result.timestamps[0]} to ${result.timestamps[result.timestamps.length - 1]}`,
    `  data        ${describeOrigin(origin)} (${scenario.source})`,
    `  market      ${pool ? `pool (one price per slot; rho ${fmt(pool.rho)}, alpha ${pool.alpha}, rows at ${pool.resolutionKw * 1000} W)` : 'bilateral (the paper\'s pairwise market)'}`,
    `  ADMM        ${result.iterations} iterations, ${convergenceWords(result)}, ${result.seconds.toFixed(2)} s`,
    `  objective   ADMM ${fmt(result.admmObjective)}   centralised ${fmt(result.centralizedObjective)}   relative gap ${fmt(result.relativeGap, 6)}`,
    `  residuals   primal ${fmt(result.primalResidual)} kW   dual ${fmt(result.dualResidual)} per kWh`,
    `  trades      biggest seller ${s.biggestSeller}, biggest buyer ${s.biggestBuyer}`,
  ];
  if (pool) lines.push(`  imbalance   largest slot imbalance before balancing ${fmt(pool.largestImbalanceKw)} kW (balanced trades sum to zero exactly)`);
  if (rolling) {
    const its = rolling.steps.slice(1).map((x) => x.iterations);
    lines.push(`  rolling     ${its.length} re-clears, iterations ${its.join(' ')} (first clearing ${rolling.steps[0].iterations})`);
  }
  const table = new Table({
    head: ['prosumer', 'PV kWh', 'load kWh', 'grid kWh', 'feed-in kWh', 'sold kWh', 'bought kWh', 'cost ADMM', 'cost central', ...(pool ? ['settlement'] : [])],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const [k, p] of s.totals.entries()) {
    table.push([
      p.id,
      fixed(p.pvAvailableKWh, 1),
      fixed(p.loadKWh, 1),
      fixed(p.gridPurchaseKWh, 1),
      fixed(p.feedInKWh, 1),
      fixed(p.soldKWh, 1),
      fixed(p.boughtKWh, 1),
      fixed(p.admmCost, 2),
      Number.isFinite(p.centralizedCost) ? fixed(p.centralizedCost, 2) : '-',
      ...(pool ? [fixed(pool.settlement[k].currency, 2)] : []),
    ]);
  }
  lines.push(table.toString());
  if (reportDir !== undefined) lines.push(`  report      ${reportDir}/report.html (and schedules.csv, trades.csv, summary.json)`);
  return `${lines.join('\n')}\n`;
}

/** Progress on stderr (cli/logOutput.ts): one line updated in place on a terminal, a JSON line every few seconds otherwise. */
function progressReporter(maxIterations: number, logFormat: string | undefined) {
  const format = logFormatOf(logFormat, process.stderr);
  const { log, end } = cliLogger({ name: 'derchain', format, stream: process.stderr, level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' });
  let lastLog = 0;
  return {
    log,
    onIteration(record: IterationRecord): void {
      const now = Date.now();
      // the text line updates in place, so every iteration; JSON lines every 5 s
      if (format === 'text' || record.iteration === 1 || now - lastLog >= 5000) {
        lastLog = now;
        log.info(
          { progress: true, iteration: record.iteration, of: maxIterations, primalResidual: record.primalResidual, dualResidual: record.dualResidual, rho: record.rho },
          'admm progress',
        );
      }
    },
    stop: end,
  };
}

/** The scenario of a rolling run: the requested period plus H slots (the windows' tails). */
function rollingScenario(flags: SimulateFlags, hours: number) {
  const first = scenarioFromFlags(flags, LIMITS);
  const window = first.scenario.horizon;
  const slotsPerDay = Math.round(24 / first.scenario.dtHours);
  const days = Number(flags.days ?? '1') + Math.ceil(hours / slotsPerDay);
  if (days > LIMITS.maxDays) throw new DerchainInputError(`--rolling ${hours} needs ${days} days of data; at most ${LIMITS.maxDays}`, { field: 'rolling' });
  const full = scenarioFromFlags({ ...flags, days: String(days) }, LIMITS);
  if (full.scenario.horizon < window + hours) {
    throw new DerchainInputError(`--rolling ${hours} needs ${window + hours} slots of data from the start; the data has ${full.scenario.horizon}`, { field: 'rolling' });
  }
  return { ...full, window };
}

async function simulate(flags: SimulateFlags): Promise<void> {
  const parsed = scenarioFromFlags(flags, LIMITS);
  const { origin, admm, market, pool: poolKnobs, rolling: hours } = parsed;
  let scenario = parsed.scenario;
  if (flags.out !== undefined) checkReportTarget(flags.out);
  const progress = progressReporter(market === 'pool' ? poolKnobs.maxIterations : admm.maxIterations, flags.logFormat);
  progress.log.info(
    { source: scenario.source, prosumers: scenario.prosumers.length, horizon: scenario.horizon, market, ...(market === 'pool' ? poolKnobs : admm), rolling: hours },
    'simulate: running ADMM and the centralised reference',
  );
  let result: CoordinationResult;
  let rolling: RollingResult | undefined;
  try {
    if (market === 'bilateral') result = await runAdmmAsync(scenario, admm, (r) => progress.onIteration(r));
    else if (hours > 0) {
      const full = rollingScenario(flags, hours);
      rolling = runPoolRolling(full.scenario, { hours, window: full.window }, poolKnobs, (step) =>
        progress.log.info({ reclear: step.index, iterations: step.iterations, relativeGap: step.relativeGap }, 'rolling re-clear'),
      );
      result = rolling.first;
      scenario = rollingWindow(full.scenario, 0, full.window);
    } else result = await setupPool(scenario, poolKnobs).solveAsync((r) => progress.onIteration(r));
  } finally {
    progress.stop();
  }
  let reportDir: string | undefined;
  if (flags.out !== undefined) {
    const notes = [`derchain simulate ${process.argv.slice(3).join(' ')}`.trim()];
    reportDir = writeReport(result, scenario, flags.out, { notes }).outDir;
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify(jsonSummary(result, scenario, origin, { admm, market, pool: poolKnobs, ...(rolling ? { rolling } : {}), ...(reportDir ? { reportDir } : {}) }))}\n`,
    );
  } else {
    process.stdout.write(readableSummary(result, scenario, origin, reportDir, rolling));
  }
}

const HELP_AFTER = `${DATA_HELP}
Examples:
  $ derchain simulate                                   # 10 prosumers, 1 day, default data
  $ derchain simulate --prosumers 3 --json              # small run, one JSON object on stdout
  $ derchain simulate --days 7 --out out/week           # a week, report in out/week/report.html
  $ derchain simulate --data ../shared/data/week_winter_2017-01-23.csv --start 2017-01-24 --days 2
  $ derchain simulate --generator --seed 7 --prosumers 5 --start 2016-12-05
  $ derchain simulate --market bilateral --json         # the paper's pairwise market
  $ derchain simulate --rolling 6 --json                # pool: then 6 hourly re-clears, warm-started
  $ derchain simulate --params my-homes.yaml --dr-mode paper --rho 0.2 --max-iterations 300

Exit codes: 0 ok, 1 error, 2 bad input (the message names file, line, prosumer and field).
`;

export function register(program: Command): void {
  const cmd = addScenarioOptions(
    program.command('simulate').description('Coordinate the prosumers in memory: centralised optimum and ADMM, with an optional HTML report'),
    LIMITS,
  )
    .option('--json', 'print one JSON object on stdout (progress and logs stay on stderr)')
    .option('--out <dir>', 'write the report (report.html, schedules.csv, trades.csv, summary.json) to DIR');
  addLogFormatOption(cmd)
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(derchain simulate --help shows the options and examples)')
    .exitOverride((err: CommanderError) => {
      // help and version exit 0; every usage error is bad input
      process.exit(err.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT);
    })
    .action(exitOnInputError('simulate', simulate));
}
