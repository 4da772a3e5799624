// Parsing one CSV cell as a number or a timestamp, with a DerchainInputError that names the file,
// line, prosumer and column when the cell is not what the format requires.
import { DerchainInputError } from '../errors/inputError.js';
import { parseTimestamp, type ParsedTimestamp } from './timestamps.js';

export interface CellPlace {
  file: string;
  line: number;
  prosumer?: string;
  field: string;
}

function context(place: CellPlace) {
  return place.prosumer === undefined
    ? { file: place.file, line: place.line, field: place.field }
    : { file: place.file, line: place.line, prosumer: place.prosumer, field: place.field };
}

/** A finite number; with `nonNegative`, also >= 0. */
export function parseNumberCell(text: string, place: CellPlace, nonNegative: boolean): number {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) {
    throw new DerchainInputError(`not a number: ${JSON.stringify(text)}`, context(place));
  }
  if (nonNegative && value < 0) {
    throw new DerchainInputError(`negative value ${trimmed}; this column must be >= 0`, context(place));
  }
  return value;
}

/** An ISO 8601 timestamp (see timestamps.ts). */
export function parseTimestampCell(text: string, place: CellPlace): ParsedTimestamp {
  const parsed = parseTimestamp(text);
  if (!parsed) {
    throw new DerchainInputError(
      `unparsable timestamp ${JSON.stringify(text)}; expected ISO 8601 like 2016-08-08T00:00:00-07:00`,
      context(place),
    );
  }
  return parsed;
}
