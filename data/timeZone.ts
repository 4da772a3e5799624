// UTC offsets of an IANA time zone (from Node's built-in ICU data), so the generator can label
// its slots in local time with the right daylight-saving offset, like the extract's
// timestamp_local column, and place a local date's midnight on the time axis.

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC at an instant, in minutes (e.g. -420 for PDT). */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, fmt);
  }
  const name = fmt.formatToParts(new Date(instantMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Whether the runtime knows the zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The instant of a local wall-clock time ("YYYY-MM-DD", "HH:MM") in a zone. */
export function localTimeToInstant(localDate: string, localTime: string, timeZone: string): number {
  const [y, mo, d] = localDate.split('-').map(Number);
  const [h, mi] = localTime.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // two passes settle the offset except inside a DST jump, where the later offset wins
  let instant = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  instant = wall - zoneOffsetMinutes(instant, timeZone) * 60_000;
  return instant;
}
