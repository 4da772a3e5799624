// The built-in generator: reproducible by seed, and physically plausible (no PV at night, PV peak
// near solar noon, daily PV yield per kWp fitting the season, load with evening peak, warmer
// summer afternoons), with local-time labels carrying the daylight-saving offset.
import assert from 'node:assert/strict';
import { generateData, FONTANA_CA } from '../../data/generator.js';
import { sunVector } from '../../data/solarPosition.js';
import { DerchainInputError } from '../../errors/inputError.js';

const HOUR = 3_600_000;

/** Solar noon of the local day starting at `midnightMs`: the minute of the highest sun. */
function solarNoonHour(midnightMs: number): number {
  let best = 0;
  let bestUp = -2;
  for (let m = 0; m < 24 * 60; m++) {
    const up = sunVector(midnightMs + m * 60_000, FONTANA_CA.latitude, FONTANA_CA.longitude).up;
    if (up > bestUp) {
      bestUp = up;
      best = m / 60;
    }
  }
  return best;
}

describe('data: built-in generator', () => {
  const summer = generateData({ start: '2016-08-08', days: 7, seed: 3 });
  const winter = generateData({ start: '2017-01-23', days: 7, seed: 3 });

  it('is reproducible by seed and differs between seeds', () => {
    const again = generateData({ start: '2016-08-08', days: 7, seed: 3 });
    assert.deepEqual(again.timestamps, summer.timestamps);
    assert.deepEqual(again.prosumers, summer.prosumers);
    const other = generateData({ start: '2016-08-08', days: 7, seed: 4 });
    assert.notDeepEqual(other.prosumers[0].load, summer.prosumers[0].load);
    assert.notDeepEqual(other.prosumers[0].pv, summer.prosumers[0].pv);
  });

  it('makes the default: 10 households, one day, hourly, Fontana summer, local labels with offset', () => {
    const d = generateData();
    assert.equal(d.prosumers.length, 10);
    assert.equal(d.timestamps.length, 24);
    assert.equal(d.dtHours, 1);
    assert.equal(d.timestamps[0], '2016-08-08T00:00:00-07:00');
    assert.equal(winter.timestamps[0], '2017-01-23T00:00:00-08:00');
    assert.equal(new Set(d.prosumers.map((p) => p.id)).size, 10);
    assert.equal(d.prices, null);
  });

  it('has no PV when the sun is below the horizon', () => {
    for (const data of [summer, winter]) {
      data.timestamps.forEach((label, s) => {
        const t0 = Date.parse(label);
        const up0 = sunVector(t0, FONTANA_CA.latitude, FONTANA_CA.longitude).up;
        const up1 = sunVector(t0 + HOUR, FONTANA_CA.latitude, FONTANA_CA.longitude).up;
        if (up0 < 0 && up1 < 0) for (const p of data.prosumers) assert.equal(p.pv[s], 0, `${p.id} at ${label}`);
      });
      // and some PV every day
      for (let day = 0; day < 7; day++) {
        const total = data.prosumers.reduce((a, p) => a + p.pv.slice(day * 24, day * 24 + 24).reduce((x, y) => x + y, 0), 0);
        assert.ok(total > 0, `no PV on day ${day}`);
      }
    }
  });

  it('peaks near solar noon on clear summer days', () => {
    for (let day = 0; day < 7; day++) {
      const midnight = Date.parse(summer.timestamps[day * 24]);
      const noon = solarNoonHour(midnight);
      const total = Array.from({ length: 24 }, (_, h) => summer.prosumers.reduce((a, p) => a + p.pv[day * 24 + h], 0));
      const peakHour = total.indexOf(Math.max(...total)) + 0.5; // value covers the hour from its label
      assert.ok(Math.abs(peakHour - noon) <= 1.5, `day ${day}: PV peak at ${peakHour} h, solar noon ${noon.toFixed(2)} h`);
    }
  });

  it('yields plausible energy per kWp for the season', () => {
    const yieldPerKWp = (data: typeof summer) =>
      data.households.map((h) => {
        const p = data.prosumers.find((x) => x.id === h.id)!;
        return p.pv.reduce((a, v) => a + v, 0) / 7 / h.pv.capacityKWp;
      });
    const s = yieldPerKWp(summer);
    const w = yieldPerKWp(winter);
    // Southern California: about 5-6.5 kWh/kWp/day in August, 2.5-4 in January
    for (const v of s) assert.ok(v > 4 && v < 7.5, `summer yield ${v.toFixed(2)} kWh/kWp/day`);
    for (const v of w) assert.ok(v > 1.5 && v < 5, `winter yield ${v.toFixed(2)} kWh/kWp/day`);
    assert.ok(Math.min(...s) > Math.max(...w) * 0.9, 'summer yields exceed winter yields');
    for (const h of summer.households) assert.ok(h.pv.capacityKWp >= 3 && h.pv.capacityKWp <= 6.5);
  });

  it('makes loads with an evening peak and temperatures with warm afternoons', () => {
    for (const p of summer.prosumers) {
      assert.ok(p.load.every((v) => v > 0), `${p.id} has a non-positive load`);
      const daily = p.load.reduce((a, v) => a + v, 0) / 7;
      assert.ok(daily > 8 && daily < 45, `${p.id} uses ${daily.toFixed(1)} kWh/day`);
      const hourMean = (lo: number, hi: number) => {
        let sum = 0;
        let n = 0;
        for (let s = 0; s < p.load.length; s++) if (s % 24 >= lo && s % 24 < hi) (sum += p.load[s]), n++;
        return sum / n;
      };
      assert.ok(hourMean(18, 22) > 1.5 * hourMean(1, 5), `${p.id}: evening not above night`);
    }
    const t = summer.prosumers[0].tOut;
    const w = winter.prosumers[0].tOut;
    const mean = (xs: Float64Array) => xs.reduce((a, v) => a + v, 0) / xs.length;
    assert.ok(mean(t) > mean(w) + 8, `summer ${mean(t)} vs winter ${mean(w)}`);
    for (let day = 0; day < 7; day++) assert.ok(t[day * 24 + 15] > t[day * 24 + 4] + 4, `day ${day}: afternoon not warmer`);
  });

  it('rejects impossible requests as input errors', () => {
    assert.throws(() => generateData({ prosumers: 0 }), (e: unknown) => e instanceof DerchainInputError && e.field === 'prosumers');
    assert.throws(() => generateData({ dtHours: 7 }), (e: unknown) => e instanceof DerchainInputError && e.field === 'dtHours');
    assert.throws(() => generateData({ start: '2016-13-01' }), (e: unknown) => e instanceof DerchainInputError && e.field === 'start');
  });
});
