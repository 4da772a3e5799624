// Plausibility bounds of every number a user gives: meter data (load, PV, outdoor temperature,
// price) and DER parameters. A value outside its range is bad input (exit 2, before anything is
// solved), not something to grind on: a 1e9 kW load or a 1e300 kWh battery is a unit or typing
// error. The bounds are wide enough for a large farm or a small commercial site (1 MW, 10 MWh).

export interface PlausibleRange {
  min: number;
  max: number;
  /** unit for messages */
  unit: string;
}

export const PLAUSIBLE = {
  /** a power of one site: load, PV, grid, HVAC, battery, shiftable, kW */
  powerKW: { min: 0, max: 1000, unit: 'kW' },
  /** an energy of one site: battery capacity, shiftable daily energy, kWh */
  energyKWh: { min: 0, max: 10_000, unit: 'kWh' },
  /** outdoor and indoor temperatures, degrees C */
  temperatureC: { min: -70, max: 70, unit: 'degC' },
  /** an energy price (negative prices occur on real markets), currency/kWh */
  price: { min: -10, max: 100, unit: 'currency/kWh' },
  /** thermal resistance (degC per kW) and capacity (kWh per degC) */
  thermal: { min: 0, max: 1000, unit: '' },
  /** |gamma|, degC per kW held over a slot */
  gamma: { min: -100, max: 100, unit: 'degC/kW' },
  /** a comfort, degradation or shifting weight, currency per unit squared */
  weight: { min: 0, max: 1000, unit: '' },
} as const satisfies Record<string, PlausibleRange>;

/** "must be from 0 to 1000 kW" */
export function rangeRule(range: PlausibleRange): string {
  return `from ${range.min} to ${range.max}${range.unit ? ` ${range.unit}` : ''}`;
}
