// Rooftop PV output from the sun's position and a cloudiness index: clear-sky global horizontal
// irradiance (Haurwitz's empirical model), cloud attenuation (Kasten-Czeplak form), a split into
// beam and diffuse light, transposition to the tilted roof (isotropic sky plus ground
// reflection), and a PV system with a performance ratio and a cell-temperature loss.
import { cosIncidence, type SunVector } from './solarPosition.js';

export interface PvSystem {
  /** nameplate DC capacity, kWp */
  capacityKWp: number;
  /** roof tilt from horizontal, degrees */
  tiltDeg: number;
  /** direction the roof faces, degrees clockwise from north (180 = south) */
  azimuthDeg: number;
  /** AC output over DC nameplate at standard conditions (inverter, wiring, soiling), 0..1 */
  performanceRatio: number;
}

/** Clear-sky global horizontal irradiance, W/m^2 (Haurwitz). */
export function clearSkyGhi(cosZenith: number): number {
  if (cosZenith <= 0.01) return 0;
  return 1098 * cosZenith * Math.exp(-0.057 / cosZenith);
}

/** Irradiance on the roof plane, W/m^2, for a cloud index in [0, 1] (0 clear, 1 overcast). */
export function planeOfArrayIrradiance(sun: SunVector, cloud: number, tiltDeg: number, azimuthDeg: number): number {
  const clear = clearSkyGhi(sun.up);
  if (clear === 0) return 0;
  const c = Math.min(1, Math.max(0, cloud));
  const ghi = clear * (1 - 0.75 * Math.pow(c, 3.4));
  const diffuseFraction = Math.min(1, 0.14 + 0.82 * c);
  const diffuse = ghi * diffuseFraction;
  const beamNormal = (ghi - diffuse) / sun.up;
  const cosTilt = Math.cos((tiltDeg * Math.PI) / 180);
  const groundAlbedo = 0.2;
  const beam = beamNormal * Math.max(0, cosIncidence(sun, tiltDeg, azimuthDeg));
  return beam + (diffuse * (1 + cosTilt)) / 2 + (ghi * groundAlbedo * (1 - cosTilt)) / 2;
}

/** AC power of the system, kW, for a plane-of-array irradiance and the outdoor temperature. */
export function pvPowerKW(system: PvSystem, poaWm2: number, outdoorTempC: number): number {
  if (poaWm2 <= 0) return 0;
  const cellTempC = outdoorTempC + (poaWm2 / 800) * 25;
  const temperatureFactor = 1 - 0.004 * (cellTempC - 25);
  return Math.max(0, (system.capacityKWp * poaWm2 * system.performanceRatio * temperatureFactor) / 1000);
}
