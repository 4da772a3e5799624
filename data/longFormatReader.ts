// Reader of the project's own CSV format (docs/data-format.md): long format, one row per prosumer
// and slot, columns timestamp, prosumer, load_kW, pv_kW, outdoor_temp_C and optionally
// price_per_kWh. The shared extract's week files use the same layout with other column names
// (timestamp_local/timestamp_utc, household_id, price_USD_per_kWh), accepted as aliases.
//
// A file is streamed record by record; every row is checked, but only the rows of the prosumers
// the run asks for are kept (the first N in file order, or the named ids), so a big meter export
// costs memory in proportion to what is simulated, not to its size (bench/csvMemory.bench.ts).
import { basename } from 'node:path';
import { DerchainInputError } from '../errors/inputError.js';
import { PLAUSIBLE } from '../model/plausibility.js';
import { type CsvRecord, findColumn, parseCsvText, requireColumn, streamCsvFile, type CsvTable } from './csvRecords.js';
import { parseNumberCell, parseTimestampCell } from './fieldValues.js';
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

/** Which prosumers' rows to keep: the first `count` in file order, or the listed `ids`; default all. */
export type ProsumerKeep = number | readonly string[] | undefined;

/** Builds the series table of a long-format CSV, one record at a time. */
class LongFormatBuilder {
  private readonly col: { timestamp: number; prosumer: number; load: number; pv: number; tOut: number; price: number };
  private readonly kept = new Map<string, ProsumerRows>();
  /** every id of the file in order of first appearance (kept or not), and its position */
  private readonly order: string[] = [];
  private readonly position = new Map<string, number>();
  private readonly wanted: Set<string> | null;

  constructor(
    private readonly file: string,
    private readonly header: string[],
    private readonly keep: ProsumerKeep,
  ) {
    const table = { file, header };
    this.col = {
      timestamp: requireColumn(table, LONG_FORMAT_COLUMNS.timestamp),
      prosumer: requireColumn(table, LONG_FORMAT_COLUMNS.prosumer),
      load: requireColumn(table, LONG_FORMAT_COLUMNS.load),
      pv: requireColumn(table, LONG_FORMAT_COLUMNS.pv),
      tOut: requireColumn(table, LONG_FORMAT_COLUMNS.tOut),
      price: findColumn(table, LONG_FORMAT_COLUMNS.price),
    };
    this.wanted = Array.isArray(keep) ? new Set(keep) : null;
  }

  private keeps(id: string): boolean {
    if (this.wanted) return this.wanted.has(id);
    if (typeof this.keep === 'number') return (this.position.get(id) ?? Number.POSITIVE_INFINITY) < this.keep;
    return true;
  }

  add({ line, values }: CsvRecord): void {
    const { col, file } = this;
    const name = (idx: number) => this.header[idx];
    const id = values[col.prosumer].trim();
    if (id === '') throw new DerchainInputError('empty prosumer id', { file, line, field: name(col.prosumer) });
    if (!this.position.has(id)) {
      this.position.set(id, this.order.length);
      this.order.push(id);
    }
    const place = (idx: number) => ({ file, line, prosumer: id, field: name(idx) });
    // every row is checked, kept or not
    const slot = parseTimestampCell(values[col.timestamp], place(col.timestamp));
    const load = parseNumberCell(values[col.load], place(col.load), PLAUSIBLE.powerKW);
    const pv = parseNumberCell(values[col.pv], place(col.pv), PLAUSIBLE.powerKW);
    const tOut = parseNumberCell(values[col.tOut], place(col.tOut), PLAUSIBLE.temperatureC);
    const price = col.price >= 0 ? parseNumberCell(values[col.price], place(col.price), PLAUSIBLE.price) : null;
    if (!this.keeps(id)) return;
    let rows = this.kept.get(id);
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
      this.kept.set(id, rows);
    }
    rows.slots.push(slot);
    rows.lines.push(line);
    rows.load.push(load);
    rows.pv.push(pv);
    rows.tOut.push(tOut);
    if (rows.price && price !== null) rows.price.push(price);
  }

  table(source: string): SeriesTable {
    if (this.order.length === 0) throw new DerchainInputError('the file has a header but no data rows', { file: this.file, line: 2 });
    return { source, prosumers: [...this.kept.values()], preferredOrder: [...this.order] };
  }
}

/** Builds the series table of a parsed long-format CSV (all prosumers kept). */
export function longFormatTable(table: CsvTable, source: string, keep?: ProsumerKeep): SeriesTable {
  const builder = new LongFormatBuilder(table.file, table.header, keep);
  for (const record of table.records) builder.add(record);
  return builder.table(source);
}

/** Streams a long-format CSV file, keeping the rows of the prosumers `keep` names (default all). */
export function readLongFormatFile(path: string, keep?: ProsumerKeep): SeriesTable {
  let builder: LongFormatBuilder | undefined;
  streamCsvFile(
    path,
    path,
    (header) => {
      builder = new LongFormatBuilder(path, header, keep);
    },
    (record) => builder!.add(record),
  );
  return builder!.table(basename(path));
}

/** Reads long-format CSV text (tests, stdin); `file` names it in messages. */
export function readLongFormatText(text: string, file: string, keep?: ProsumerKeep): SeriesTable {
  return longFormatTable(parseCsvText(text, file), file, keep);
}
