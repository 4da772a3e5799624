// The report's radio section (`derchain pilot --transport lorawan`): the figures of a round cleared
// over simulated LoRaWAN (radio/simulator/radioRound.ts) as plain data for summary.json, and the
// Chart.js specs drawn from them: airtime per device and per gateway, duty-cycle headroom per
// transmitter and sub-band, frames, retries and losses per device, simulated time per clearing.
import type { RadioRoundResult } from '../radio/simulator/radioRound.js';
import type { ChartSpec } from './chartSpecs.js';

export interface RadioReportFigures {
  region: string;
  gateways: number;
  /** how meters answered each clearing (radio/uplinkSlots.ts) */
  uplinkAccess: 'slotted' | 'aloha';
  /** slotted: the slot plan's length after the compute time, s */
  slotPlanSeconds: number | null;
  iterations: number;
  /** from the opening clearing to the final one, s */
  simulatedSeconds: number;
  /** simulated seconds from clearing k-1 to clearing k (k = 1..) */
  secondsPerClearing: number[];
  devices: { devEui: string; spreadingFactor: number; frames: number; airtimeS: number; lost: number; collisions: number; retries: number; downlinkFrames: number; gateways: number }[];
  gatewayStats: { gatewayId: string; uplinksReceived: number; downlinkFrames: number; downlinkAirtimeS: number }[];
  /** least headroom of each transmitter and sub-band in the last hour, s (36 s = untouched 1 % budget) */
  dutyCycle: { transmitter: string; subBand: string; usedS: number; headroomS: number; budgetS: number }[];
  relay: { rowsAccepted: number; duplicates: number; stale: number; deadlineCloses: number; catchUps: number; restarts: number; missingBroadcasts: number; rowsSentAgainOnMissing: number };
}

const r1 = (v: number) => Math.round(v * 1000) / 1000;

export function radioReportFigures(r: RadioRoundResult, region: string): RadioReportFigures {
  return {
    region,
    gateways: r.gateways.length,
    uplinkAccess: r.uplinkAccess,
    slotPlanSeconds: r.slotPlanMs !== undefined ? r1(r.slotPlanMs / 1000) : null,
    iterations: r.iterations,
    simulatedSeconds: r1(r.simulatedMs / 1000),
    secondsPerClearing: r.clearingTimesMs.slice(1).map((t, k) => r1((t - r.clearingTimesMs[k]!) / 1000)),
    devices: r.devices.map((d) => ({
      devEui: d.devEui,
      spreadingFactor: d.spreadingFactor,
      frames: d.uplinkFrames,
      airtimeS: r1(d.uplinkAirtimeMs / 1000),
      lost: d.lostFrames,
      collisions: d.collisions,
      retries: d.retries,
      downlinkFrames: d.downlinkFrames,
      gateways: d.gateways,
    })),
    gatewayStats: r.gateways.map((g) => ({ gatewayId: g.gatewayId, uplinksReceived: g.uplinksReceived, downlinkFrames: g.downlinkFrames, downlinkAirtimeS: r1(g.downlinkAirtimeMs / 1000) })),
    dutyCycle: r.dutyCycle.map((u) => ({ transmitter: u.transmitter, subBand: u.subBand, usedS: r1(u.usedMs / 1000), headroomS: r1(u.headroomMs / 1000), budgetS: r1((u.usedMs + u.headroomMs) / 1000) })),
    relay: { rowsAccepted: r.relay.rowsAccepted, duplicates: r.relay.duplicates, stale: r.relay.stale, deadlineCloses: r.relay.deadlineCloses, catchUps: r.relay.catchUps, restarts: r.relayRestarts, missingBroadcasts: r.relay.missingSent, rowsSentAgainOnMissing: r.resentOnMissing },
  };
}

const SF_COLOR: Record<number, string> = { 7: '#4e79a7', 8: '#59a14f', 9: '#f28e2b', 10: '#e15759', 11: '#b07aa1', 12: '#9c755f' };

export function radioChartSpecs(f: RadioReportFigures): ChartSpec[] {
  const dev = f.devices.map((d) => d.devEui.slice(-4));
  const sfs = [...new Set(f.devices.map((d) => d.spreadingFactor))].sort((a, b) => a - b);
  // one series per spreading factor, so the bars show which SF costs what
  const bySf = (pick: (d: RadioReportFigures['devices'][number]) => number) =>
    sfs.map((sf) => ({ label: `SF${sf}`, data: f.devices.map((d) => (d.spreadingFactor === sf ? pick(d) : null)), color: SF_COLOR[sf] ?? '#888888', bar: true }));
  const base = { type: 'bar' as const, wide: true };
  return [
    {
      ...base,
      id: 'radio-clearing-time',
      title: 'Radio: simulated time per clearing',
      subtitle: `Simulated seconds from one clearing broadcast to the next (${f.iterations} iterations, ${f.simulatedSeconds.toFixed(0)} s in all, ${f.region}, ${f.gateways} gateway(s)).`,
      xTitle: 'iteration',
      yTitle: 'simulated time (s)',
      labels: f.secondsPerClearing.map((_, k) => String(k + 1)),
      series: [{ label: 'time to clearing', data: f.secondsPerClearing, color: '#4e79a7', bar: true }],
    },
    {
      ...base,
      id: 'radio-airtime-device',
      title: 'Radio: uplink airtime per meter',
      subtitle: 'Airtime of every uplink frame of the round (rows, retries, joins), coloured by spreading factor; EU868 allows 36 s per hour per sub-band.',
      xTitle: 'meter (DevEUI, last 4 digits)',
      yTitle: 'airtime (s)',
      labels: dev,
      stacked: true,
      series: bySf((d) => d.airtimeS),
    },
    {
      ...base,
      id: 'radio-frames-device',
      title: 'Radio: frames, retries and losses per meter',
      subtitle: 'Uplink frames sent, frames lost (collisions, loss, out of range) and row retries per meter.',
      xTitle: 'meter (DevEUI, last 4 digits)',
      yTitle: 'count',
      labels: dev,
      series: [
        { label: 'frames', data: f.devices.map((d) => d.frames), color: '#4e79a7', bar: true },
        { label: 'lost', data: f.devices.map((d) => d.lost), color: '#e15759', bar: true },
        { label: 'retries', data: f.devices.map((d) => d.retries), color: '#f28e2b', bar: true },
      ],
    },
    {
      ...base,
      id: 'radio-gateways',
      title: 'Radio: per gateway',
      subtitle: 'Uplinks each gateway received and the airtime of its downlinks (the clearing multicast, catch-ups).',
      xTitle: 'gateway',
      yTitle: 'uplinks / downlink airtime (s)',
      labels: f.gatewayStats.map((g) => g.gatewayId.slice(-4)),
      series: [
        { label: 'uplinks received', data: f.gatewayStats.map((g) => g.uplinksReceived), color: '#59a14f', bar: true },
        { label: 'downlink airtime (s)', data: f.gatewayStats.map((g) => g.downlinkAirtimeS), color: '#b07aa1', bar: true },
      ],
    },
    {
      ...base,
      id: 'radio-duty-cycle',
      title: 'Radio: duty-cycle headroom',
      subtitle: 'Airtime used in the last hour of the round and what the sub-band\'s duty cycle still allowed, per transmitter (meters and gateways) and sub-band.',
      xTitle: 'transmitter / sub-band',
      yTitle: 'airtime in the hour (s)',
      labels: f.dutyCycle.map((u) => `${u.transmitter.slice(-4)} ${u.subBand}`),
      stacked: true,
      series: [
        { label: 'used', data: f.dutyCycle.map((u) => u.usedS), color: '#e15759', bar: true },
        { label: 'headroom', data: f.dutyCycle.map((u) => u.headroomS), color: '#bab0ac', bar: true },
      ],
    },
  ];
}
