// Parameter-only updates (tariffs, DER parameters) as small signed binary messages that fit one
// or two LoRaWAN downlinks, instead of a new agent release:
//   version u8 | seq u32 | expires u32 (unix s) | group u32 (0 = every meter) | count u8 |
//   count x (parameter id u8, value i32 in thousandths) | ed25519 signature (64 bytes)
// Two parameters make 88 bytes. The meter checks the signature (a release-manager key), the expiry,
// that seq is above the last it applied (no replay), and each value against the parameter's bounds.
import { ed25519 } from '@noble/curves/ed25519';

export const PARAMETER_UPDATE_VERSION = 1;

/** The parameters an update may set, with their ids and plausible bounds. */
export const UPDATABLE_PARAMETERS = [
  { id: 0, name: 'tariff.energyPeak', unit: 'currency/kWh', min: 0, max: 5 },
  { id: 1, name: 'tariff.feedIn', unit: 'currency/kWh', min: 0, max: 5 },
  { id: 2, name: 'tariff.demandCharge', unit: 'currency/kW', min: 0, max: 100 },
  { id: 3, name: 'battery.aMin', unit: 'fraction', min: 0, max: 1 },
  { id: 4, name: 'battery.aMax', unit: 'fraction', min: 0, max: 1 },
  { id: 5, name: 'hvac.tRef', unit: 'degC', min: 10, max: 35 },
  { id: 6, name: 'grid.PGmax', unit: 'kW', min: 0, max: 100 },
] as const;
export type ParameterName = (typeof UPDATABLE_PARAMETERS)[number]['name'];

export interface ParameterUpdate {
  seq: number;
  expires: Date;
  group: number;
  values: Partial<Record<ParameterName, number>>;
}

const HEADER = 14;
const SIGNATURE = 64;

function paramByName(name: string) {
  const p = UPDATABLE_PARAMETERS.find((x) => x.name === name);
  if (!p) throw new Error(`unknown parameter ${name}; known: ${UPDATABLE_PARAMETERS.map((x) => x.name).join(', ')}`);
  return p;
}

function checkValue(p: (typeof UPDATABLE_PARAMETERS)[number], v: number): void {
  if (!Number.isFinite(v) || v < p.min || v > p.max) throw new Error(`${p.name} = ${v} ${p.unit} is outside ${p.min} .. ${p.max}`);
}

export function encodeParameterUpdate(u: ParameterUpdate, privateKey: Uint8Array): Uint8Array {
  const entries = Object.entries(u.values).map(([name, v]) => {
    const p = paramByName(name);
    checkValue(p, v!);
    return [p.id, Math.round(v! * 1000)] as const;
  });
  if (entries.length === 0 || entries.length > 20) throw new Error('a parameter update carries 1 .. 20 values');
  const body = new Uint8Array(HEADER + 5 * entries.length);
  const dv = new DataView(body.buffer);
  dv.setUint8(0, PARAMETER_UPDATE_VERSION);
  dv.setUint32(1, u.seq);
  dv.setUint32(5, Math.floor(u.expires.getTime() / 1000));
  dv.setUint32(9, u.group);
  dv.setUint8(13, entries.length);
  entries.forEach(([id, v], k) => {
    dv.setUint8(HEADER + 5 * k, id);
    dv.setInt32(HEADER + 5 * k + 1, v);
  });
  const out = new Uint8Array(body.length + SIGNATURE);
  out.set(body);
  out.set(ed25519.sign(body, privateKey), body.length);
  return out;
}

export class ParameterUpdateRejected extends Error {
  constructor(
    readonly reason: 'malformed' | 'bad-signature' | 'expired' | 'replay' | 'out-of-bounds' | 'other-group',
    message: string,
  ) {
    super(message);
    this.name = 'ParameterUpdateRejected';
  }
}

/** Verifies and decodes; `lastSeq` is the highest sequence number the meter has applied. */
export function decodeParameterUpdate(bytes: Uint8Array, trustedKeys: readonly Uint8Array[], o: { lastSeq: number; group: number; now?: Date }): ParameterUpdate {
  if (bytes.length < HEADER + 5 + SIGNATURE || bytes[0] !== PARAMETER_UPDATE_VERSION) throw new ParameterUpdateRejected('malformed', 'not a parameter update');
  const body = bytes.subarray(0, bytes.length - SIGNATURE);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const count = dv.getUint8(13);
  if (body.length !== HEADER + 5 * count) throw new ParameterUpdateRejected('malformed', 'length does not match the value count');
  const sig = bytes.subarray(bytes.length - SIGNATURE);
  if (!trustedKeys.some((k) => ed25519.verify(sig, body, k))) throw new ParameterUpdateRejected('bad-signature', 'the signature does not verify with a trusted key');
  const seq = dv.getUint32(1);
  const expires = new Date(dv.getUint32(5) * 1000);
  const group = dv.getUint32(9);
  if (expires.getTime() <= (o.now ?? new Date()).getTime()) throw new ParameterUpdateRejected('expired', `expired at ${expires.toISOString()}`);
  if (seq <= o.lastSeq) throw new ParameterUpdateRejected('replay', `sequence ${seq} is not above ${o.lastSeq}, the last applied`);
  if (group !== 0 && group !== o.group) throw new ParameterUpdateRejected('other-group', `for group ${group}`);
  const values: Partial<Record<ParameterName, number>> = {};
  for (let k = 0; k < count; k++) {
    const p = UPDATABLE_PARAMETERS.find((x) => x.id === dv.getUint8(HEADER + 5 * k));
    if (!p) throw new ParameterUpdateRejected('malformed', `unknown parameter id ${dv.getUint8(HEADER + 5 * k)}`);
    const v = dv.getInt32(HEADER + 5 * k + 1) / 1000;
    try {
      checkValue(p, v);
    } catch (err) {
      throw new ParameterUpdateRejected('out-of-bounds', (err as Error).message);
    }
    values[p.name] = v;
  }
  return { seq, expires, group, values };
}
