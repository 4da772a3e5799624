// `npm run bench -- radio`: pool rounds over simulated LoRaWAN (EU868) at the pool's default
// tolerances, relay on the in-memory coordinator (the contract path: `derchain pilot --transport
// lorawan`): 10 meters SF7-SF9 on one gateway, the same with 10 % uplink loss, and 100 meters
// SF7-SF10 on two gateways, with slotted uplinks (radio/uplinkSlots.ts, the default) and, for the
// 10-meter case, with random access (ALOHA) beside it. Prints iterations, simulated time per
// clearing, airtime per device and gateway, duty-cycle headroom, frames lost and retried.
// RADIO_ALOHA_100=1 also runs 100 meters with ALOHA (hours of simulated time, minutes of wall time).
import pino from 'pino';
import { loadScenario } from '../data/loadScenario.js';
import { runRadioRound, type RadioRoundOptions } from '../radio/simulator/radioRound.js';

async function one(label: string, n: number, o: Partial<RadioRoundOptions>): Promise<void> {
  const { scenario } = loadScenario({ generator: true, prosumers: n, days: 1, seed: 3 });
  const t = Date.now();
  const r = await runRadioRound({ scenario, log: pino({ level: 'silent' }), ...o, onClearing: (k, ms) => k % 10 === 0 && process.stderr.write(`  ${label}: clearing ${k} at ${(ms / 1000).toFixed(0)} s simulated\n`) });
  const up = r.devices.map((d) => d.uplinkAirtimeMs);
  const worst = Math.min(...r.dutyCycle.map((u) => u.headroomMs));
  const per = r.clearingTimesMs.slice(1).map((t, k) => t - r.clearingTimesMs[k]!);
  console.log(`${label} [${r.uplinkAccess}${r.slotPlanMs !== undefined ? `, slot plan ${(r.slotPlanMs / 1000).toFixed(1)} s` : ''}]: ${r.iterations} iterations (${r.status}), simulated ${(r.simulatedMs / 1000).toFixed(1)} s = ${(r.simulatedMs / 60000).toFixed(2)} min, per clearing median ${(per.sort((a, b) => a - b)[Math.floor(per.length / 2)]! / 1000).toFixed(1)} s`);
  console.log(`  uplink airtime: total ${(up.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s, per device max ${(Math.max(...up) / 1000).toFixed(1)} s (budget 36 s/h); least duty-cycle headroom ${(worst / 1000).toFixed(1)} s`);
  for (const g of r.gateways) console.log(`  gateway ${g.gatewayId}: ${g.uplinksReceived} uplinks received, ${g.downlinkFrames} downlink frames, ${(g.downlinkAirtimeMs / 1000).toFixed(2)} s downlink airtime`);
  const lost = r.devices.reduce((s, d) => s + d.lostFrames, 0);
  const retries = r.devices.reduce((s, d) => s + d.retries, 0);
  const collisions = r.devices.reduce((s, d) => s + d.collisions, 0);
  console.log(`  frames ${r.devices.reduce((s, d) => s + d.uplinkFrames, 0)}, lost ${lost} (collisions ${collisions}), retries ${retries}, rows sent again on a MISSING broadcast ${r.resentOnMissing} (${r.relay.missingSent} broadcasts); relay: ${r.relay.rowsAccepted} rows, ${r.relay.duplicates} duplicates, ${r.relay.deadlineCloses} deadline closes, ${r.relay.catchUps} catch-ups; wall ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

export async function run(): Promise<void> {
  await one('10 meters EU868 SF7-9, 1 gateway', 10, { spreadingFactors: [7, 8, 9], gateways: 1 });
  await one('10 meters EU868 SF7-9, 1 gateway', 10, { spreadingFactors: [7, 8, 9], gateways: 1, uplinkAccess: 'aloha' });
  await one('10 meters, 10 % uplink loss', 10, { spreadingFactors: [7, 8, 9], gateways: 1, uplinkLoss: 0.1 });
  await one('100 meters EU868 SF7-10, 2 gateways', 100, { spreadingFactors: [7, 8, 9, 10], gateways: 2 });
  if (process.env.RADIO_ALOHA_100) await one('100 meters EU868 SF7-10, 2 gateways', 100, { spreadingFactors: [7, 8, 9, 10], gateways: 2, uplinkAccess: 'aloha' });
}
