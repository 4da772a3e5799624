// The report's radio section: figures and Chart.js specs from a radio round's result.
import assert from 'node:assert/strict';
import { radioChartSpecs, radioReportFigures } from '../../report/radioFigures.js';
import type { RadioRoundResult } from '../../radio/simulator/radioRound.js';

const result = {
  iterations: 3,
  status: 'converged',
  simulatedMs: 30_000,
  clearingTimesMs: [0, 8_000, 20_000, 30_000],
  devices: [
    { devEui: '70b3d57ed0000001', spreadingFactor: 7, uplinkFrames: 4, uplinkAirtimeMs: 902, lostFrames: 1, collisions: 1, retries: 1, downlinkFrames: 4, gateways: 1 },
    { devEui: '70b3d57ed0000002', spreadingFactor: 9, uplinkFrames: 6, uplinkAirtimeMs: 2400, lostFrames: 0, collisions: 0, retries: 0, downlinkFrames: 4, gateways: 1 },
  ],
  gateways: [{ gatewayId: 'a84041ffff000001', uplinksReceived: 9, downlinkFrames: 4, downlinkAirtimeMs: 1200 }],
  dutyCycle: [{ transmitter: '70b3d57ed0000002', subBand: 'g1', dutyCycle: 0.01, usedMs: 2400, headroomMs: 33_600, totalMs: 2400, frames: 6 }],
  relay: { uplinks: 9, rowsAccepted: 6, rowsRejected: 0, duplicates: 1, stale: 0, badFrames: 0, batches: 3, clearingsSent: 4, deadlineCloses: 0, catchUps: 0 },
  relayRestarts: 0,
} as unknown as RadioRoundResult;

describe('report: radio section', () => {
  it('time per clearing, airtime by spreading factor, duty-cycle headroom', () => {
    const f = radioReportFigures(result, 'EU868');
    assert.deepEqual(f.secondsPerClearing, [8, 12, 10]);
    assert.equal(f.devices[1]!.airtimeS, 2.4);
    assert.equal(f.dutyCycle[0]!.budgetS, 36);
    const specs = radioChartSpecs(f);
    assert.deepEqual(specs.map((s) => s.id), ['radio-clearing-time', 'radio-airtime-device', 'radio-frames-device', 'radio-gateways', 'radio-duty-cycle']);
    const air = specs.find((s) => s.id === 'radio-airtime-device')!;
    assert.deepEqual(air.series.map((s) => s.label), ['SF7', 'SF9']);
    assert.deepEqual(air.series[1]!.data, [null, 2.4]);
  });
});
