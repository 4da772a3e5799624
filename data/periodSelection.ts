// Choosing what to simulate from a series table: which prosumers (the first N in the source's
// preferred order, or named ids), which period (--start, --days), with the checks that must pass
// before a solve: no duplicate or missing slot in a prosumer's series, one slot length for all,
// enough slots for the period, the same instants and (if given) the same price for everyone.
import { DerchainInputError } from '../errors/inputError.js';
import type { ProsumerRows, SeriesTable } from './seriesTable.js';
import { matchesStart, parseStart } from './timestamps.js';

export interface PeriodRequest {
  /** "YYYY-MM-DD" (local midnight), "YYYY-MM-DDTHH:MM" or an instant with offset; default: source default or first slot */
  start?: string;
  /** length in days; default 1 */
  days?: number;
  /** the first N prosumers of the preferred order, or explicit ids; default: the whole preferred order */
  prosumers?: number | string[];
}

export interface SelectedSeries {
  id: string;
  load: Float64Array;
  pv: Float64Array;
  tOut: Float64Array;
}

export interface SelectedPeriod {
  source: string;
  dtHours: number;
  /** slot labels, ISO 8601 with offset */
  timestamps: string[];
  prosumers: SelectedSeries[];
  /** energy price per slot when the source has one, currency/kWh */
  prices: Float64Array | null;
}

const HOUR_MS = 3_600_000;

function pickProsumers(table: SeriesTable, request: PeriodRequest['prosumers']): ProsumerRows[] {
  const byId = new Map(table.prosumers.map((p) => [p.id, p]));
  const file = table.prosumers[0].origin.timestamp.file;
  if (request === undefined) return table.preferredOrder.slice(0, table.defaultCount ?? table.preferredOrder.length).map((id) => byId.get(id)!);
  if (typeof request === 'number') {
    if (!Number.isInteger(request) || request < 1) {
      throw new DerchainInputError(`--prosumers must be a whole number >= 1 (got ${request})`, { field: 'prosumers' });
    }
    if (request > table.preferredOrder.length) {
      throw new DerchainInputError(
        `asked for ${request} prosumers but the source has only ${table.preferredOrder.length} usable ones (${table.preferredOrder.join(', ')})`,
        { file, field: 'prosumers' },
      );
    }
    return table.preferredOrder.slice(0, request).map((id) => byId.get(id)!);
  }
  const seen = new Set<string>();
  return request.map((id) => {
    const rows = byId.get(id);
    if (!rows) {
      throw new DerchainInputError(`unknown prosumer; the source has ${table.preferredOrder.join(', ')}`, {
        file,
        prosumer: id,
        field: 'prosumer',
      });
    }
    if (seen.has(id)) throw new DerchainInputError('prosumer listed twice', { prosumer: id, field: 'prosumers' });
    seen.add(id);
    return rows;
  });
}

/** Sorts a prosumer's slots by instant and checks for duplicates; returns the order and the smallest step (ms). */
function orderSlots(rows: ProsumerRows): { order: number[]; stepMs: number } {
  const order = rows.slots.map((_, k) => k).sort((a, b) => rows.slots[a].instantMs - rows.slots[b].instantMs || a - b);
  const where = { file: rows.origin.timestamp.file, prosumer: rows.id, field: rows.origin.timestamp.column };
  let stepMs = Number.POSITIVE_INFINITY;
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const cur = order[k];
    const diff = rows.slots[cur].instantMs - rows.slots[prev].instantMs;
    if (diff === 0) {
      const [first, second] = rows.lines[prev] < rows.lines[cur] ? [prev, cur] : [cur, prev];
      throw new DerchainInputError(
        `duplicate slot ${rows.slots[second].label} (the same instant as line ${rows.lines[first]})`,
        { ...where, line: rows.lines[second] },
      );
    }
    stepMs = Math.min(stepMs, diff);
  }
  return { order, stepMs };
}

function checkNoGaps(rows: ProsumerRows, order: number[], stepMs: number): void {
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const cur = order[k];
    const diff = rows.slots[cur].instantMs - rows.slots[prev].instantMs;
    if (diff !== stepMs) {
      const missing = Math.round(diff / stepMs) - 1;
      throw new DerchainInputError(
        `gap in the series: ${rows.slots[cur].label} follows ${rows.slots[prev].label} (line ${rows.lines[prev]}); ` +
          `${missing > 0 ? `${missing} slot(s) of ${stepMs / HOUR_MS} h missing` : `steps differ from the slot length ${stepMs / HOUR_MS} h`}`,
        { file: rows.origin.timestamp.file, line: rows.lines[cur], prosumer: rows.id, field: rows.origin.timestamp.column },
      );
    }
  }
}

/**
 * The default start when neither the user nor the source gives one: the earliest instant at which
 * every chosen prosumer has data (rows may come in any order, docs/data-format.md).
 */
function earliestCommonSlot(chosen: ProsumerRows[]): string | undefined {
  let best: { instantMs: number; label: string } | undefined;
  for (const rows of chosen) {
    let first: (typeof rows.slots)[number] | undefined;
    for (const slot of rows.slots) if (first === undefined || slot.instantMs < first.instantMs) first = slot;
    if (first !== undefined && (best === undefined || first.instantMs > best.instantMs)) best = first;
  }
  return best?.label;
}

/** Picks prosumers and period from a series table, checking the series first. */
export function selectPeriod(table: SeriesTable, request: PeriodRequest = {}): SelectedPeriod {
  const chosen = pickProsumers(table, request.prosumers);
  const days = request.days ?? 1;
  if (!(days > 0) || !Number.isFinite(days)) {
    throw new DerchainInputError(`--days must be a positive number (got ${days})`, { field: 'days' });
  }
  const startText = request.start ?? table.defaultStart ?? earliestCommonSlot(chosen) ?? '';
  const spec = parseStart(startText);
  if (!spec) {
    throw new DerchainInputError(`cannot read start ${JSON.stringify(startText)}; use e.g. 2016-08-08 or 2016-08-08T06:00`, {
      field: 'start',
    });
  }
  let dtMs: number | null = null;
  let reference: number[] | null = null;
  let referenceId = '';
  const picked = chosen.map((rows) => {
    const where = { file: rows.origin.timestamp.file, prosumer: rows.id, field: rows.origin.timestamp.column };
    const lastLine = Math.max(...rows.lines);
    const { order, stepMs } = orderSlots(rows);
    if (order.length < 2) {
      throw new DerchainInputError(`too few slots: the series has ${order.length} row(s), at least 2 are needed`, {
        ...where,
        line: lastLine,
      });
    }
    checkNoGaps(rows, order, stepMs);
    if (dtMs === null) dtMs = stepMs;
    else if (stepMs !== dtMs) {
      throw new DerchainInputError(`slot length ${stepMs / HOUR_MS} h differs from ${dtMs / HOUR_MS} h of prosumer ${referenceId}`, {
        ...where,
        line: rows.lines[order[1]],
      });
    }
    const need = (days * 24 * HOUR_MS) / stepMs;
    if (Math.abs(need - Math.round(need)) > 1e-9) {
      throw new DerchainInputError(`--days ${days} is not a whole number of ${stepMs / HOUR_MS} h slots`, { field: 'days' });
    }
    const count = Math.round(need);
    const startPos = order.findIndex((k) => matchesStart(spec, rows.slots[k]));
    const first = rows.slots[order[0]];
    const last = rows.slots[order[order.length - 1]];
    if (startPos < 0) {
      const before = spec.kind === 'instant' ? spec.instantMs < first.instantMs : `${spec.localDate}T${spec.localTime}` < `${first.localDate}T${first.localTime}`;
      throw new DerchainInputError(
        `too few slots: no slot starts at ${startText}; the series runs from ${first.label} to ${last.label}`,
        { ...where, line: before ? rows.lines[order[0]] : rows.lines[order[order.length - 1]] },
      );
    }
    if (startPos + count > order.length) {
      throw new DerchainInputError(
        `too few slots: ${days} day(s) from ${rows.slots[order[startPos]].label} need ${count} slots of ${stepMs / HOUR_MS} h, ` +
          `the series has ${order.length - startPos} (it ends at ${last.label})`,
        { ...where, line: rows.lines[order[order.length - 1]] },
      );
    }
    const window = order.slice(startPos, startPos + count);
    const instants = window.map((k) => rows.slots[k].instantMs);
    if (reference === null) {
      reference = instants;
      referenceId = rows.id;
    } else if (instants[0] !== reference[0]) {
      throw new DerchainInputError(`the period starts at ${rows.slots[window[0]].label}, not at the same instant as prosumer ${referenceId}`, {
        ...where,
        line: rows.lines[window[0]],
      });
    }
    return { rows, window };
  });
  const timestamps = picked[0].window.map((k) => picked[0].rows.slots[k].label);
  let prices: Float64Array | null = null;
  let priceOwner = '';
  for (const { rows, window } of picked) {
    if (!rows.price) continue;
    const series = Float64Array.from(window, (k) => rows.price![k]);
    if (prices === null) {
      prices = series;
      priceOwner = rows.id;
      continue;
    }
    const t = series.findIndex((v, s) => Math.abs(v - prices![s]) > 1e-9);
    if (t >= 0) {
      throw new DerchainInputError(
        `price ${series[t]} differs from ${prices[t]} of prosumer ${priceOwner} in the same slot; the tariff is the same for all prosumers`,
        { file: rows.origin.price!.file, line: rows.lines[window[t]], prosumer: rows.id, field: rows.origin.price!.column },
      );
    }
  }
  return {
    source: table.source,
    dtHours: dtMs! / HOUR_MS,
    timestamps,
    prosumers: picked.map(({ rows, window }) => ({
      id: rows.id,
      load: Float64Array.from(window, (k) => rows.load[k]),
      pv: Float64Array.from(window, (k) => rows.pv[k]),
      tOut: Float64Array.from(window, (k) => rows.tOut[k]),
    })),
    prices,
  };
}
