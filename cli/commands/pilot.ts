// `derchain pilot` (npm start): the on-chain run. Starts anvil (or uses --rpc nodes), deploys the
// coordinator, creates and admits one key per prosumer, runs one agent process per prosumer,
// drives a round to convergence with a progress display on stderr, replays it from the chain,
// compares every iterate with the in-memory engine and writes the report with gas per iteration.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import pino from 'pino';
import type { Hex } from 'viem';
import { DEFAULT_ADMM_OPTIONS } from '../../admm/engine.js';
import { loadScenario } from '../../data/loadScenario.js';
import { DerchainInputError } from '../../model/errors.js';
import { writeReport } from '../../report/writeReport.js';
import { runPilot } from '../../node-agent/pilot.js';

interface PilotFlags {
  data?: string;
  generator?: boolean;
  params?: string;
  prosumers?: string;
  start?: string;
  days?: string;
  seed?: string;
  rho?: string;
  maxIterations?: string;
  rpc?: string[];
  operatorKeyFile?: string;
  blockTime?: string;
  deadlineBlocks?: string;
  out?: string;
  json?: boolean;
}

function num(name: string, text: string | undefined, ok: (v: number) => boolean, rule: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new DerchainInputError(`--${name} must be ${rule} (got ${JSON.stringify(text)})`, { field: name });
  return v;
}

async function pilot(flags: PilotFlags): Promise<void> {
  const log = pino({ name: 'derchain-pilot', level: process.env.DERCHAIN_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 2, sync: true }));
  const prosumers = num('prosumers', flags.prosumers, (v) => Number.isInteger(v) && v >= 2 && v <= 64, 'a whole number from 2 to 64');
  const days = num('days', flags.days, (v) => v > 0 && v <= 7, 'a positive number of days (at most 7)');
  const seed = num('seed', flags.seed, (v) => Number.isInteger(v), 'an integer');
  const rho = num('rho', flags.rho, (v) => v > 0, 'a positive number') ?? DEFAULT_ADMM_OPTIONS.rho;
  const maxIterations = num('max-iterations', flags.maxIterations, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1') ?? DEFAULT_ADMM_OPTIONS.maxIterations;
  const blockTime = num('block-time', flags.blockTime, (v) => v >= 0 && v <= 60, 'seconds from 0 to 60') ?? 0;
  const deadlineBlocks = num('deadline-blocks', flags.deadlineBlocks, (v) => Number.isInteger(v) && v >= 1, 'a whole number >= 1');
  const { scenario } = loadScenario({
    ...(flags.data !== undefined ? { data: flags.data } : {}),
    ...(flags.generator ? { generator: true } : {}),
    ...(flags.params !== undefined ? { params: flags.params } : {}),
    prosumers: prosumers ?? 10,
    ...(flags.start !== undefined ? { start: flags.start } : {}),
    ...(days !== undefined ? { days } : {}),
    ...(seed !== undefined ? { seed } : {}),
  });
  let operatorKey: Hex | undefined;
  if (flags.operatorKeyFile) operatorKey = readFileSync(flags.operatorKeyFile, 'utf8').trim() as Hex;
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: 'pilot |{bar}| iteration {value} | primal² {primal} | gas {gas} | {duration}s', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(maxIterations, 0, { primal: '-', gas: '-' });
  const result = await runPilot({
    scenario,
    admm: { rho, maxIterations },
    ...(flags.rpc && flags.rpc.length ? { rpcUrls: flags.rpc } : {}),
    ...(operatorKey ? { operatorKey } : {}),
    blockTime,
    ...(deadlineBlocks !== undefined ? { deadlineBlocks } : {}),
    log,
    onIteration: (it) => {
      if (bar) bar.update(it.iteration, { primal: Number(it.primalSq).toExponential(2), gas: Number(it.gas).toLocaleString('en-US') });
      else log.info({ iteration: it.iteration, primalSq: String(it.primalSq), dualSq: String(it.dualSq), gas: Number(it.gas), converged: it.converged }, 'iteration on chain');
    },
  }).finally(() => bar?.stop());
  const r = result.inMemory;
  const gasPerIteration = result.gasPerIteration.map(Number);
  const outDir = flags.out ?? `out/pilot-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  if (r) {
    r.seconds = result.seconds;
    r.history.forEach((h, k) => (h.gas = gasPerIteration[k]));
    writeReport(r, scenario, outDir, { gasPerIteration, title: 'derchain pilot (on chain)', notes: [`contract ${result.contract}, round ${result.round}, matchesInMemory ${result.matchesInMemory}`] });
  }
  const summary = {
    prosumers: scenario.prosumers.length,
    horizon: scenario.horizon,
    iterations: result.iterations,
    converged: result.converged,
    admmObjective: r?.admmObjective ?? null,
    centralizedObjective: r?.centralizedObjective ?? null,
    relativeGap: r?.relativeGap ?? null,
    primalResidual: r?.primalResidual ?? null,
    dualResidual: r?.dualResidual ?? null,
    seconds: result.seconds,
    gasPerIteration: gasPerIteration.length ? Math.max(...gasPerIteration) : 0,
    gasTotal: Number(result.gasTotal),
    blocks: Number(result.blocks),
    matchesInMemory: result.matchesInMemory,
    contract: result.contract,
    secondsPerIteration: result.secondsPerIteration,
    reportDir: outDir,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      [
        `derchain pilot: ${summary.prosumers} prosumers x ${summary.horizon} slots, contract ${summary.contract}`,
        `  on chain     ${summary.iterations} iterations, ${summary.converged ? 'converged' : 'NOT converged'}, ${summary.seconds.toFixed(1)} s (${summary.secondsPerIteration.toFixed(2)} s/iteration), ${summary.blocks} blocks`,
        `  gas          ${summary.gasPerIteration.toLocaleString('en-US')} per iteration (largest), ${summary.gasTotal.toLocaleString('en-US')} in total`,
        `  objective    ADMM ${summary.admmObjective?.toFixed(4)}  centralised ${summary.centralizedObjective?.toFixed(4)}  relative gap ${summary.relativeGap?.toExponential(2)}`,
        `  exactness    every iterate equals the in-memory engine: ${summary.matchesInMemory}${result.inMemoryMismatch ? ` (${result.inMemoryMismatch})` : ''}`,
        `  report       ${outDir}/report.html`,
        '',
      ].join('\n'),
    );
  }
  if (result.matchesInMemory === false || result.replay.mismatches.length > 0) process.exitCode = 1;
}

export function register(program: Command): void {
  program
    .command('pilot')
    .description('Run the coordination on chain: anvil (or --rpc nodes), the coordinator contract, one agent process per prosumer, report with gas')
    .option('--data <path>', 'long-format CSV file or extract directory (default: shared extract if present, else generator)')
    .option('--generator', 'use the built-in generator')
    .option('--params <file>', 'DER parameters per prosumer id, YAML or JSON')
    .option('--prosumers <n>', 'number of prosumers (2-64)', '10')
    .option('--start <date>', 'first slot')
    .option('--days <d>', 'length of the period in days (T = 24 per day)')
    .option('--seed <s>', 'generator seed')
    .option('--rho <r>', 'initial rho, currency/kWh per kW', String(DEFAULT_ADMM_OPTIONS.rho))
    .option('--max-iterations <k>', 'iteration cap', String(DEFAULT_ADMM_OPTIONS.maxIterations))
    .option('--rpc <url...>', 'existing loopback node(s); agents are spread round-robin (default: start anvil)')
    .option('--operator-key-file <file>', 'file with the funded operator key (with --rpc)')
    .option('--block-time <s>', 'anvil block period in seconds (default: automine)')
    .option('--deadline-blocks <b>', 'blocks before advance() may fill in a missing prosumer')
    .option('--out <dir>', 'report directory (default out/pilot-<timestamp>)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (flags: PilotFlags) => {
      try {
        await pilot(flags);
      } catch (err) {
        if (err instanceof DerchainInputError) {
          process.stderr.write(`derchain pilot: ${err.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    });
}
