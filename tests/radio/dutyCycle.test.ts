// The duty-cycle ledger: a sliding hour per transmitter and sub-band; a sender learns the earliest
// start that keeps the limit and cannot record past it.
import assert from 'node:assert/strict';
import { DutyCycleError, DutyCycleLedger } from '../../radio/dutyCycle.js';
import { EU868, US915 } from '../../radio/regionalParameters.js';

describe('radio: duty-cycle ledger', () => {
  it('allows 36 s per hour per device in g1 and then waits for the oldest airtime to leave', () => {
    const l = new DutyCycleLedger(EU868);
    const f = 868_100_000;
    for (let k = 0; k < 36; k++) l.reserve('m1', f, k * 2000, 1000);
    assert.equal(l.usedMs('m1', f, 72_000), 36_000);
    assert.throws(() => l.reserve('m1', f, 80_000, 500), DutyCycleError);
    // the first second leaves the window at 3600 s: a 500 ms frame may end at 3600.5 s
    assert.equal(l.earliestStart('m1', f, 500, 80_000), 3_600_000);
    // other devices and other sub-bands are separate
    l.reserve('m2', f, 80_000, 500);
    l.reserve('m1', EU868.rx2.frequencyHz, 80_000, 500);
    const u = l.usage(80_500).find((x) => x.transmitter === 'm1' && x.subBand === 'g1')!;
    assert.equal(u.headroomMs, 0);
    assert.equal(u.frames, 36);
  });

  it('terminates on an epoch-scale clock with fractional airtimes (the stalled radio rounds)', () => {
    // a double resolves 2.4e-4 ms at 1.8e12 ms: the slide used to step by 1e-6 ms, which the clock lost
    const l = new DutyCycleLedger(EU868);
    const f = 868_300_000;
    const t0 = Date.UTC(2026, 0, 1);
    const toa = 225.536;
    let at = t0;
    for (let k = 0; k < 400; k++) {
      at = l.earliestStart('m1', f, toa, at + 7_000 * (k % 3));
      l.record('m1', f, at, toa);
    }
    assert.ok(at - t0 > 3_600_000, 'later frames waited for the oldest airtime to leave the hour');
    // no sliding hour holds more than 36 s (+ the documented slack per frame)
    for (const u of l.usage(at + toa)) assert.ok(u.usedMs <= 36_000 + 0.01, `${u.usedMs} ms`);
    const used = l.usedMs('m1', f, at + toa);
    assert.ok(used > 35_500 && used <= 36_000.01, `${used} ms in the last hour`);
  });

  it('the 10 % RX2 sub-band allows ten times more', () => {
    const l = new DutyCycleLedger(EU868);
    assert.throws(() => l.earliestStart('gw', 869_525_000, 360_001, 0), /whole budget/);
    l.reserve('gw', 869_525_000, 0, 360_000);
    assert.equal(l.earliestStart('gw', 869_525_000, 1, 360_000), 3_600_000);
    assert.equal(l.usage(360_000)[0]!.headroomMs, 0);
  });

  it('US915 has no duty cycle', () => {
    const l = new DutyCycleLedger(US915);
    for (let k = 0; k < 100; k++) l.reserve('m', 903_900_000, k * 400, 399);
    assert.equal(l.earliestStart('m', 903_900_000, 399, 40_000), 40_000);
  });
});
