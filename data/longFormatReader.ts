// Reader of the project's own CSV format (docs/data-format.md): long format, one row per prosumer
// and slot, columns timestamp, prosumer, load_kW, pv_kW, outdoor_temp_C and optionally
// price_per_kWh. The shared extract's week files use the same layout with other column names
// (timestamp_local/timestamp_utc, household_id, price_USD_per_kWh), accepted as aliases.
import { basename } from 'node:path';
import { DerchainInputError } from '../errors/inputError.js';
import { findColumn, parseCsvText, readCsvFile, requireColumn, type CsvTable } from './csvRecords.js';
import { parseNumberCell, parseTimestampCell } from './fieldValues.js';
import { PLAUSIBLE } from '../model/plausibility.js';
import type { ProsumerRows, SeriesTable } from './seriesTable.js';

/** Accepted column names, canonical name first. */
export const LONG_FORMAT_COLUMNS = {
  timestamp: ['timestamp', 'timestamp_local', 'timestamp_utc'],
  prosumer: ['prosumer', 'household_id'],
  load: ['load_kW'],
  pv: ['pv_kW'],
  tOut: ['outdoor_temp_C'],
  price: ['price_per_kWh', 'price_USD_per_kWh'],
} as const;

/** Builds the series table of a parsed long-format CSV. */
export function longFormatTable(table: CsvTable, source: string): SeriesTable {
  const file = table.file;
  const col = {
    timestamp: requireColumn(table, LONG_FORMAT_COLUMNS.timestamp),
    prosumer: requireColumn(table, LONG_FORMAT_COLUMNS.prosumer),
    load: requireColumn(table, LONG_FORMAT_COLUMNS.load),
    pv: requireColumn(table, LONG_FORMAT_COLUMNS.pv),
    tOut: requireColumn(table, LONG_FORMAT_COLUMNS.tOut),
    price: findColumn(table, LONG_FORMAT_COLUMNS.price),
  };
  const name = (idx: number) => table.header[idx];
  const byId = new Map<string, ProsumerRows>();
  for (const { line, values } of table.records) {
    const id = values[col.prosumer].trim();
    if (id === '') {
      throw new DerchainInputError('empty prosumer id', { file, line, field: name(col.prosumer) });
    }
    let rows = byId.get(id);
    if (!rows) {
      rows = {
        id,
        slots: [],
        lines: [],
        load: [],
        pv: [],
        tOut: [],
        price: col.price >= 0 ? [] : null,
        origin: {
          timestamp: { file, column: name(col.timestamp) },
          load: { file, column: name(col.load) },
          pv: { file, column: name(col.pv) },
          tOut: { file, column: name(col.tOut) },
          ...(col.price >= 0 ? { price: { file, column: name(col.price) } } : {}),
        },
      };
      byId.set(id, rows);
    }
    const place = (idx: number) => ({ file, line, prosumer: id, field: name(idx) });
    rows.slots.push(parseTimestampCell(values[col.timestamp], place(col.timestamp)));
    rows.lines.push(line);
    rows.load.push(parseNumberCell(values[col.load], place(col.load), PLAUSIBLE.powerKW));
    rows.pv.push(parseNumberCell(values[col.pv], place(col.pv), PLAUSIBLE.powerKW));
    rows.tOut.push(parseNumberCell(values[col.tOut], place(col.tOut), PLAUSIBLE.temperatureC));
    if (rows.price) rows.price.push(parseNumberCell(values[col.price], place(col.price), PLAUSIBLE.price));
  }
  if (byId.size === 0) {
    throw new DerchainInputError('the file has a header but no data rows', { file, line: 2 });
  }
  const prosumers = [...byId.values()];
  return { source, prosumers, preferredOrder: prosumers.map((p) => p.id) };
}

/** Reads a long-format CSV file. */
export function readLongFormatFile(path: string): SeriesTable {
  return longFormatTable(readCsvFile(path, path), basename(path));
}

/** Reads long-format CSV text (tests, stdin); `file` names it in messages. */
export function readLongFormatText(text: string, file: string): SeriesTable {
  return longFormatTable(parseCsvText(text, file), file);
}
