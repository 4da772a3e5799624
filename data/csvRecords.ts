// Reading a CSV file into header + records with each record's 1-based line number, on top of
// csv-parse. A file that cannot be read or parsed (bad quoting, ragged rows) becomes a
// DerchainInputError naming the file and line.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DerchainInputError } from '../errors/inputError.js';

export interface CsvRecord {
  /** 1-based line in the file (the line where the record ends) */
  line: number;
  values: string[];
}

export interface CsvTable {
  file: string;
  header: string[];
  records: CsvRecord[];
}

interface CsvParseErrorShape {
  message: string;
  lines?: number;
}

/** Parses CSV text; `file` is only used in messages. */
export function parseCsvText(text: string, file: string): CsvTable {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (err) {
    const e = err as CsvParseErrorShape;
    const context = e.lines !== undefined ? { file, line: e.lines } : { file };
    throw new DerchainInputError(`not a valid CSV file: ${e.message}`, context);
  }
  if (rows.length === 0) throw new DerchainInputError('the file is empty (no header row)', { file, line: 1 });
  const [head, ...rest] = rows;
  return {
    file,
    header: head.record,
    records: rest.map((r) => ({ line: r.info.lines, values: r.record })),
  };
}

/** Reads and parses a CSV file. */
export function readCsvFile(path: string, displayName = path): CsvTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DerchainInputError(`cannot read the file: ${(err as Error).message}`, { file: displayName });
  }
  return parseCsvText(text, displayName);
}

/** Index of the first of `names` present in the header, or -1. */
export function findColumn(table: CsvTable, names: readonly string[]): number {
  for (const name of names) {
    const idx = table.header.indexOf(name);
    if (idx >= 0) return idx;
  }
  return -1;
}

/** Index of a required column; throws naming the file, line 1 and the column when absent. */
export function requireColumn(table: CsvTable, names: readonly string[]): number {
  const idx = findColumn(table, names);
  if (idx < 0) {
    const alias = names.length > 1 ? ` (or ${names.slice(1).join(', ')})` : '';
    throw new DerchainInputError(`missing column ${names[0]}${alias}; the header has: ${table.header.join(', ')}`, {
      file: table.file,
      line: 1,
      field: names[0],
    });
  }
  return idx;
}
