// The series read from a data source before a period is chosen: per prosumer, its slots (parsed
// timestamps) and values, with the file and 1-based line each value came from so that later
// checks (gaps, period length) can name the exact place. Both readers (the project's long CSV
// format and the extract's wide yearly files) produce this shape; the generator bypasses it.
import type { ParsedTimestamp } from './timestamps.js';

/** Where a value was read from: its file (display path) and the CSV column name. */
export interface FieldOrigin {
  file: string;
  column: string;
}

export interface ProsumerRows {
  id: string;
  slots: ParsedTimestamp[];
  /** 1-based CSV line of each slot (the same line in every file of the wide layout) */
  lines: number[];
  /** kW */
  load: number[];
  /** kW */
  pv: number[];
  /** degrees C */
  tOut: number[];
  /** currency/kWh; null when the source has no price column */
  price: number[] | null;
  /** file and column of each field of this prosumer */
  origin: { timestamp: FieldOrigin; load: FieldOrigin; pv: FieldOrigin; tOut: FieldOrigin; price?: FieldOrigin };
}

export interface SeriesTable {
  /** human-readable description of the source, e.g. "week_summer_2016-08-08.csv" */
  source: string;
  /** prosumers in the order the source lists them */
  prosumers: ProsumerRows[];
  /** ids to prefer when the user asks for the first N (the extract's recommended set), else file order */
  preferredOrder: string[];
  /** how many prosumers to take when the user gives no --prosumers (default: all of preferredOrder) */
  defaultCount?: number;
  /** start used when the user gives no --start (wall-clock "YYYY-MM-DD"), else the first slot */
  defaultStart?: string;
}
