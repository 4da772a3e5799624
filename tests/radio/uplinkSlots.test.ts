// The slotted-uplink plan: no two rows of one spreading factor overlap on one channel in any
// iteration (lanes rotate over the channels), every meter gets a slot, a meter's airtime is spread
// over both EU868 sub-bands, and the plan's length is what the busiest lane needs.
import assert from 'node:assert/strict';
import { rowMessageBytes } from '../../radio/frames.js';
import { dataRateForSpreadingFactor, EU868, subBandOf, US915 } from '../../radio/regionalParameters.js';
import { messageAirtimeMs, planUplinkSlots, SLOT_GUARD_MS, slotFrequencyHz } from '../../radio/uplinkSlots.js';
import type { SpreadingFactor } from '../../radio/timeOnAir.js';

const ROW = rowMessageBytes(24);
const meters = (n: number, sfs: SpreadingFactor[]) =>
  Array.from({ length: n }, (_, i) => ({ devEui: `70b3d57ed0${i.toString(16).padStart(6, '0')}`, dr: dataRateForSpreadingFactor(EU868, sfs[i % sfs.length]!).dr }));

describe('radio: slotted uplinks', () => {
  it('a 24-slot row is 123 B: one frame at SF7, three at SF10 (about 2.1 s of airtime)', () => {
    assert.equal(ROW, 123);
    const sf7 = messageAirtimeMs(EU868, dataRateForSpreadingFactor(EU868, 7).dr, ROW);
    const sf10 = messageAirtimeMs(EU868, dataRateForSpreadingFactor(EU868, 10).dr, ROW);
    assert.ok(sf7 > 200 && sf7 < 250, `SF7 ${sf7}`);
    assert.ok(sf10 > 1900 && sf10 < 2300, `SF10 ${sf10}`);
  });

  it('100 meters SF7-SF10 on the eight EU868 channels: no same-channel same-SF overlap in any iteration, and the plan is as long as the SF10 lanes', () => {
    const ms = meters(100, [7, 8, 9, 10]);
    const plan = planUplinkSlots(EU868, ms, ROW);
    assert.equal(plan.slots.size, 100);
    const drOf = new Map(ms.map((m) => [m.devEui, m.dr]));
    for (const iteration of [0, 1, 2, 7, 8, 13]) {
      const byLane = new Map<string, { start: number; end: number }[]>();
      for (const [dev, s] of plan.slots) {
        const f = slotFrequencyHz(s, iteration);
        assert.ok(EU868.uplinkChannelsHz.includes(f));
        const lane = `${drOf.get(dev)}/${f}`;
        byLane.set(lane, [...(byLane.get(lane) ?? []), { start: s.offsetMs, end: s.offsetMs + s.airtimeMs }]);
      }
      // 4 spreading factors x 8 channels, every lane used in every iteration
      assert.equal(byLane.size, 32);
      for (const [lane, list] of byLane) {
        list.sort((a, b) => a.start - b.start);
        for (let k = 1; k < list.length; k++) assert.ok(list[k]!.start >= list[k - 1]!.end + SLOT_GUARD_MS - 1e-9, `overlap in lane ${lane}, iteration ${iteration}`);
      }
    }
    // a meter's channel changes every iteration and visits both EU868 sub-bands (g1 and g)
    const one = plan.slots.values().next().value!;
    assert.notEqual(slotFrequencyHz(one, 0), slotFrequencyHz(one, 1));
    const bands = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((k) => subBandOf(EU868, slotFrequencyHz(one, k)).name));
    assert.deepEqual([...bands].sort(), ['g', 'g1']);
    // 25 SF10 meters over 8 channels: 4 rows in the busiest lane
    const sf10 = messageAirtimeMs(EU868, dataRateForSpreadingFactor(EU868, 10).dr, ROW);
    assert.ok(Math.abs(plan.lengthMs - (4 * sf10 + 3 * SLOT_GUARD_MS)) < 1e-6, `length ${plan.lengthMs}`);
  });

  it('does not depend on the order the meters are listed in', () => {
    const ms = meters(30, [7, 9]);
    const a = planUplinkSlots(EU868, ms, ROW);
    const b = planUplinkSlots(EU868, [...ms].reverse(), ROW);
    assert.deepEqual([...a.slots.entries()].sort(), [...b.slots.entries()].sort());
  });

  it('uses all eight US915 channels of the sub-band', () => {
    const ms = Array.from({ length: 16 }, (_, i) => ({ devEui: `m${i}`, dr: 3 }));
    const plan = planUplinkSlots(US915, ms, 100);
    assert.equal(new Set([...plan.slots.values()].map((s) => slotFrequencyHz(s, 0))).size, 8);
  });

  it('refuses a meter listed twice, a negative guard and a row too big for the data rate', () => {
    const ms = meters(2, [7]);
    assert.throws(() => planUplinkSlots(EU868, [ms[0]!, ms[0]!], ROW), /appears twice/);
    assert.throws(() => planUplinkSlots(EU868, ms, ROW, -1), /guardMs/);
    assert.throws(() => planUplinkSlots(EU868, ms, 100_000));
  });
});
