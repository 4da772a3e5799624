// Position of the sun seen from a point on Earth at a given instant, from the usual
// Fourier-series approximations of the solar declination and the equation of time (accurate to a
// few tenths of a degree, plenty for hourly PV). Returned as a unit vector in local
// east/north/up coordinates, which makes the angle to any tilted roof a dot product.

const DEG = Math.PI / 180;

export interface SunVector {
  /** component towards east */
  east: number;
  /** component towards north */
  north: number;
  /** component towards the zenith; equals cos(zenith angle); negative at night */
  up: number;
  /** day of year 1..366 (UTC) */
  dayOfYear: number;
}

/** Day of year (1-based, UTC) of an instant and the fraction of that day elapsed. */
export function utcDayOfYear(instantMs: number): { day: number; fraction: number } {
  const d = new Date(instantMs);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const days = (instantMs - yearStart) / 86_400_000;
  return { day: Math.floor(days) + 1, fraction: days - Math.floor(days) };
}

/** The sun's direction at `instantMs` (UTC milliseconds) for latitude/longitude in degrees (east positive). */
export function sunVector(instantMs: number, latitudeDeg: number, longitudeDeg: number): SunVector {
  const { day, fraction } = utcDayOfYear(instantMs);
  const dayAngle = (2 * Math.PI * (day - 1 + fraction)) / 365;
  const declination =
    0.006918 -
    0.399912 * Math.cos(dayAngle) +
    0.070257 * Math.sin(dayAngle) -
    0.006758 * Math.cos(2 * dayAngle) +
    0.000907 * Math.sin(2 * dayAngle) -
    0.002697 * Math.cos(3 * dayAngle) +
    0.00148 * Math.sin(3 * dayAngle);
  const equationOfTimeMin =
    229.18 *
    (0.000075 +
      0.001868 * Math.cos(dayAngle) -
      0.032077 * Math.sin(dayAngle) -
      0.014615 * Math.cos(2 * dayAngle) -
      0.040849 * Math.sin(2 * dayAngle));
  const utcMinutes = fraction * 1440;
  const solarMinutes = utcMinutes + 4 * longitudeDeg + equationOfTimeMin;
  const hourAngle = (solarMinutes / 4 - 180) * DEG;
  const lat = latitudeDeg * DEG;
  return {
    east: -Math.cos(declination) * Math.sin(hourAngle),
    north: Math.cos(lat) * Math.sin(declination) - Math.sin(lat) * Math.cos(declination) * Math.cos(hourAngle),
    up: Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle),
    dayOfYear: day,
  };
}

/** Cosine of the angle between the sun and the normal of a plane tilted `tiltDeg` facing `azimuthDeg` (0 north, 180 south). */
export function cosIncidence(sun: SunVector, tiltDeg: number, azimuthDeg: number): number {
  const tilt = tiltDeg * DEG;
  const az = azimuthDeg * DEG;
  return sun.east * Math.sin(tilt) * Math.sin(az) + sun.north * Math.sin(tilt) * Math.cos(az) + sun.up * Math.cos(tilt);
}
