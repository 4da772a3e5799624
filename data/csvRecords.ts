// Reading a CSV file into header + records with each record's 1-based line number, on top of
// csv-parse: whole (`readCsvFile`, small files) or streamed record by record in 1 MiB chunks
// (`streamCsvFile`, big meter exports: memory stays proportional to what the caller keeps). A file
// that cannot be read or parsed (bad quoting, ragged rows) becomes a DerchainInputError naming the
// file and line.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { Parser, type Options as CsvOptions } from 'csv-parse';
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

const PARSE_OPTIONS: CsvOptions = { info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false };

function csvError(err: unknown, file: string): DerchainInputError {
  const e = err as CsvParseErrorShape;
  const context = e.lines !== undefined ? { file, line: e.lines } : { file };
  return new DerchainInputError(`not a valid CSV file: ${e.message}`, context, { cause: err });
}

/**
 * csv-parse's incremental parser: the object its stream Parser and its sync `parse` both drive
 * (`parse(chunk, end, push, close)` returns an error or undefined). Used directly so that a big
 * file is parsed chunk by chunk without turning the loaders asynchronous.
 */
interface IncrementalCsvParser {
  parse(chunk: Buffer | undefined, end: boolean, push: (row: unknown) => void, close: () => void): Error | undefined;
}

const CHUNK_BYTES = 1 << 20;

/**
 * Streams a CSV file: `onHeader` gets the first record, `onRecord` every later one with its line.
 * Only the current chunk and what the callbacks keep are in memory.
 */
export function streamCsvFile(path: string, displayName: string, onHeader: (header: string[]) => void, onRecord: (record: CsvRecord) => void): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DerchainInputError(`cannot read the file: ${(err as Error).message}`, { file: displayName }, { cause: err });
  }
  const api = (new Parser(PARSE_OPTIONS) as unknown as { api: IncrementalCsvParser }).api;
  let sawHeader = false;
  const push = (row: unknown) => {
    const r = row as { record: string[]; info: { lines: number } };
    if (!sawHeader) {
      sawHeader = true;
      onHeader(r.record);
    } else onRecord({ line: r.info.lines, values: r.record });
  };
  const close = () => {};
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      } catch (err) {
        throw new DerchainInputError(`cannot read the file: ${(err as Error).message}`, { file: displayName }, { cause: err });
      }
      if (n === 0) break;
      const failure = api.parse(Buffer.from(buffer.subarray(0, n)), false, push, close);
      if (failure !== undefined) throw csvError(failure, displayName);
    }
    const failure = api.parse(undefined, true, push, close);
    if (failure !== undefined) throw csvError(failure, displayName);
  } finally {
    closeSync(fd);
  }
  if (!sawHeader) throw new DerchainInputError('the file is empty (no header row)', { file: displayName, line: 1 });
}

/** Parses CSV text; `file` is only used in messages. */
export function parseCsvText(text: string, file: string): CsvTable {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, PARSE_OPTIONS) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (err) {
    throw csvError(err, file);
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
export function findColumn(table: Pick<CsvTable, 'header'>, names: readonly string[]): number {
  for (const name of names) {
    const idx = table.header.indexOf(name);
    if (idx >= 0) return idx;
  }
  return -1;
}

/** Index of a required column; throws naming the file, line 1 and the column when absent. */
export function requireColumn(table: Pick<CsvTable, 'header' | 'file'>, names: readonly string[]): number {
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
