// Time on air of one LoRa (chirp spread spectrum) or FSK frame: the SX1276 datasheet formula
// (section 4.1.1.7, also Semtech AN1200.13 "LoRa Modem Designer's Guide"). Everything a radio
// budget needs (duty cycle, dwell time, gateway downlink capacity) starts from this number.
//
//   Tsym      = 2^SF / BW
//   Tpreamble = (nPreamble + 4.25) * Tsym
//   nPayload  = 8 + max(ceil((8 PL - 4 SF + 28 + 16 CRC - 20 IH) / (4 (SF - 2 DE))) * (CR + 4), 0)
//   ToA       = Tpreamble + nPayload * Tsym
//
// PL is the PHY payload in bytes (for LoRaWAN: the application payload plus 13 bytes of MHDR,
// FHDR without FOpts, FPort and MIC), IH = 1 for implicit header, DE = 1 with low data rate
// optimisation (mandatory when a symbol lasts 16 ms or more: SF11 and SF12 at 125 kHz), CRC = 1
// when the payload CRC is sent (LoRaWAN uplinks yes, downlinks no), CR = 1..4 for 4/5..4/8.

export type SpreadingFactor = 7 | 8 | 9 | 10 | 11 | 12;
export type LoraBandwidthHz = 125_000 | 250_000 | 500_000;

/** One LoRa modulation and frame setting; the defaults are LoRaWAN's. */
export interface LoraModulation {
  kind: 'lora';
  spreadingFactor: SpreadingFactor;
  bandwidthHz: LoraBandwidthHz;
  /** 1..4 for coding rate 4/5..4/8; LoRaWAN uses 1 (4/5) */
  codingRate?: 1 | 2 | 3 | 4;
  /** programmed preamble symbols; LoRaWAN uses 8 */
  preambleSymbols?: number;
  /** explicit PHY header (LoRaWAN: yes) */
  explicitHeader?: boolean;
  /** payload CRC present (LoRaWAN: uplinks yes, downlinks no) */
  crc?: boolean;
  /** low data rate optimisation; default: on when a symbol lasts >= 16 ms */
  lowDataRateOptimize?: boolean;
}

/** GFSK modulation (EU868 DR7, 50 kbit/s): preamble, sync word, length byte, payload, CRC-16. */
export interface FskModulation {
  kind: 'fsk';
  bitRate: number;
  preambleBytes?: number;
  syncWordBytes?: number;
}

export type Modulation = LoraModulation | FskModulation;

/** Bytes LoRaWAN adds around an application payload: MHDR 1, DevAddr 4, FCtrl 1, FCnt 2, FPort 1, MIC 4. */
export const LORAWAN_OVERHEAD_BYTES = 13;

/** Symbol duration in ms. */
export function loraSymbolMs(spreadingFactor: SpreadingFactor, bandwidthHz: LoraBandwidthHz): number {
  return (2 ** spreadingFactor / bandwidthHz) * 1000;
}

function checkPayload(phyPayloadBytes: number): void {
  if (!Number.isInteger(phyPayloadBytes) || phyPayloadBytes < 0 || phyPayloadBytes > 255) {
    throw new RangeError(`PHY payload of ${phyPayloadBytes} bytes: a LoRa frame carries 0..255 bytes`);
  }
}

/** Number of payload symbols (header, payload, CRC) of one LoRa frame. */
export function loraPayloadSymbols(phyPayloadBytes: number, m: LoraModulation): number {
  checkPayload(phyPayloadBytes);
  const sf = m.spreadingFactor;
  const cr = m.codingRate ?? 1;
  const ih = (m.explicitHeader ?? true) ? 0 : 1;
  const crc = (m.crc ?? true) ? 1 : 0;
  const de = (m.lowDataRateOptimize ?? loraSymbolMs(sf, m.bandwidthHz) >= 16) ? 1 : 0;
  const numerator = 8 * phyPayloadBytes - 4 * sf + 28 + 16 * crc - 20 * ih;
  return 8 + Math.max(Math.ceil(numerator / (4 * (sf - 2 * de))) * (cr + 4), 0);
}

/** Time on air in ms of one frame carrying `phyPayloadBytes` (the whole PHY payload). */
export function timeOnAirMs(phyPayloadBytes: number, m: Modulation): number {
  checkPayload(phyPayloadBytes);
  if (m.kind === 'fsk') {
    const bytes = (m.preambleBytes ?? 5) + (m.syncWordBytes ?? 3) + 1 + phyPayloadBytes + 2;
    return (bytes * 8 * 1000) / m.bitRate;
  }
  const tSym = loraSymbolMs(m.spreadingFactor, m.bandwidthHz);
  const preamble = ((m.preambleSymbols ?? 8) + 4.25) * tSym;
  return preamble + loraPayloadSymbols(phyPayloadBytes, m) * tSym;
}

/** Time on air in ms of a LoRaWAN data frame with `appPayloadBytes` of FRMPayload (no FOpts). */
export function lorawanTimeOnAirMs(appPayloadBytes: number, m: Modulation, fOptsBytes = 0): number {
  return timeOnAirMs(appPayloadBytes + LORAWAN_OVERHEAD_BYTES + fOptsBytes, m);
}
