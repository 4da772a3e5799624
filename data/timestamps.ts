// ISO 8601 timestamps as the data files write them: parsing to an instant while keeping the
// wall-clock label (date and time as written, with its UTC offset), formatting a local label for
// a fixed offset, and matching a user's `--start` value against a slot.

export interface ParsedTimestamp {
  /** milliseconds since 1970-01-01T00:00Z */
  instantMs: number;
  /** normalised label, e.g. "2016-08-08T00:00:00-07:00" or "2016-08-08T07:00:00Z" */
  label: string;
  /** the wall-clock date as written, "YYYY-MM-DD" */
  localDate: string;
  /** the wall-clock time as written, "HH:MM" */
  localTime: string;
}

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function pad(value: number, width = 2): string {
  return String(Math.trunc(Math.abs(value))).padStart(width, '0');
}

/** Formats a UTC offset in minutes as "Z" or "+HH:MM"/"-HH:MM". */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
}

/**
 * Parses "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH[:MM]]". A value without an offset is read as UTC
 * (documented in docs/data-format.md). Returns null when the text is not such a timestamp or names
 * an impossible date or time.
 */
export function parseTimestamp(text: string): ParsedTimestamp | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  let offsetMinutes = 0;
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const localDate = `${m[1]}-${m[2]}-${m[3]}`;
  const localTime = `${pad(hour)}:${pad(minute)}`;
  return {
    instantMs: wallMs - offsetMinutes * 60_000,
    label: `${localDate}T${localTime}:${pad(second)}${formatOffset(offsetMinutes)}`,
    localDate,
    localTime,
  };
}

/** The label of an instant in a fixed UTC offset, e.g. formatLocal(t, -420) -> "2016-08-08T00:00:00-07:00". */
export function formatLocal(instantMs: number, offsetMinutes: number): string {
  const d = new Date(instantMs + offsetMinutes * 60_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${formatOffset(offsetMinutes)}`;
}

/** What a `--start` value asks for: a wall-clock date/time (matched against labels) or an exact instant. */
export type StartSpec =
  | { kind: 'wallClock'; localDate: string; localTime: string; text: string }
  | { kind: 'instant'; instantMs: number; text: string };

/**
 * Reads a `--start` value. "2016-08-08" means local midnight of that date as the file writes it;
 * "2016-08-08T06:00" a local wall-clock time; a value with "Z" or an offset an exact instant.
 * Returns null when unparsable.
 */
export function parseStart(text: string): StartSpec | null {
  const parsed = parseTimestamp(text);
  if (!parsed) return null;
  const hasZone = /(Z|[+-]\d{2}(:?\d{2})?)$/.test(text.trim()) && /[T ]\d{2}:\d{2}/.test(text);
  if (hasZone) return { kind: 'instant', instantMs: parsed.instantMs, text };
  return { kind: 'wallClock', localDate: parsed.localDate, localTime: parsed.localTime, text };
}

/** Whether slot `slot` is the slot a start spec asks for. */
export function matchesStart(spec: StartSpec, slot: ParsedTimestamp): boolean {
  if (spec.kind === 'instant') return slot.instantMs === spec.instantMs;
  return slot.localDate === spec.localDate && slot.localTime === spec.localTime;
}
