// One meter's round over CoAP (the NB-IoT path): ask for the clearing it needs, solve, sign and
// post its row, and take the next clearing from the piggybacked response when it is there, until
// the round's final clearing. The one loop the CoAP test harness (radio/simulator/coapRound.ts) and
// the meter process (node-agent/meterMain.ts) both run.
import { decodeMessage, type ClearingMessage } from './frames.js';
import type { CoapMeterLink } from './coapMeterLink.js';
import type { PoolMeter } from './poolMeter.js';

export interface CoapMeterLoopOptions {
  /** wait between two asks for a clearing that is not closed yet, ms (default 20) */
  pollMs?: number;
  /** a clearing applied (progress) */
  onClearing?: (c: ClearingMessage) => void;
  signal?: AbortSignal;
}

/** Runs `meter` over `link` until its round is over; returns the number of CoAP requests. */
export async function runCoapMeterLoop(meter: PoolMeter, link: CoapMeterLink, o: CoapMeterLoopOptions = {}): Promise<number> {
  let requests = 0;
  let next: Uint8Array | undefined;
  while (meter.phase !== 'done') {
    if (o.signal?.aborted) throw new Error('the meter was stopped');
    const c = next ?? (await link.clearing(meter.nextClearing));
    requests++;
    next = undefined;
    if (c === undefined) {
      await new Promise((r) => setTimeout(r, o.pollMs ?? 20));
      continue;
    }
    const m = decodeMessage(c);
    if (m.type !== 'clearing') throw new Error(`the gateway answered a ${m.type} message where a clearing belongs`);
    const row = await meter.onClearing(m);
    o.onClearing?.(m);
    if (row === undefined) continue;
    const latest = await link.post(row);
    requests++;
    if (latest.length > 0) {
      const l = decodeMessage(latest);
      if (l.type === 'clearing' && l.iteration === meter.nextClearing) next = latest;
    }
  }
  return requests;
}
