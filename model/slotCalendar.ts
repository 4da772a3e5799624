// Where each slot of the horizon falls in the day: the shiftable-load windows and the default
// demand-response baseline repeat daily. The model reads the wall-clock time written in the first
// timestamp (the data layer keeps timestamps as written, with their offset) and counts from there.
import { DerchainInputError } from '../errors/inputError.js';

/** Slots per day, 24 / dt; throws when dt does not divide the day. */
export function slotsPerDay(dtHours: number): number {
  const k = Math.round(24 / dtHours);
  if (!(dtHours > 0) || Math.abs(k * dtHours - 24) > 1e-9)
    throw new DerchainInputError(`slot length ${dtHours} h does not divide the day`, { field: 'dtHours' });
  return k;
}

/** The slot of the day (0-based) of an ISO 8601 timestamp's wall-clock time; 0 when it has none. */
export function startSlotOfDay(timestamps: readonly string[], dtHours: number): number {
  const first = timestamps[0];
  if (first === undefined) return 0;
  const m = /[T ](\d{2}):(\d{2})/.exec(first);
  if (!m) return 0;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return Math.floor(minutes / (dtHours * 60) + 1e-9) % slotsPerDay(dtHours);
}

/** Slot of day and day number (0 = the first, possibly partial, day) of every slot. */
export interface SlotCalendar {
  perDay: number;
  slotOfDay: Int32Array;
  day: Int32Array;
}

export function slotCalendar(horizon: number, dtHours: number, startSlot = 0): SlotCalendar {
  const perDay = slotsPerDay(dtHours);
  const slotOfDay = new Int32Array(horizon);
  const day = new Int32Array(horizon);
  for (let t = 0; t < horizon; t++) {
    slotOfDay[t] = (startSlot + t) % perDay;
    day[t] = Math.floor((startSlot + t) / perDay);
  }
  return { perDay, slotOfDay, day };
}
