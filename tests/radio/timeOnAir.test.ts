// The time-on-air formula against Semtech's published example and the figures the issue checked,
// and the regional tables' payload and dwell limits as a sender meets them.
import assert from 'node:assert/strict';
import {
  assertFitsDataRate,
  airtimeBudgetMsPerHour,
  dataRate,
  dataRateForSpreadingFactor,
  EU868,
  frameTimeOnAirMs,
  maxAppPayload,
  RadioLimitError,
  regionByName,
  subBandOf,
  US915,
} from '../../radio/regionalParameters.js';
import { loraPayloadSymbols, lorawanTimeOnAirMs, timeOnAirMs, type LoraModulation } from '../../radio/timeOnAir.js';

const sf = (s: 7 | 8 | 9 | 10 | 11 | 12): LoraModulation => ({ kind: 'lora', spreadingFactor: s, bandwidthHz: 125_000 });

describe('radio: time on air', () => {
  it("reproduces AN1200.13's example: SF9, 125 kHz, 13 B -> 164.864 ms", () => {
    assert.equal(loraPayloadSymbols(13, sf(9)), 28);
    assert.ok(Math.abs(timeOnAirMs(13, sf(9)) - 164.864) < 1e-9, String(timeOnAirMs(13, sf(9))));
  });

  it('gives the issue figures for 51 B LoRaWAN payloads (13 B of MAC overhead)', () => {
    assert.equal(lorawanTimeOnAirMs(51, sf(7)).toFixed(1), '118.0');
    assert.equal(lorawanTimeOnAirMs(51, sf(10)).toFixed(1), '698.4');
    // 73 symbols of 32.768 ms plus the 12.25-symbol preamble: 2793.472 ms (the issue rounds to 2,794)
    assert.ok(Math.abs(lorawanTimeOnAirMs(51, sf(12)) - 2793.472) < 1e-9);
    assert.ok(Math.abs(lorawanTimeOnAirMs(51, sf(12)) - 2794) < 1);
    // SF11/12 at 125 kHz switch the low data rate optimisation on by themselves (fewer bits per symbol)
    assert.ok(lorawanTimeOnAirMs(51, sf(12)) > lorawanTimeOnAirMs(51, { ...sf(12), lowDataRateOptimize: false }));
  });

  it('a 123 B pool row is one 225.5 ms SF7 frame, 160 iterations per hour in 1 %', () => {
    const toa = frameTimeOnAirMs(EU868, 5, 123);
    assert.equal(toa.toFixed(1), '225.5');
    assert.equal(Math.round(airtimeBudgetMsPerHour(subBandOf(EU868, 868_100_000)) / toa), 160);
  });

  it('a 48 B downlink (no payload CRC) takes 113 ms at SF7 and 2.6 s at SF12', () => {
    assert.equal(Math.round(frameTimeOnAirMs(EU868, 5, 48, 'downlink')), 113);
    assert.equal((frameTimeOnAirMs(EU868, 0, 48, 'downlink') / 1000).toFixed(1), '2.6');
  });

  it('FSK (EU868 DR7) counts bytes at 50 kbit/s', () => {
    assert.equal(frameTimeOnAirMs(EU868, 7, 0), ((5 + 3 + 1 + 13 + 2) * 8) / 50);
  });

  it('rejects impossible payloads', () => {
    assert.throws(() => timeOnAirMs(256, sf(7)), /0\.\.255/);
    assert.throws(() => timeOnAirMs(-1, sf(7)), RangeError);
  });
});

describe('radio: regional parameters', () => {
  it('EU868 payload limits per data rate and 1 % on the default channels', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((d) => maxAppPayload(EU868, d)), [51, 51, 51, 115, 242, 242, 242, 242]);
    assert.equal(maxAppPayload(EU868, 5, { repeater: true }), 222);
    for (const f of EU868.uplinkChannelsHz) assert.equal(airtimeBudgetMsPerHour(subBandOf(EU868, f)), 36_000);
    assert.equal(subBandOf(EU868, EU868.rx2.frequencyHz).dutyCycle, 0.1);
    assert.equal(dataRateForSpreadingFactor(EU868, 9).dr, 3);
  });

  it('US915 payload limits and the 400 ms dwell time', () => {
    assert.deepEqual([0, 1, 2, 3].map((d) => maxAppPayload(US915, d)), [11, 53, 125, 242]);
    assert.equal(US915.maxDwellMs, 400);
    assert.throws(() => dataRate(US915, 8, 'uplink'), /not a uplink/);
    assert.equal(regionByName('US915'), US915);
    assert.throws(() => regionByName('AS923'), /unknown LoRaWAN region/);
  });

  it('a frame too large for its data rate is an error before sending', () => {
    assert.throws(() => assertFitsDataRate(EU868, 2, 52), RadioLimitError);
    assert.throws(() => assertFitsDataRate(EU868, 3, 123), /115 B/);
    assert.ok(assertFitsDataRate(EU868, 5, 123) > 0);
    assert.throws(() => assertFitsDataRate(US915, 0, 12), /limit of 11 B/);
    // every payload US915 allows at DR0 also stays within the dwell time
    assert.ok(assertFitsDataRate(US915, 0, 11) < 400);
  });
});
