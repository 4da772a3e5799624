// The shiftable load's daily windows over the horizon (constraint 4): which slots lie in a window,
// the preferred load PS[t] there, and the groups of slots (one per day's window, possibly cut by
// the horizon's ends) over which the energy is conserved.
import type { ShiftableParams } from './params.js';
import type { SlotCalendar } from './slotCalendar.js';

export interface ShiftableWindows {
  /** preferred load PS[t], kW; NaN outside every window */
  preferred: Float64Array;
  /** slot indices of each window occurrence, in time order */
  groups: number[][];
}

/** PS for slot k of the window (0-based from the window start), kW. */
export function preferredInWindow(p: ShiftableParams, k: number): number {
  if (p.profile !== undefined) return p.profile[k] ?? 0;
  const energy = p.energy ?? 0;
  // energy spread over the first `duration` slots: kW = kWh / (duration slots * dt) is applied by
  // the caller through `dtHours`; here the value per slot is the share of the energy
  return k < p.duration ? energy / p.duration : 0;
}

export function shiftableWindows(p: ShiftableParams, cal: SlotCalendar, dtHours: number): ShiftableWindows {
  const T = cal.slotOfDay.length;
  const preferred = new Float64Array(T).fill(Number.NaN);
  const groups: number[][] = [];
  let current: number[] | null = null;
  let currentDay = -1;
  for (let t = 0; t < T; t++) {
    const sod = cal.slotOfDay[t];
    if (sod >= p.start && sod < p.end) {
      const k = sod - p.start;
      // profile values are kW; an energy share (kWh per slot) becomes kW by dividing by dt
      preferred[t] = p.profile !== undefined ? preferredInWindow(p, k) : preferredInWindow(p, k) / dtHours;
      if (current === null || cal.day[t] !== currentDay) {
        current = [];
        groups.push(current);
        currentDay = cal.day[t];
      }
      current.push(t);
    } else {
      current = null;
    }
  }
  return { preferred, groups };
}
