// Delivering an agent image to LoRaWAN-only meters: as a Class C multicast fragmentation session
// (LoRaWAN TS004 "Fragmented Data Block Transport": each downlink carries a 3-byte DataFragment
// header and the rest of the largest application payload the data rate allows), with redundancy
// fragments (forward error correction) so that a meter that misses some frames still rebuilds the
// image. Time on air comes from radio/ (the SX127x formula, regional table, no CRC on downlinks);
// the gateway may send on the multicast channel only within its sub-band's duty cycle (EU868 RX2,
// 869.525 MHz: 10 %), so the session needs at least airtime / duty cycle of wall time per gateway.
// A rollout to LoRaWAN meters whose session does not fit the planned window is refused.
import { DerchainInputError } from '../errors/inputError.js';
import { dataRate, frameTimeOnAirMs, regionByName, subBandOf, type DataRate, type Region } from '../radio/regionalParameters.js';

/** TS004 DataFragment: CID (1 byte) + FragIndex/N (2 bytes). */
export const FUOTA_FRAGMENT_HEADER_BYTES = 3;

export interface LoraDeliveryInput {
  imageBytes: number;
  /** redundancy fragments as a percentage of the data fragments (e.g. 10) */
  redundancyPercent: number;
  spreadingFactor: number;
  region?: string;
  /** planned window for the session, hours (for the fits check) */
  windowHours?: number;
}

export interface LoraDeliveryEstimate {
  region: string;
  dataRate: number;
  spreadingFactor: number;
  bandwidthKHz: number;
  appPayloadBytes: number;
  fragmentBytes: number;
  dataFragments: number;
  redundancyFragments: number;
  frames: number;
  frameMs: number;
  airtimeSeconds: number;
  multicastFrequencyHz: number;
  subBand: string;
  dutyCycle: number;
  /** the least wall time the session needs under the duty cycle, seconds */
  minSessionSeconds: number;
  windowHours?: number;
  fits?: boolean;
}

/** The downlink data rate of a region at this spreading factor (EU868 125 kHz, US915 500 kHz). */
function downlinkRate(region: Region, sf: number): DataRate {
  const d = region.dataRates.find((x) => x.directions.includes('downlink') && x.modulation.kind === 'lora' && x.modulation.spreadingFactor === sf);
  if (!d) throw new DerchainInputError(`${region.name} has no LoRa downlink data rate at SF${sf}`, { field: 'sf' });
  return d;
}

export function estimateLoraDelivery(o: LoraDeliveryInput): LoraDeliveryEstimate {
  if (!Number.isInteger(o.imageBytes) || o.imageBytes <= 0) throw new DerchainInputError(`image size must be a positive number of bytes, got ${o.imageBytes}`, { field: 'size' });
  if (!(o.redundancyPercent >= 0 && o.redundancyPercent <= 200)) throw new DerchainInputError(`redundancy must be 0 .. 200 %, got ${o.redundancyPercent}`, { field: 'redundancy' });
  if (!Number.isInteger(o.spreadingFactor) || o.spreadingFactor < 7 || o.spreadingFactor > 12) throw new DerchainInputError(`spreading factor must be 7 .. 12, got ${o.spreadingFactor}`, { field: 'sf' });
  let region: Region;
  try {
    region = regionByName(o.region ?? 'EU868');
  } catch (err) {
    throw new DerchainInputError((err as Error).message, { field: 'region' });
  }
  const d = downlinkRate(region, o.spreadingFactor);
  const m = dataRate(region, d.dr).modulation;
  const appPayload = d.maxAppPayload;
  const fragment = appPayload - FUOTA_FRAGMENT_HEADER_BYTES;
  const dataFragments = Math.ceil(o.imageBytes / fragment);
  const redundancyFragments = Math.ceil((dataFragments * o.redundancyPercent) / 100 - 1e-9);
  const frames = dataFragments + redundancyFragments;
  const frameMs = frameTimeOnAirMs(region, d.dr, appPayload, 'downlink');
  const airtimeSeconds = (frames * frameMs) / 1000;
  const band = subBandOf(region, region.rx2.frequencyHz);
  const e: LoraDeliveryEstimate = {
    region: region.name,
    dataRate: d.dr,
    spreadingFactor: o.spreadingFactor,
    bandwidthKHz: m.kind === 'lora' ? m.bandwidthHz / 1000 : 0,
    appPayloadBytes: appPayload,
    fragmentBytes: fragment,
    dataFragments,
    redundancyFragments,
    frames,
    frameMs,
    airtimeSeconds,
    multicastFrequencyHz: region.rx2.frequencyHz,
    subBand: band.name,
    dutyCycle: band.dutyCycle,
    minSessionSeconds: airtimeSeconds / band.dutyCycle,
  };
  if (o.windowHours !== undefined) {
    if (!(o.windowHours > 0)) throw new DerchainInputError(`the window must be a positive number of hours, got ${o.windowHours}`, { field: 'lora-window-hours' });
    e.windowHours = o.windowHours;
    e.fits = e.minSessionSeconds <= o.windowHours * 3600;
  }
  return e;
}

export function describeEstimate(e: LoraDeliveryEstimate): string {
  const h = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${s.toFixed(0)} s`);
  return (
    `${e.region} DR${e.dataRate} (SF${e.spreadingFactor}/${e.bandwidthKHz} kHz): ${e.dataFragments} + ${e.redundancyFragments} fragments of ${e.fragmentBytes} B, ` +
    `${e.frames} frames x ${e.frameMs.toFixed(1)} ms = ${e.airtimeSeconds.toFixed(0)} s airtime; ` +
    `at ${(e.dutyCycle * 100).toFixed(e.dutyCycle < 0.01 ? 1 : 0)} % duty cycle (${e.subBand}, ${(e.multicastFrequencyHz / 1e6).toFixed(3)} MHz) the session needs at least ${h(e.minSessionSeconds)}` +
    (e.fits === undefined ? '' : e.fits ? `: fits the ${e.windowHours} h window` : `: does NOT fit the ${e.windowHours} h window`)
  );
}

export interface LoraRolloutCheck {
  spreadingFactor: number;
  redundancyPercent: number;
  windowHours: number;
  region?: string;
}

/** Refuses (DerchainInputError) a rollout whose multicast session does not fit on some gateway. */
export function assertLoraRolloutFits(meters: readonly { gateway: string; transport: string }[], imageBytes: number, o: LoraRolloutCheck): LoraDeliveryEstimate | undefined {
  const gateways = new Set(meters.filter((m) => m.transport === 'lorawan').map((m) => m.gateway));
  if (gateways.size === 0) return undefined;
  const e = estimateLoraDelivery({ imageBytes, ...o });
  if (!e.fits) {
    throw new DerchainInputError(
      `the LoRaWAN delivery does not fit the duty cycle in the planned window on gateway(s) ${[...gateways].sort().join(', ')}: ${describeEstimate(e)}`,
      { field: 'lora-window-hours' },
    );
  }
  return e;
}
