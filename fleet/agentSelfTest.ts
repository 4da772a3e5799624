// The agent's side of the supervisor's health check (fleet/healthProtocol.ts): answers heartbeats
// and solves a local problem (paper III-A, the prosumer's own QP) on the meter's own data file when
// the supervisor names one, else on a small built-in day of a default household. Runs inside the
// bundled agent (`agent.mjs --health-check [--data FILE]`).
import { createInterface } from 'node:readline';
import { defaultParams, defaultTariff } from '../model/defaults.js';
import { solveLocal } from '../model/localProblem.js';
import { defaultModelOptions } from '../model/params.js';
import { readAgentData, type AgentData } from '../node-agent/agentData.js';
import type { HealthResponder, SolveReport, SupervisorMessage } from './healthProtocol.js';
import { HEALTH_PROTOCOL } from './protocolVersions.js';

/** One summer day, hourly, of a default household (model/defaults.ts), for meters without a data file. */
export function builtInAgentData(): AgentData {
  const T = 24;
  const start = Date.UTC(2024, 6, 1);
  const timestamps = Array.from({ length: T }, (_, t) => new Date(start + t * 3_600_000).toISOString().replace('.000Z', 'Z'));
  const load = Float64Array.from({ length: T }, (_, h) => 0.4 + (h >= 18 && h < 22 ? 0.8 : 0) + (h >= 7 && h < 9 ? 0.4 : 0));
  const pv = Float64Array.from({ length: T }, (_, h) => (h > 6 && h < 18 ? 4 * Math.sin((Math.PI * (h - 6)) / 12) ** 1.5 : 0));
  const tOut = Float64Array.from({ length: T }, (_, h) => 27 + 6 * Math.sin((2 * Math.PI * (h - 9)) / 24));
  return {
    prosumer: { id: 'self-test', series: { load, pv, tOut }, params: defaultParams(0, 1, 1) },
    tariff: defaultTariff(timestamps, 1),
    options: defaultModelOptions(),
    dtHours: 1,
    horizon: T,
    startSlot: 0,
  };
}

export function createHealthResponder(version: string, dataFile?: string): HealthResponder {
  return {
    hello: () => ({ t: 'ready', version, health: HEALTH_PROTOCOL }),
    heartbeat: (nonce) => ({ t: 'heartbeat-ack', nonce, version }),
    solve(): SolveReport {
      const data = dataFile ? readAgentData(dataFile) : builtInAgentData();
      const partners = 3;
      const n = partners * data.horizon;
      const t0 = performance.now();
      const out = solveLocal({
        prosumer: data.prosumer,
        tariff: data.tariff,
        options: data.options,
        dtHours: data.dtHours,
        partners,
        rho: 0.05,
        lambdaRow: new Float64Array(n),
        hatRow: new Float64Array(n),
        startSlot: data.startSlot,
      });
      const ms = performance.now() - t0;
      const limit = data.prosumer.params.grid.PGmax * 10;
      const finite = out.trades.every((v) => Number.isFinite(v) && Math.abs(v) <= limit);
      return { t: 'solved', ms, status: String(out.status), finite, rssMb: process.memoryUsage().rss / 2 ** 20 };
    },
  };
}

/** Serves the health conversation on stdin/stdout until told to exit or stdin closes. */
export async function serveHealthOverStdio(responder: HealthResponder): Promise<void> {
  const write = (m: unknown) => process.stdout.write(`${JSON.stringify(m)}\n`);
  write(responder.hello());
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const m = JSON.parse(line) as SupervisorMessage;
    if (m.t === 'heartbeat') write(responder.heartbeat(m.nonce));
    else if (m.t === 'solve') write(responder.solve());
    else if (m.t === 'exit') break;
  }
  lines.close();
}
