// The LoRaWAN delivery estimate against the time-on-air formula (radio/timeOnAir.ts): a 100 KiB
// image with 10 % redundancy takes about 186 s of airtime at SF7 and about 6,559 s at SF12 (EU868
// multicast downlinks), and a rollout whose session does not fit the duty cycle is refused.
import assert from 'node:assert/strict';
import { DerchainInputError } from '../../errors/inputError.js';
import { assertLoraRolloutFits, estimateLoraDelivery } from '../../fleet/loraDelivery.js';
import { timeOnAirMs } from '../../radio/timeOnAir.js';

describe('LoRaWAN delivery estimate', () => {
  const image = 100 * 1024;

  it('100 KiB with 10 % redundancy: about 186 s of airtime at SF7 and 6,559 s at SF12', () => {
    const sf7 = estimateLoraDelivery({ imageBytes: image, redundancyPercent: 10, spreadingFactor: 7 });
    const sf12 = estimateLoraDelivery({ imageBytes: image, redundancyPercent: 10, spreadingFactor: 12 });
    // the frame counts follow from 239 B and 48 B of fragment data per frame
    assert.equal(sf7.fragmentBytes, 239);
    assert.equal(sf7.frames, 429 + 43);
    assert.equal(sf12.fragmentBytes, 48);
    assert.equal(sf12.frames, 2134 + 214);
    // each frame's time on air is the formula's for the full PHY payload, no CRC on downlinks
    assert.equal(sf7.frameMs, timeOnAirMs(242 + 13, { kind: 'lora', spreadingFactor: 7, bandwidthHz: 125_000, crc: false }));
    assert.equal(sf12.frameMs, timeOnAirMs(51 + 13, { kind: 'lora', spreadingFactor: 12, bandwidthHz: 125_000, crc: false }));
    assert.ok(Math.abs(sf7.airtimeSeconds - 186) < 1, `SF7: ${sf7.airtimeSeconds} s`);
    assert.ok(Math.abs(sf12.airtimeSeconds - 6559) < 1, `SF12: ${sf12.airtimeSeconds} s`);
    // EU868 multicast on RX2 (869.525 MHz, sub-band g3, 10 %)
    assert.equal(sf12.dutyCycle, 0.1);
    assert.ok(Math.abs(sf12.minSessionSeconds - 65_590) < 10);
  });

  it('refuses a rollout to LoRaWAN meters that does not fit the window, and ignores fleets without them', () => {
    const meters = [{ gateway: 'gw0', transport: 'lorawan' }, { gateway: 'gw1', transport: 'ip' }];
    assert.throws(() => assertLoraRolloutFits(meters, image, { spreadingFactor: 12, redundancyPercent: 10, windowHours: 12 }), (e: unknown) => {
      assert.ok(e instanceof DerchainInputError);
      assert.match(e.message, /does not fit .* gw0/);
      return true;
    });
    const ok = assertLoraRolloutFits(meters, image, { spreadingFactor: 12, redundancyPercent: 10, windowHours: 24 });
    assert.equal(ok?.fits, true);
    assert.equal(assertLoraRolloutFits([{ gateway: 'gw1', transport: 'ip' }], 10 ** 9, { spreadingFactor: 12, redundancyPercent: 10, windowHours: 1 }), undefined);
    assert.throws(() => estimateLoraDelivery({ imageBytes: image, redundancyPercent: 10, spreadingFactor: 13 }), /spreading factor/);
  });
});
