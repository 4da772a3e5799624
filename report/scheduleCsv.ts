// schedules.csv: one row per solution (centralized, admm), prosumer and slot, with the inputs of
// that slot (load, PV, outdoor temperature) and every scheduled quantity of the model, units in
// the column names.
import type { CoordinationResult, ProsumerSchedule } from '../admm/types.js';
import type { Scenario } from '../model/scenario.js';
import { toCsv, type CsvCell } from './csvText.js';

export const SCHEDULE_COLUMNS = [
  'solution',
  'prosumer',
  'slot',
  'timestamp',
  'load_kW',
  'pv_available_kW',
  'outdoor_temp_C',
  'pG_kW',
  'pRE_kW',
  'pFIT_kW',
  'pAC_kW',
  'tIn_C',
  'pS_kW',
  'pCH_kW',
  'pDIS_kW',
  'e_kWh',
  'pDR_kW',
  'netTrade_kW',
] as const;

function* scheduleRows(solution: string, schedules: ProsumerSchedule[], scenario: Scenario): Generator<CsvCell[]> {
  for (const s of schedules) {
    const input = scenario.prosumers.find((p) => p.id === s.id);
    for (let t = 0; t < scenario.horizon; t++) {
      yield [
        solution,
        s.id,
        t,
        scenario.timestamps[t],
        input?.series.load[t],
        input?.series.pv[t],
        input?.series.tOut[t],
        s.pG[t],
        s.pRE[t],
        s.pFIT[t],
        s.pAC[t],
        s.tIn[t],
        s.pS[t],
        s.pCH[t],
        s.pDIS[t],
        s.e[t],
        s.pDR[t],
        s.netTrade[t],
      ];
    }
  }
}

/** The CSV text of both solutions' schedules. */
export function schedulesCsv(result: CoordinationResult, scenario: Scenario): string {
  function* all(): Generator<CsvCell[]> {
    yield* scheduleRows('centralized', result.centralSchedules, scenario);
    yield* scheduleRows('admm', result.admmSchedules, scenario);
  }
  return toCsv(SCHEDULE_COLUMNS, all());
}
