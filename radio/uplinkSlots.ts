// Slotted uplinks: after each clearing every meter answers with a row of the same size, so pure
// ALOHA (each meter picks a random moment and channel) wastes the scarce airtime on collisions and
// then on retries that eat the 1 % duty cycle. The operator instead gives each meter a lane (an
// uplink channel; frames of different spreading factors on one channel do not collide, so a lane is
// a channel and a spreading factor) and an offset from the clearing's reception. Lanes are filled
// longest row first into the least loaded lane of the meter's spreading factor, so the plan's
// length is close to the busiest spreading factor's airtime divided by the number of channels.
// Lanes rotate over the channels from one iteration to the next (every lane by the same step, so
// they still never meet): in EU868 a meter then spends its airtime in both sub-bands it may use
// (g1 868.1-868.5 MHz and g 867.1-867.9 MHz, 1 % each) instead of one.
// The plan is provisioned with the device (its data rate is provisioned too); retries of lost rows
// fall back to random access after the plan's length.
import { splitMessage } from './fragments.js';
import { sendPlan } from './lorawan.js';
import { dataRate, maxAppPayload, type Region } from './regionalParameters.js';

/** Where and when one meter sends its row after a clearing. */
export interface UplinkSlot {
  /** from the clearing's reception to the row's first frame, ms (add the meter's compute time) */
  offsetMs: number;
  /** the channel of the row of iteration k is channelsHz[k mod length] */
  channelsHz: number[];
  /** the row's airtime, all its frames back to back, ms */
  airtimeMs: number;
}

export interface UplinkSlotPlan {
  slots: Map<string, UplinkSlot>;
  /** the last slot's end: every row is on air within this after the compute time, ms */
  lengthMs: number;
}

export interface UplinkSlotMeter {
  devEui: string;
  /** the meter's uplink data rate */
  dr: number;
}

/** Gap left between two rows in one lane (clock skew between meters, gateways' reception), ms. */
export const SLOT_GUARD_MS = 50;

/** Airtime of a message of `messageBytes` at `dr`, fragmented as the meter would send it, ms. */
export function messageAirtimeMs(region: Region, dr: number, messageBytes: number): number {
  const frames = splitMessage(new Uint8Array(messageBytes), maxAppPayload(region, dr), 0);
  return frames.reduce((s, f) => s + sendPlan(region, dr, f.length, 'uplink'), 0);
}

/** The slot plan for meters that each send one `messageBytes` message per clearing. */
export function planUplinkSlots(region: Region, meters: readonly UplinkSlotMeter[], messageBytes: number, guardMs = SLOT_GUARD_MS): UplinkSlotPlan {
  if (!(guardMs >= 0)) throw new RangeError(`guardMs must be >= 0, got ${guardMs}`);
  const seen = new Set<string>();
  for (const m of meters) {
    if (seen.has(m.devEui)) throw new RangeError(`meter ${m.devEui} appears twice in the slot plan`);
    seen.add(m.devEui);
  }
  const sized = meters.map((m) => ({
    ...m,
    sf: (dataRate(region, m.dr, 'uplink').modulation as { spreadingFactor?: number }).spreadingFactor ?? 0,
    airtimeMs: messageAirtimeMs(region, m.dr, messageBytes),
  }));
  // longest row first (ties by devEui, so the plan does not depend on the input order)
  sized.sort((a, b) => b.airtimeMs - a.airtimeMs || (a.devEui < b.devEui ? -1 : a.devEui > b.devEui ? 1 : 0));
  const lanes = new Map<string, number>(); // `${sf}/${channel index}` -> load, ms
  const slots = new Map<string, UplinkSlot>();
  let lengthMs = 0;
  for (const m of sized) {
    let best = 0;
    let bestLoad = Number.POSITIVE_INFINITY;
    region.uplinkChannelsHz.forEach((_, c) => {
      const load = lanes.get(`${m.sf}/${c}`) ?? 0;
      if (load < bestLoad) {
        best = c;
        bestLoad = load;
      }
    });
    const ch = region.uplinkChannelsHz;
    slots.set(m.devEui, { offsetMs: bestLoad, channelsHz: ch.map((_, k) => ch[(best + k) % ch.length]!), airtimeMs: m.airtimeMs });
    lanes.set(`${m.sf}/${best}`, bestLoad + m.airtimeMs + guardMs);
    lengthMs = Math.max(lengthMs, bestLoad + m.airtimeMs);
  }
  return { slots, lengthMs };
}

/** The channel of a slot's row (or JOIN, iteration 0) of iteration `iteration`. */
export function slotFrequencyHz(slot: Pick<UplinkSlot, 'channelsHz'>, iteration: number): number {
  return slot.channelsHz[iteration % slot.channelsHz.length]!;
}
