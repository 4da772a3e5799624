// `derchain pilot --transport lorawan|coap`: the community market cleared through the radio path
// (operator/radioPilot.ts) on the real contract, with a line per clearing (simulated time) on
// stderr, the report with its radio section (report/radioFigures.ts) and a summary: iterations,
// matchesInMemory, simulated time per clearing, airtime per device and gateway, duty-cycle headroom,
// retries and losses, the gas the relay paid.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Hex } from 'viem';
import { setupPool } from '../admm/poolEngine.js';
import { DerchainInputError } from '../errors/inputError.js';
import { runRadioPilot, type RadioTransport } from '../operator/radioPilot.js';
import { REGIONS, type RegionName } from '../radio/regionalParameters.js';
import type { SpreadingFactor } from '../radio/timeOnAir.js';
import { radioReportFigures } from '../report/radioFigures.js';
import { checkReportTarget } from '../report/reportTarget.js';
import { writeReport } from '../report/writeReport.js';
import type { PilotFlags } from './commands/pilot.js';
import { numberFlag, type ParsedScenarioFlags } from './scenarioOptions.js';

export interface RadioPilotFlags {
  transport?: string;
  gateways?: string;
  spreadingFactors?: string;
  uplinkLoss?: string;
  uplinkAccess?: string;
  region?: string;
}

const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]! : 0);

export async function pilotRadio(flags: PilotFlags & RadioPilotFlags, parsed: ParsedScenarioFlags, log: Logger): Promise<void> {
  const { scenario, pool } = parsed;
  const transport = flags.transport as RadioTransport;
  if (transport !== 'lorawan' && transport !== 'coap') throw new DerchainInputError(`--transport must be rpc, lorawan or coap (got ${JSON.stringify(flags.transport)})`, { field: 'transport' });
  const gateways = numberFlag('gateways', flags.gateways, (v) => Number.isInteger(v) && v >= 1 && v <= 16, 'a whole number from 1 to 16') ?? 1;
  const uplinkLoss = numberFlag('uplink-loss', flags.uplinkLoss, (v) => v >= 0 && v < 0.9, 'a share from 0 to 0.9') ?? 0;
  const uplinkAccess = flags.uplinkAccess ?? 'slotted';
  if (uplinkAccess !== 'slotted' && uplinkAccess !== 'aloha') throw new DerchainInputError(`--uplink-access must be slotted or aloha (got ${JSON.stringify(flags.uplinkAccess)})`, { field: 'uplink-access' });
  const region = (flags.region ?? 'EU868') as RegionName;
  if (!(region in REGIONS)) throw new DerchainInputError(`--region must be EU868 or US915 (got ${JSON.stringify(flags.region)})`, { field: 'region' });
  const spreadingFactors = (flags.spreadingFactors ?? '7,8,9').split(',').map((x) => Number(x.trim()));
  if (spreadingFactors.some((sf) => !Number.isInteger(sf) || sf < 7 || sf > 12)) {
    throw new DerchainInputError(`--spreading-factors must be a comma list of 7..12 (got ${JSON.stringify(flags.spreadingFactors)})`, { field: 'spreading-factors' });
  }
  const outDir = flags.out ?? `out/pilot-${transport}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  checkReportTarget(outDir);
  let operatorKey: Hex | undefined;
  if (flags.operatorKeyFile) operatorKey = readFileSync(flags.operatorKeyFile, 'utf8').trim() as Hex;
  const poolOptions = { alpha: pool.alpha, epsPrimal: pool.epsPrimal, epsDual: pool.epsDual, maxIterations: pool.maxIterations, ...(pool.rho !== undefined ? { rho: pool.rho } : {}) };
  const r = await runRadioPilot({
    scenario,
    transport,
    pool: poolOptions,
    ...(flags.rpc?.length ? { rpcUrls: flags.rpc } : {}),
    ...(operatorKey ? { operatorKey } : {}),
    region,
    spreadingFactors: spreadingFactors as SpreadingFactor[],
    gateways,
    uplinkLoss,
    uplinkAccess,
    log,
    onClearing: (k, ms) => log.info({ iteration: k, simulatedSeconds: Math.round(ms / 100) / 10 }, 'clearing broadcast over the radio'),
  });
  const radio = r.radio ? radioReportFigures(r.radio, region) : undefined;
  const inMemory = scenario.prosumers.length <= 200 ? setupPool(scenario, poolOptions).solve() : null;
  if (inMemory) {
    writeReport(inMemory, scenario, outDir, {
      title: `derchain pilot, community market over ${transport === 'lorawan' ? 'LoRaWAN (simulated radio)' : 'CoAP (loopback UDP)'}`,
      notes: [`contract ${r.contract}, round ${r.round}, matchesInMemory ${r.matchesInMemory}, relay gas ${r.relayGas}`],
      ...(radio ? { radio } : {}),
    });
  }
  const airtime = radio?.devices.map((d) => d.airtimeS) ?? [];
  const rs = radio
    ? {
        region,
        gateways,
        uplinkAccess: radio.uplinkAccess,
        slotPlanSeconds: radio.slotPlanSeconds,
        simulatedSeconds: radio.simulatedSeconds,
        secondsPerClearingMedian: median(radio.secondsPerClearing),
        secondsPerClearingMax: Math.max(0, ...radio.secondsPerClearing),
        uplinkAirtimeS: Math.round(airtime.reduce((a, b) => a + b, 0) * 10) / 10,
        uplinkAirtimePerDeviceMaxS: Math.max(0, ...airtime),
        leastHeadroomS: Math.min(...radio.dutyCycle.map((u) => u.headroomS)),
        withinDutyCycle: radio.dutyCycle.every((u) => u.headroomS >= -1e-3),
        framesLost: radio.devices.reduce((s, d) => s + d.lost, 0),
        retries: radio.devices.reduce((s, d) => s + d.retries, 0),
        gatewayStats: radio.gatewayStats,
        relay: radio.relay,
      }
    : undefined;
  const summary = {
    market: 'pool',
    transport,
    prosumers: scenario.prosumers.length,
    iterations: r.iterations,
    converged: r.converged,
    matchesInMemory: r.matchesInMemory,
    inMemoryMismatch: r.inMemoryMismatch ?? null,
    carriedOverIterations: r.carriedOver,
    relayGas: Number(r.relayGas),
    relayTransactions: r.relayTransactions,
    wallSeconds: Math.round(r.wallSeconds * 10) / 10,
    contract: r.contract,
    ...(rs ?? { coapRequests: r.coap?.requests }),
    reportDir: inMemory ? outDir : null,
  };
  if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const lines = [
      `derchain pilot (community market over ${transport}): ${summary.prosumers} meters, contract ${r.contract}`,
      `  clearing     ${r.iterations} iterations, ${r.converged ? 'converged' : 'NOT converged'}; every clearing equals the in-memory engine: ${r.matchesInMemory}${r.inMemoryMismatch ? ` (${r.inMemoryMismatch})` : ''}; ${r.carriedOver} iterations closed at the deadline`,
      `  relay        ${summary.relayTransactions} transactions, ${summary.relayGas.toLocaleString('en-US')} gas paid; wall ${summary.wallSeconds} s`,
    ];
    if (radio && rs) {
      lines.push(
        `  radio        ${region}, ${gateways} gateway(s), ${rs.uplinkAccess} uplinks${rs.slotPlanSeconds !== null ? ` (slot plan ${rs.slotPlanSeconds} s)` : ''}: simulated ${(radio.simulatedSeconds / 60).toFixed(2)} min (${rs.secondsPerClearingMedian} s per clearing median, ${rs.secondsPerClearingMax} s max)`,
        `  airtime      uplink ${rs.uplinkAirtimeS} s in all, ${rs.uplinkAirtimePerDeviceMaxS} s on the busiest meter; least duty-cycle headroom ${rs.leastHeadroomS} s; ${rs.framesLost} frames lost, ${rs.retries} retries`,
        ...radio.gatewayStats.map((g) => `  gateway ${g.gatewayId}: ${g.uplinksReceived} uplinks, ${g.downlinkFrames} downlink frames, ${g.downlinkAirtimeS} s downlink airtime`),
      );
    } else lines.push(`  coap         ${r.coap?.requests} requests over loopback UDP`);
    lines.push(`  report       ${inMemory ? `${outDir}/report.html` : 'none (more than 200 meters)'}`, '');
    process.stdout.write(lines.join('\n'));
  }
  if (!r.matchesInMemory) process.exitCode = 1;
}
