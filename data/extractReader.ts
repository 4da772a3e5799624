// Reader of the shared real-data extract's wide yearly layout (see ../shared/data/README.md):
// households.csv lists the homes (PV size, quality ratings, the recommended set); load_kW.csv and
// pv_kW.csv hold one column per home (H01_load_kW, H01_pv_kW, ...); weather.csv the outdoor
// temperature and tariff_carbon.csv the time-of-use price, all on the same hourly rows.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DerchainInputError } from '../errors/inputError.js';
import { readCsvFile, requireColumn, type CsvTable } from './csvRecords.js';
import { parseNumberCell, parseTimestampCell } from './fieldValues.js';
import { PLAUSIBLE, type PlausibleRange } from '../model/plausibility.js';
import type { ParsedTimestamp } from './timestamps.js';
import type { ProsumerRows, SeriesTable } from './seriesTable.js';

export const EXTRACT_FILES = {
  households: 'households.csv',
  load: 'load_kW.csv',
  pv: 'pv_kW.csv',
  weather: 'weather.csv',
  tariff: 'tariff_carbon.csv',
} as const;

/** The summer week the extract's README recommends (clean for all recommended homes). */
export const EXTRACT_DEFAULT_START = '2016-08-08';

export interface ExtractHousehold {
  id: string;
  pvCapacityKWp: number;
  recommended: boolean;
  /** load or PV rated "unusable" in households.csv */
  unusable: boolean;
}

/** Whether `dir` holds the extract's wide layout. */
export function isExtractDirectory(dir: string): boolean {
  return Object.values(EXTRACT_FILES).every((f) => existsSync(join(dir, f)));
}

/** Reads households.csv. */
export function readHouseholds(dir: string): ExtractHousehold[] {
  const table = readCsvFile(join(dir, EXTRACT_FILES.households));
  const id = requireColumn(table, ['household_id']);
  const kwp = requireColumn(table, ['pv_capacity_kWp']);
  const rec = requireColumn(table, ['in_recommended_set']);
  const loadQ = requireColumn(table, ['load_quality']);
  const pvQ = requireColumn(table, ['pv_quality']);
  return table.records.map(({ line, values }) => ({
    id: values[id],
    pvCapacityKWp: parseNumberCell(values[kwp], { file: table.file, line, prosumer: values[id], field: 'pv_capacity_kWp' }, PLAUSIBLE.powerKW),
    recommended: values[rec].toLowerCase() === 'yes',
    unusable: values[loadQ] === 'unusable' || values[pvQ] === 'unusable',
  }));
}

function timeAxis(table: CsvTable): { slots: ParsedTimestamp[]; utc: string[] } {
  const utcIdx = requireColumn(table, ['timestamp_utc']);
  const localIdx = table.header.indexOf('timestamp_local');
  const slots: ParsedTimestamp[] = [];
  const utc: string[] = [];
  for (const { line, values } of table.records) {
    const labelIdx = localIdx >= 0 ? localIdx : utcIdx;
    slots.push(parseTimestampCell(values[labelIdx], { file: table.file, line, field: table.header[labelIdx] }));
    utc.push(values[utcIdx]);
  }
  return { slots, utc };
}

function checkSameAxis(reference: CsvTable, refUtc: string[], other: CsvTable): void {
  const idx = requireColumn(other, ['timestamp_utc']);
  if (other.records.length !== reference.records.length) {
    const last = other.records[other.records.length - 1];
    throw new DerchainInputError(
      `has ${other.records.length} rows but ${reference.file} has ${reference.records.length}; the files must share their hourly rows`,
      { file: other.file, line: last?.line ?? 1, field: 'timestamp_utc' },
    );
  }
  other.records.forEach(({ line, values }, k) => {
    if (values[idx] !== refUtc[k]) {
      throw new DerchainInputError(`timestamp ${values[idx]} differs from ${refUtc[k]} on the same row of ${reference.file}`, {
        file: other.file,
        line,
        field: 'timestamp_utc',
      });
    }
  });
}

function numericColumn(table: CsvTable, column: number, prosumer: string | undefined, range: PlausibleRange): number[] {
  return table.records.map(({ line, values }) =>
    parseNumberCell(values[column], { file: table.file, line, prosumer, field: table.header[column] }, range),
  );
}

/** Reads the extract directory into a series table with every usable home, recommended ones first. */
export function readExtractDirectory(dir: string): SeriesTable {
  const households = readHouseholds(dir);
  const load = readCsvFile(join(dir, EXTRACT_FILES.load));
  const pv = readCsvFile(join(dir, EXTRACT_FILES.pv));
  const weather = readCsvFile(join(dir, EXTRACT_FILES.weather));
  const tariff = readCsvFile(join(dir, EXTRACT_FILES.tariff));
  const axis = timeAxis(load);
  for (const other of [pv, weather, tariff]) checkSameAxis(load, axis.utc, other);
  const tempIdx = requireColumn(weather, ['outdoor_temp_C']);
  const priceIdx = requireColumn(tariff, ['price_USD_per_kWh', 'price_per_kWh']);
  const tOut = numericColumn(weather, tempIdx, undefined, PLAUSIBLE.temperatureC);
  const price = numericColumn(tariff, priceIdx, undefined, PLAUSIBLE.price);
  const lines = load.records.map((r) => r.line);
  const timestampColumn = load.header.includes('timestamp_local') ? 'timestamp_local' : 'timestamp_utc';
  const prosumers: ProsumerRows[] = households.map((h) => {
    const loadIdx = requireColumn(load, [`${h.id}_load_kW`]);
    const pvIdx = requireColumn(pv, [`${h.id}_pv_kW`]);
    return {
      id: h.id,
      slots: axis.slots,
      lines,
      load: numericColumn(load, loadIdx, h.id, PLAUSIBLE.powerKW),
      pv: numericColumn(pv, pvIdx, h.id, PLAUSIBLE.powerKW),
      tOut,
      price,
      origin: {
        timestamp: { file: load.file, column: timestampColumn },
        load: { file: load.file, column: load.header[loadIdx] },
        pv: { file: pv.file, column: pv.header[pvIdx] },
        tOut: { file: weather.file, column: weather.header[tempIdx] },
        price: { file: tariff.file, column: tariff.header[priceIdx] },
      },
    };
  });
  const usable = households.filter((h) => !h.unusable);
  const preferredOrder = [...usable.filter((h) => h.recommended), ...usable.filter((h) => !h.recommended)].map((h) => h.id);
  const recommended = usable.filter((h) => h.recommended).length;
  return {
    source: `real extract ${dir}`,
    prosumers,
    preferredOrder,
    ...(recommended > 0 ? { defaultCount: recommended } : {}),
    defaultStart: EXTRACT_DEFAULT_START,
  };
}
