// The derchain radio frame format, version 1: the compact binary messages a meter and the gateway
// relay exchange over LoRaWAN (FRMPayload) or CoAP (request/response payload). Byte layouts are
// documented in docs/radio-frames.md; this file is the one implementation of them.
//
// Every message starts with one byte: format version (high nibble, 1) and type (low nibble).
// Multi-byte integers are big-endian. Signatures are 65 bytes r || s || v (v = 27 or 28), as
// Ethereum signs. A message larger than one frame of the chosen data rate is cut into FRAGMENT
// frames (radio/fragments.ts).
import { bytesToHex, getAddress, hexToBytes, type Address, type Hex } from 'viem';

export const FRAME_VERSION = 1;

export const MESSAGE_TYPE = {
  row: 0x1,
  clearing: 0x2,
  heartbeat: 0x3,
  join: 0x4,
  missing: 0x5,
  fragment: 0xf,
} as const;
export type MessageTypeName = keyof typeof MESSAGE_TYPE;

export const SIGNATURE_BYTES = 65;
/** ROW header: type byte, round u32, iteration u16, participant u16, slice word count u8 */
export const ROW_HEADER_BYTES = 10;
export const JOIN_BYTES = 98;
export const HEARTBEAT_BYTES = 11;

/** A frame that cannot be decoded (or a value that cannot be encoded); `field` names the part. */
export class FrameError extends Error {
  readonly field: string;
  constructor(field: string, reason: string) {
    super(`radio frame, field ${field}: ${reason}`);
    this.name = 'FrameError';
    this.field = field;
  }
}

/** Uplink: one prosumer's signed pool row for (round, iteration). */
export interface RowMessage {
  type: 'row';
  round: bigint;
  iteration: number;
  /** index of the prosumer in the round's participant list */
  participant: number;
  /** T int16 values, the row the prosumer signed */
  row: Int16Array;
  /** packed int64 values (the round's acceleration slice), usually empty */
  slice: bigint[];
  /** 65-byte EIP-712 signature over PoolRow(round, iteration, address, row, slice) */
  signature: Hex;
}

/** Downlink: what one closed iteration tells every meter (one message for all). */
export interface ClearingMessage {
  type: 'clearing';
  round: bigint;
  /** the closed iteration k this clearing publishes (0: the round's opening prices); rows answering it carry k + 1 */
  iteration: number;
  /** the round is over: stop submitting */
  final: boolean;
  /** lambda per slot, 1e-6 currency/kWh */
  prices: bigint[];
  /** sbar per slot, 1e-6 kW */
  sbar: bigint[];
  /** further int64 values (iteration 0: n, rho, resolution, alphaPpm of the round), usually empty */
  aux: bigint[];
  /** whose row of iteration k was counted (index = participant); absent at iteration 0 */
  accepted?: boolean[];
}

/** Uplink: a meter's periodic health. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  agentVersion: [number, number, number];
  health: number;
  lastRound: bigint;
  lastIteration: number;
}

export const HEALTH = { ok: 0, noData: 1, solverError: 2, chainUnreachable: 3, lowBattery: 4, behind: 5 } as const;

/** Uplink: binds a LoRaWAN device (devEui) to a prosumer address, signed by that address's key. */
export interface JoinMessage {
  type: 'join';
  address: Address;
  devEui: Hex;
  /** unix seconds when signed; the relay refuses old or repeated proofs */
  timestamp: number;
  signature: Hex;
}

/**
 * Downlink: iteration `iteration` is still open and these participants' rows have not arrived (one
 * message for every meter). Only a meter whose bit is set sends its row again, in its slot.
 */
export interface MissingMessage {
  type: 'missing';
  round: bigint;
  /** the open iteration: the rows it waits for carry this number */
  iteration: number;
  /** whose row has not arrived (index = participant) */
  missing: boolean[];
}

/** One fragment of a message too large for one frame. */
export interface FragmentMessage {
  type: 'fragment';
  messageId: number;
  index: number;
  count: number;
  chunk: Uint8Array;
}

export type RadioMessage = RowMessage | ClearingMessage | HeartbeatMessage | JoinMessage | MissingMessage | FragmentMessage;

const typeByte = (t: number) => (FRAME_VERSION << 4) | t;

function u(field: string, v: number | bigint, bits: 8 | 16 | 32): void {
  const max = (1n << BigInt(bits)) - 1n;
  const b = BigInt(v);
  if ((typeof v === 'number' && !Number.isInteger(v)) || b < 0n || b > max) {
    throw new FrameError(field, `${v} is not an unsigned ${bits}-bit integer`);
  }
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
function i64(field: string, v: bigint): void {
  if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) throw new FrameError(field, `${v} is not a signed 64-bit integer`);
}

function sigBytes(field: string, sig: Hex): Uint8Array {
  let b: Uint8Array;
  try {
    b = hexToBytes(sig);
  } catch {
    throw new FrameError(field, 'not hex');
  }
  if (b.length !== SIGNATURE_BYTES) throw new FrameError(field, `${b.length} bytes, a signature has ${SIGNATURE_BYTES}`);
  return b;
}

// -- zigzag LEB128 varints (clearing values: exact for any int64, small for small deltas) --------

function pushVarint(out: number[], v: bigint): void {
  let z = v >= 0n ? v << 1n : ((-v) << 1n) - 1n; // zigzag
  do {
    let byte = Number(z & 0x7fn);
    z >>= 7n;
    if (z !== 0n) byte |= 0x80;
    out.push(byte);
  } while (z !== 0n);
}

function readVarint(b: Uint8Array, pos: { at: number }, field: string): bigint {
  let z = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.at >= b.length) throw new FrameError(field, 'truncated varint');
    const byte = b[pos.at++]!;
    z |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7n;
    // a delta of two int64 values needs 65 bits after zigzag: at most 10 bytes
    if (shift > 63n) throw new FrameError(field, 'varint longer than 10 bytes');
  }
  return (z & 1n) === 0n ? z >> 1n : -((z + 1n) >> 1n);
}

function pushDeltas(out: number[], values: readonly bigint[], field: string): void {
  let prev = 0n;
  values.forEach((v, k) => {
    i64(`${field}[${k}]`, v);
    pushVarint(out, v - prev);
    prev = v;
  });
}

function readDeltas(b: Uint8Array, pos: { at: number }, n: number, field: string): bigint[] {
  const out: bigint[] = [];
  let prev = 0n;
  for (let k = 0; k < n; k++) {
    prev += readVarint(b, pos, `${field}[${k}]`);
    i64(`${field}[${k}]`, prev);
    out.push(prev);
  }
  return out;
}

// -- participant bitmaps: u16 count, then ceil(count / 8) bytes, participant 0 in the top bit -------

function pushBitmap(out: number[], bits: readonly boolean[], field: string): void {
  const n = bits.length;
  u(field, n, 16);
  out.push(n >> 8, n & 0xff);
  for (let k = 0; k < n; k += 8) {
    let byte = 0;
    for (let b = 0; b < 8 && k + b < n; b++) if (bits[k + b]) byte |= 0x80 >> b;
    out.push(byte);
  }
}

function readBitmap(bytes: Uint8Array, pos: { at: number }, field: string): boolean[] {
  if (pos.at + 2 > bytes.length) throw new FrameError(field, 'truncated participant count');
  const n = (bytes[pos.at]! << 8) | bytes[pos.at + 1]!;
  pos.at += 2;
  const len = Math.ceil(n / 8);
  if (pos.at + len > bytes.length) throw new FrameError(field, `bitmap of ${n} participants truncated`);
  const bits = Array.from({ length: n }, (_, k) => (bytes[pos.at + (k >> 3)]! & (0x80 >> (k & 7))) !== 0);
  const spare = n % 8 === 0 ? 0 : bytes[pos.at + len - 1]! & (0xff >> (n % 8));
  if (spare !== 0) throw new FrameError(field, 'bits set beyond the last participant');
  pos.at += len;
  return bits;
}

// -- encoders -------------------------------------------------------------------------------------

/** Size of a row message of `t` values and `sliceLength` Gram-slice entries, bytes. */
export function rowMessageBytes(t: number, sliceLength = 0): number {
  return ROW_HEADER_BYTES + 2 * t + 8 * sliceLength + SIGNATURE_BYTES;
}

export function encodeRowMessage(m: Omit<RowMessage, 'type'>): Uint8Array {
  u('round', m.round, 32);
  u('iteration', m.iteration, 16);
  u('participant', m.participant, 16);
  u('slice', m.slice.length, 8);
  if (m.row.length === 0) throw new FrameError('row', 'empty row');
  const sig = sigBytes('signature', m.signature);
  const out = new Uint8Array(rowMessageBytes(m.row.length, m.slice.length));
  const dv = new DataView(out.buffer);
  out[0] = typeByte(MESSAGE_TYPE.row);
  dv.setUint32(1, Number(m.round));
  dv.setUint16(5, m.iteration);
  dv.setUint16(7, m.participant);
  out[9] = m.slice.length;
  let at = ROW_HEADER_BYTES;
  for (const v of m.row) {
    dv.setInt16(at, v);
    at += 2;
  }
  m.slice.forEach((v, k) => {
    i64(`slice[${k}]`, v);
    dv.setBigInt64(at, v);
    at += 8;
  });
  out.set(sig, at);
  return out;
}

export function encodeClearingMessage(m: Omit<ClearingMessage, 'type'>): Uint8Array {
  u('round', m.round, 32);
  u('iteration', m.iteration, 16);
  if (m.prices.length !== m.sbar.length) throw new FrameError('sbar', `${m.sbar.length} values for ${m.prices.length} prices`);
  if (m.prices.length === 0) throw new FrameError('prices', 'no slots');
  u('prices', m.prices.length, 8);
  u('aux', m.aux.length, 8);
  const flags = (m.final ? 1 : 0) | (m.accepted !== undefined ? 2 : 0);
  const out: number[] = [typeByte(MESSAGE_TYPE.clearing), 0, 0, 0, 0, 0, 0, flags, m.prices.length, m.aux.length];
  const head = new DataView(new ArrayBuffer(6));
  head.setUint32(0, Number(m.round));
  head.setUint16(4, m.iteration);
  for (let k = 0; k < 6; k++) out[1 + k] = head.getUint8(k);
  pushDeltas(out, m.prices, 'prices');
  pushDeltas(out, m.sbar, 'sbar');
  pushDeltas(out, m.aux, 'aux');
  if (m.accepted !== undefined) pushBitmap(out, m.accepted, 'accepted');
  return Uint8Array.from(out);
}

export function encodeMissingMessage(m: Omit<MissingMessage, 'type'>): Uint8Array {
  u('round', m.round, 32);
  u('iteration', m.iteration, 16);
  const out: number[] = [typeByte(MESSAGE_TYPE.missing), 0, 0, 0, 0, 0, 0];
  const head = new DataView(new ArrayBuffer(6));
  head.setUint32(0, Number(m.round));
  head.setUint16(4, m.iteration);
  for (let k = 0; k < 6; k++) out[1 + k] = head.getUint8(k);
  pushBitmap(out, m.missing, 'missing');
  return Uint8Array.from(out);
}

export function encodeHeartbeatMessage(m: Omit<HeartbeatMessage, 'type'>): Uint8Array {
  m.agentVersion.forEach((v, k) => u(`agentVersion[${k}]`, v, 8));
  u('health', m.health, 8);
  u('lastRound', m.lastRound, 32);
  u('lastIteration', m.lastIteration, 16);
  const out = new Uint8Array(HEARTBEAT_BYTES);
  const dv = new DataView(out.buffer);
  out[0] = typeByte(MESSAGE_TYPE.heartbeat);
  out.set(m.agentVersion, 1);
  out[4] = m.health;
  dv.setUint32(5, Number(m.lastRound));
  dv.setUint16(9, m.lastIteration);
  return out;
}

/** The bytes a join proof signs: everything in the JOIN message before the signature. */
export function joinSignedBytes(m: Pick<JoinMessage, 'address' | 'devEui' | 'timestamp'>): Uint8Array {
  u('timestamp', m.timestamp, 32);
  let addr: Uint8Array;
  let eui: Uint8Array;
  try {
    addr = hexToBytes(getAddress(m.address));
  } catch {
    throw new FrameError('address', `${m.address} is not an address`);
  }
  try {
    eui = hexToBytes(m.devEui);
  } catch {
    throw new FrameError('devEui', 'not hex');
  }
  if (eui.length !== 8) throw new FrameError('devEui', `${eui.length} bytes, a DevEUI has 8`);
  const out = new Uint8Array(JOIN_BYTES - SIGNATURE_BYTES);
  out[0] = typeByte(MESSAGE_TYPE.join);
  out.set(addr, 1);
  out.set(eui, 21);
  new DataView(out.buffer).setUint32(29, m.timestamp);
  return out;
}

export function encodeJoinMessage(m: Omit<JoinMessage, 'type'>): Uint8Array {
  const head = joinSignedBytes(m);
  const out = new Uint8Array(JOIN_BYTES);
  out.set(head, 0);
  out.set(sigBytes('signature', m.signature), head.length);
  return out;
}

export function encodeFragmentMessage(m: Omit<FragmentMessage, 'type'>): Uint8Array {
  u('messageId', m.messageId, 8);
  u('count', m.count, 8);
  u('index', m.index, 8);
  if (m.count < 2) throw new FrameError('count', 'a fragmented message has at least 2 fragments');
  if (m.index >= m.count) throw new FrameError('index', `${m.index} is not below the count ${m.count}`);
  if (m.chunk.length === 0) throw new FrameError('chunk', 'empty fragment');
  const out = new Uint8Array(4 + m.chunk.length);
  out[0] = typeByte(MESSAGE_TYPE.fragment);
  out[1] = m.messageId;
  out[2] = m.index;
  out[3] = m.count;
  out.set(m.chunk, 4);
  return out;
}

export function encodeMessage(m: RadioMessage): Uint8Array {
  switch (m.type) {
    case 'row':
      return encodeRowMessage(m);
    case 'clearing':
      return encodeClearingMessage(m);
    case 'heartbeat':
      return encodeHeartbeatMessage(m);
    case 'join':
      return encodeJoinMessage(m);
    case 'missing':
      return encodeMissingMessage(m);
    case 'fragment':
      return encodeFragmentMessage(m);
  }
}

// -- decoder --------------------------------------------------------------------------------------

/** Decodes one message; throws FrameError naming the field on anything malformed. */
export function decodeMessage(bytes: Uint8Array): RadioMessage {
  if (bytes.length === 0) throw new FrameError('type', 'empty frame');
  const version = bytes[0]! >> 4;
  const type = bytes[0]! & 0x0f;
  if (version !== FRAME_VERSION) throw new FrameError('version', `format version ${version}, this build reads ${FRAME_VERSION}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case MESSAGE_TYPE.row: {
      if (bytes.length < ROW_HEADER_BYTES + SIGNATURE_BYTES + 2) throw new FrameError('row', `${bytes.length} bytes is too short for a row`);
      const s = bytes[9]!;
      const rowBytes = bytes.length - ROW_HEADER_BYTES - SIGNATURE_BYTES - 8 * s;
      if (rowBytes < 2 || rowBytes % 2 !== 0) throw new FrameError('row', `${rowBytes} row bytes with ${s} slice words`);
      const row = new Int16Array(rowBytes / 2);
      for (let k = 0; k < row.length; k++) row[k] = dv.getInt16(ROW_HEADER_BYTES + 2 * k);
      const slice: bigint[] = [];
      for (let k = 0; k < s; k++) slice.push(dv.getBigInt64(ROW_HEADER_BYTES + rowBytes + 8 * k));
      const sigAt = bytes.length - SIGNATURE_BYTES;
      return {
        type: 'row',
        round: BigInt(dv.getUint32(1)),
        iteration: dv.getUint16(5),
        participant: dv.getUint16(7),
        row,
        slice,
        signature: bytesToHex(bytes.subarray(sigAt)),
      };
    }
    case MESSAGE_TYPE.clearing: {
      if (bytes.length < 10) throw new FrameError('clearing', `${bytes.length} bytes is too short for a clearing`);
      const flags = bytes[7]!;
      if ((flags & ~3) !== 0) throw new FrameError('flags', `unknown flag bits ${flags.toString(2)}`);
      const t = bytes[8]!;
      if (t === 0) throw new FrameError('prices', 'no slots');
      const pos = { at: 10 };
      const prices = readDeltas(bytes, pos, t, 'prices');
      const sbar = readDeltas(bytes, pos, t, 'sbar');
      const aux = readDeltas(bytes, pos, bytes[9]!, 'aux');
      const accepted = flags & 2 ? readBitmap(bytes, pos, 'accepted') : undefined;
      if (pos.at !== bytes.length) throw new FrameError('clearing', `${bytes.length - pos.at} trailing bytes`);
      const m: ClearingMessage = { type: 'clearing', round: BigInt(dv.getUint32(1)), iteration: dv.getUint16(5), final: (flags & 1) === 1, prices, sbar, aux };
      if (accepted !== undefined) m.accepted = accepted;
      return m;
    }
    case MESSAGE_TYPE.heartbeat: {
      if (bytes.length !== HEARTBEAT_BYTES) throw new FrameError('heartbeat', `${bytes.length} bytes, a heartbeat has ${HEARTBEAT_BYTES}`);
      return {
        type: 'heartbeat',
        agentVersion: [bytes[1]!, bytes[2]!, bytes[3]!],
        health: bytes[4]!,
        lastRound: BigInt(dv.getUint32(5)),
        lastIteration: dv.getUint16(9),
      };
    }
    case MESSAGE_TYPE.join: {
      if (bytes.length !== JOIN_BYTES) throw new FrameError('join', `${bytes.length} bytes, a join has ${JOIN_BYTES}`);
      return {
        type: 'join',
        address: getAddress(bytesToHex(bytes.subarray(1, 21))),
        devEui: bytesToHex(bytes.subarray(21, 29)),
        timestamp: dv.getUint32(29),
        signature: bytesToHex(bytes.subarray(33)),
      };
    }
    case MESSAGE_TYPE.missing: {
      if (bytes.length < 9) throw new FrameError('missing', `${bytes.length} bytes is too short for a missing-rows message`);
      const pos = { at: 7 };
      const missing = readBitmap(bytes, pos, 'missing');
      if (pos.at !== bytes.length) throw new FrameError('missing', `${bytes.length - pos.at} trailing bytes`);
      return { type: 'missing', round: BigInt(dv.getUint32(1)), iteration: dv.getUint16(5), missing };
    }
    case MESSAGE_TYPE.fragment: {
      if (bytes.length < 5) throw new FrameError('fragment', `${bytes.length} bytes is too short for a fragment`);
      const count = bytes[3]!;
      const index = bytes[2]!;
      if (count < 2) throw new FrameError('count', 'a fragmented message has at least 2 fragments');
      if (index >= count) throw new FrameError('index', `${index} is not below the count ${count}`);
      return { type: 'fragment', messageId: bytes[1]!, index, count, chunk: bytes.slice(4) };
    }
    default:
      throw new FrameError('type', `unknown message type ${type}`);
  }
}
