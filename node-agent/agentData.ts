// The one file an agent reads its data from: its own prosumer's series and DER parameters, the
// tariff and the model options of the round, nothing about other prosumers. The pilot writes one
// per agent from the scenario; a real deployment writes it from the household's own meter data.
import { readFileSync, writeFileSync } from 'node:fs';
import type { ModelOptions, ProsumerInput, Scenario, Tariff } from '../model/scenario.js';
import { blockContext } from '../model/socialProblem.js';

export interface AgentData {
  prosumer: ProsumerInput;
  tariff: Tariff;
  options: ModelOptions;
  dtHours: number;
  horizon: number;
  /** slot of the day of the first slot (model/slotCalendar.ts) */
  startSlot: number;
}

const FORMAT = 'derchain-agent-data-1';

/** Prosumer i's own data out of a scenario. */
export function agentDataOf(scenario: Scenario, i: number): AgentData {
  return {
    prosumer: scenario.prosumers[i],
    tariff: scenario.tariff,
    options: scenario.options,
    dtHours: scenario.dtHours,
    horizon: scenario.horizon,
    startSlot: blockContext(scenario).startSlot,
  };
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v)));
}

/** Writes the data file (mode 0600; JSON numbers round-trip exactly). */
export function writeAgentData(file: string, data: AgentData): void {
  writeFileSync(file, JSON.stringify({ format: FORMAT, ...(plain(data) as object) }), { mode: 0o600 });
}

export function readAgentData(file: string): AgentData {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & {
    prosumer: { id: string; series: Record<string, number[]>; params: ProsumerInput['params'] };
    tariff: { energy: number[]; demandCharge: number; feedIn: number[]; demandResponse: number[] };
  };
  if (raw.format !== FORMAT) throw new Error(`${file} is not a derchain agent data file (format ${String(raw.format)})`);
  const f64 = (a: number[] | undefined, name: string): Float64Array => {
    if (!Array.isArray(a)) throw new Error(`${file}: ${name} missing`);
    return Float64Array.from(a);
  };
  const s = raw.prosumer.series;
  return {
    prosumer: {
      id: raw.prosumer.id,
      series: { load: f64(s.load, 'load'), pv: f64(s.pv, 'pv'), tOut: f64(s.tOut, 'tOut') },
      params: raw.prosumer.params,
    },
    tariff: {
      energy: f64(raw.tariff.energy, 'tariff.energy'),
      demandCharge: raw.tariff.demandCharge,
      feedIn: f64(raw.tariff.feedIn, 'tariff.feedIn'),
      demandResponse: f64(raw.tariff.demandResponse, 'tariff.demandResponse'),
    },
    options: raw.options as ModelOptions,
    dtHours: raw.dtHours as number,
    horizon: raw.horizon as number,
    startSlot: raw.startSlot as number,
  };
}
