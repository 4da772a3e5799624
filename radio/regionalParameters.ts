// LoRaWAN regional parameters (LoRa Alliance RP002-1.0.x / RP 1.0.3revA) for the two regions the
// kit is piloted in: EU868 (ETSI EN 300 220 duty cycle per sub-band) and US915 (FCC part 15:
// no duty cycle, 400 ms dwell time on the 125 kHz uplink channels 0-63). One table per region:
// data rate -> modulation and the largest application payload (N, no FOpts), the sub-bands with
// their duty-cycle limit, the RX2 / multicast defaults. `maxAppPayload` and `assertFitsDataRate`
// are what a sender calls before it transmits.
import { lorawanTimeOnAirMs, type Modulation } from './timeOnAir.js';

export type RegionName = 'EU868' | 'US915';
export type LinkDirection = 'uplink' | 'downlink';

export interface DataRate {
  dr: number;
  modulation: Modulation;
  /** the largest FRMPayload without FOpts (N), not repeater compatible */
  maxAppPayload: number;
  /** N for repeater-compatible devices */
  maxAppPayloadRepeater: number;
  /** directions this data rate may be used in */
  directions: readonly LinkDirection[];
}

export interface SubBand {
  name: string;
  minHz: number;
  maxHz: number;
  /** allowed fraction of airtime (0.01 = 1 %); 1 where no duty cycle applies */
  dutyCycle: number;
}

export interface Region {
  name: RegionName;
  dataRates: readonly DataRate[];
  subBands: readonly SubBand[];
  /** uplink channel frequencies a device cycles through by default */
  uplinkChannelsHz: readonly number[];
  /** longest single transmission on a channel in ms (US915 channels 0-63), or undefined */
  maxDwellMs?: number;
  /** RX2 / Class C / multicast default frequency and data rate */
  rx2: { frequencyHz: number; dr: number };
}

const lora = (sf: 7 | 8 | 9 | 10 | 11 | 12, bw: 125_000 | 250_000 | 500_000): Modulation => ({
  kind: 'lora',
  spreadingFactor: sf,
  bandwidthHz: bw,
});
const up: readonly LinkDirection[] = ['uplink', 'downlink'];

export const EU868: Region = {
  name: 'EU868',
  dataRates: [
    { dr: 0, modulation: lora(12, 125_000), maxAppPayload: 51, maxAppPayloadRepeater: 51, directions: up },
    { dr: 1, modulation: lora(11, 125_000), maxAppPayload: 51, maxAppPayloadRepeater: 51, directions: up },
    { dr: 2, modulation: lora(10, 125_000), maxAppPayload: 51, maxAppPayloadRepeater: 51, directions: up },
    { dr: 3, modulation: lora(9, 125_000), maxAppPayload: 115, maxAppPayloadRepeater: 115, directions: up },
    { dr: 4, modulation: lora(8, 125_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: up },
    { dr: 5, modulation: lora(7, 125_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: up },
    { dr: 6, modulation: lora(7, 250_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: up },
    { dr: 7, modulation: { kind: 'fsk', bitRate: 50_000 }, maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: up },
  ],
  // ETSI EN 300 220 / ERC 70-03 sub-bands used by LoRaWAN in EU868
  subBands: [
    { name: 'g', minHz: 865_000_000, maxHz: 868_000_000, dutyCycle: 0.01 },
    { name: 'g1', minHz: 868_000_000, maxHz: 868_600_000, dutyCycle: 0.01 },
    { name: 'g2', minHz: 868_700_000, maxHz: 869_200_000, dutyCycle: 0.001 },
    { name: 'g3', minHz: 869_400_000, maxHz: 869_650_000, dutyCycle: 0.1 },
    { name: 'g4', minHz: 869_700_000, maxHz: 870_000_000, dutyCycle: 0.01 },
  ],
  // the three default channels (g1) and the five a network adds in the join accept's CFList (g,
  // 865-868 MHz, its own 1 %), as ChirpStack's EU868 region configuration does
  uplinkChannelsHz: [868_100_000, 868_300_000, 868_500_000, 867_100_000, 867_300_000, 867_500_000, 867_700_000, 867_900_000],
  rx2: { frequencyHz: 869_525_000, dr: 0 },
};

const usUplink: readonly LinkDirection[] = ['uplink'];
const usDownlink: readonly LinkDirection[] = ['downlink'];

export const US915: Region = {
  name: 'US915',
  dataRates: [
    { dr: 0, modulation: lora(10, 125_000), maxAppPayload: 11, maxAppPayloadRepeater: 11, directions: usUplink },
    { dr: 1, modulation: lora(9, 125_000), maxAppPayload: 53, maxAppPayloadRepeater: 53, directions: usUplink },
    { dr: 2, modulation: lora(8, 125_000), maxAppPayload: 125, maxAppPayloadRepeater: 125, directions: usUplink },
    { dr: 3, modulation: lora(7, 125_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: usUplink },
    { dr: 4, modulation: lora(8, 500_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: usUplink },
    { dr: 8, modulation: lora(12, 500_000), maxAppPayload: 53, maxAppPayloadRepeater: 33, directions: usDownlink },
    { dr: 9, modulation: lora(11, 500_000), maxAppPayload: 129, maxAppPayloadRepeater: 109, directions: usDownlink },
    { dr: 10, modulation: lora(10, 500_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: usDownlink },
    { dr: 11, modulation: lora(9, 500_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: usDownlink },
    { dr: 12, modulation: lora(8, 500_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: usDownlink },
    { dr: 13, modulation: lora(7, 500_000), maxAppPayload: 242, maxAppPayloadRepeater: 222, directions: usDownlink },
  ],
  // FCC part 15.247: no duty cycle; the dwell time limit applies instead
  subBands: [{ name: 'ism902-928', minHz: 902_000_000, maxHz: 928_000_000, dutyCycle: 1 }],
  // sub-band 2 (channels 8-15), the one most US networks use
  uplinkChannelsHz: Array.from({ length: 8 }, (_, k) => 903_900_000 + k * 200_000),
  maxDwellMs: 400,
  rx2: { frequencyHz: 923_300_000, dr: 8 },
};

export const REGIONS: Readonly<Record<RegionName, Region>> = { EU868, US915 };

/** Error for a frame the radio must not send (too large for its data rate, over the dwell time). */
export class RadioLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RadioLimitError';
  }
}

export function regionByName(name: string): Region {
  const r = (REGIONS as Record<string, Region>)[name];
  if (r === undefined) throw new RangeError(`unknown LoRaWAN region ${name}; known: ${Object.keys(REGIONS).join(', ')}`);
  return r;
}

/** The data rate `dr` of `region`, checked for the direction it is used in. */
export function dataRate(region: Region, dr: number, direction?: LinkDirection): DataRate {
  const d = region.dataRates.find((x) => x.dr === dr);
  if (d === undefined) throw new RangeError(`${region.name} has no data rate DR${dr}`);
  if (direction !== undefined && !d.directions.includes(direction)) {
    throw new RangeError(`${region.name} DR${dr} is not a ${direction} data rate`);
  }
  return d;
}

/** The uplink data rate of `region` using LoRa at `spreadingFactor` and 125 kHz. */
export function dataRateForSpreadingFactor(region: Region, spreadingFactor: number): DataRate {
  const d = region.dataRates.find(
    (x) =>
      x.directions.includes('uplink') &&
      x.modulation.kind === 'lora' &&
      x.modulation.spreadingFactor === spreadingFactor &&
      x.modulation.bandwidthHz === 125_000,
  );
  if (d === undefined) throw new RangeError(`${region.name} has no 125 kHz uplink data rate at SF${spreadingFactor}`);
  return d;
}

/** Largest application payload (FRMPayload, no FOpts) at `dr`. */
export function maxAppPayload(region: Region, dr: number, opts: { repeater?: boolean } = {}): number {
  const d = dataRate(region, dr);
  return opts.repeater ? d.maxAppPayloadRepeater : d.maxAppPayload;
}

/** The sub-band holding `frequencyHz`; throws when the region has none. */
export function subBandOf(region: Region, frequencyHz: number): SubBand {
  const b = region.subBands.find((s) => frequencyHz >= s.minHz && frequencyHz <= s.maxHz);
  if (b === undefined) throw new RangeError(`${frequencyHz} Hz is outside every ${region.name} sub-band`);
  return b;
}

/** Uplink airtime allowed per hour in a sub-band (EU868 1 % -> 36 s). */
export function airtimeBudgetMsPerHour(band: SubBand): number {
  return band.dutyCycle * 3_600_000;
}

/**
 * Throws RadioLimitError unless an application payload of `appPayloadBytes` may be sent at `dr`:
 * within the data rate's payload limit and, where the region has one, the dwell time.
 * Returns the frame's time on air in ms.
 */
export function assertFitsDataRate(
  region: Region,
  dr: number,
  appPayloadBytes: number,
  direction: LinkDirection = 'uplink',
  opts: { repeater?: boolean } = {},
): number {
  const d = dataRate(region, dr, direction);
  const limit = opts.repeater ? d.maxAppPayloadRepeater : d.maxAppPayload;
  if (appPayloadBytes > limit) {
    throw new RadioLimitError(`${appPayloadBytes} B exceed ${region.name} DR${dr}'s limit of ${limit} B per frame`);
  }
  const toa = frameTimeOnAirMs(region, dr, appPayloadBytes, direction);
  if (region.maxDwellMs !== undefined && direction === 'uplink' && toa > region.maxDwellMs) {
    throw new RadioLimitError(`${appPayloadBytes} B at ${region.name} DR${dr} take ${toa.toFixed(1)} ms, over the ${region.maxDwellMs} ms dwell time`);
  }
  return toa;
}

/** Time on air in ms of a LoRaWAN frame at `dr` (downlinks carry no payload CRC). */
export function frameTimeOnAirMs(region: Region, dr: number, appPayloadBytes: number, direction: LinkDirection = 'uplink'): number {
  const m = dataRate(region, dr).modulation;
  return lorawanTimeOnAirMs(appPayloadBytes, direction === 'downlink' && m.kind === 'lora' ? { ...m, crc: false } : m);
}
