// Release versions: MAJOR.MINOR.PATCH, compared numerically. The meter's rollback protection keeps
// the highest version it has seen and refuses anything lower (fleet/meterSupervisor.ts).

export type ReleaseVersion = readonly [number, number, number];

const PATTERN = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/;

export function isReleaseVersion(text: string): boolean {
  return PATTERN.test(text);
}

export function parseReleaseVersion(text: string): ReleaseVersion {
  const m = PATTERN.exec(text);
  if (!m) throw new Error(`release version must be MAJOR.MINOR.PATCH (numbers), got "${text}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** negative when a < b, 0 when equal, positive when a > b */
export function compareVersions(a: string, b: string): number {
  const x = parseReleaseVersion(a);
  const y = parseReleaseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}
