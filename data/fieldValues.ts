// Parsing one CSV cell as a number or a timestamp, with a DerchainInputError that names the file,
// line, prosumer and column when the cell is not what the format requires.
import { DerchainInputError } from '../errors/inputError.js';
import { type PlausibleRange, rangeRule } from '../model/plausibility.js';
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

/** A decimal number as people write it: 12, -0.5, .25, 1e3 (no 0x10, 0b1, Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number within its plausible range (model/plausibility.ts). */
export function parseNumberCell(text: string, place: CellPlace, range: PlausibleRange): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value)) {
    throw new DerchainInputError(`not a number: ${JSON.stringify(text)} (write decimal numbers such as 12.5)`, context(place));
  }
  if (range.min === 0 && value < 0) {
    throw new DerchainInputError(`negative value ${trimmed}; this column must be >= 0`, context(place));
  }
  if (value < range.min || value > range.max) {
    throw new DerchainInputError(`implausible value ${trimmed}; expected ${rangeRule(range)}`, context(place));
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
