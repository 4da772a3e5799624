// Distance-based link model of the radio simulator: log-distance path loss with log-normal
// shadowing (PL(d) = PL(1 m) + 10 n log10(d) + X_sigma), received when the power at the gateway
// reaches the SX1276 sensitivity of the spreading factor at 125 kHz (datasheet table 13).
import type { SpreadingFactor } from '../timeOnAir.js';

export const SENSITIVITY_DBM: Readonly<Record<SpreadingFactor, number>> = { 7: -123, 8: -126, 9: -129, 10: -132, 11: -134.5, 12: -137 };

export interface PathLossModel {
  /** path loss at 1 m, dB (free space at 868 MHz: 31.2 dB) */
  pl1m: number;
  /** path-loss exponent (2 free space, ~2.9 suburban) */
  exponent: number;
  /** shadowing standard deviation, dB */
  shadowingDb: number;
  txPowerDbm: number;
}

export const DEFAULT_PATH_LOSS: PathLossModel = { pl1m: 31.2, exponent: 2.9, shadowingDb: 4, txPowerDbm: 14 };

export interface Point {
  x: number;
  y: number;
}

export const distanceM = (a: Point, b: Point) => Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));

/** Mean received power in dBm at distance d (no shadowing). */
export function meanRxPowerDbm(m: PathLossModel, d: number): number {
  return m.txPowerDbm - (m.pl1m + 10 * m.exponent * Math.log10(d));
}

/** Greatest distance at which the mean power still meets the sensitivity of `sf`. */
export function rangeM(m: PathLossModel, sf: SpreadingFactor): number {
  return 10 ** ((m.txPowerDbm - m.pl1m - SENSITIVITY_DBM[sf]) / (10 * m.exponent));
}

/** A standard normal draw (Box-Muller) from a uniform generator. */
export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
