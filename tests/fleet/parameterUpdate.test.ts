// Parameter-only updates: a signed 88-byte message for two values, checked by the meter (signature,
// expiry, no replay, bounds), and its LoRaWAN airtime (one downlink from SF7 to SF9).
import assert from 'node:assert/strict';
import { estimateLoraDelivery } from '../../fleet/loraDelivery.js';
import { decodeParameterUpdate, encodeParameterUpdate, ParameterUpdateRejected } from '../../fleet/parameterUpdate.js';
import { generateReleaseKey } from '../../fleet/releaseSigning.js';

describe('parameter-only updates', () => {
  const key = generateReleaseKey();
  const update = { seq: 7, expires: new Date(Date.now() + 3_600_000), group: 0, values: { 'tariff.energyPeak': 0.42, 'battery.aMin': 0.15 } };
  const reason = (f: () => unknown) => {
    try {
      f();
      return 'accepted';
    } catch (err) {
      assert.ok(err instanceof ParameterUpdateRejected, String(err));
      return err.reason;
    }
  };

  it('is a small signed message the meter decodes to the same values', () => {
    const bytes = encodeParameterUpdate(update, key.privateKey);
    assert.equal(bytes.length, 88);
    const d = decodeParameterUpdate(bytes, [key.publicKey], { lastSeq: 6, group: 3 });
    assert.deepEqual(d.values, update.values);
    assert.equal(d.seq, 7);
    // one LoRaWAN downlink at SF7..SF9 (115 B and more), two at SF10..SF12 (51 B)
    assert.equal(estimateLoraDelivery({ imageBytes: bytes.length, redundancyPercent: 0, spreadingFactor: 9 }).frames, 1);
    assert.equal(estimateLoraDelivery({ imageBytes: bytes.length, redundancyPercent: 0, spreadingFactor: 12 }).frames, 2);
  });

  it('refuses a changed byte, a foreign key, a replay, an expired message and implausible values', () => {
    const bytes = encodeParameterUpdate(update, key.privateKey);
    const changed = Uint8Array.from(bytes);
    changed[16] ^= 1;
    assert.equal(reason(() => decodeParameterUpdate(changed, [key.publicKey], { lastSeq: 0, group: 0 })), 'bad-signature');
    assert.equal(reason(() => decodeParameterUpdate(bytes, [generateReleaseKey().publicKey], { lastSeq: 0, group: 0 })), 'bad-signature');
    assert.equal(reason(() => decodeParameterUpdate(bytes, [key.publicKey], { lastSeq: 7, group: 0 })), 'replay');
    assert.equal(reason(() => decodeParameterUpdate(bytes, [key.publicKey], { lastSeq: 0, group: 0, now: new Date(Date.now() + 7_200_000) })), 'expired');
    assert.throws(() => encodeParameterUpdate({ ...update, values: { 'battery.aMin': 1.5 } }, key.privateKey), /outside/);
    assert.equal(reason(() => decodeParameterUpdate(encodeParameterUpdate({ ...update, group: 9 }, key.privateKey), [key.publicKey], { lastSeq: 0, group: 3 })), 'other-group');
  });
});
