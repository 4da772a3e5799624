// LoRaWAN 1.0.x data frames for the radio transport, built and checked with lora-packet: a meter's
// session (DevAddr, NwkSKey, AppSKey, 32-bit frame counters; uplinks encrypted and MIC-signed,
// downlinks MIC-checked and decrypted), the network server's view of the same session (MIC, frame
// counter replay window), and a Class C multicast group (McAddr, McNwkSKey, McAppSKey) for the one
// clearing downlink all meters share. `sendPlan` checks a payload against the region's data rate
// before anything is built: a frame too large for its data rate is an error, never a truncation.
//
// Keys are held in SessionKey objects that print as "[redacted]" in logs, JSON and util.inspect.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import loraPacketModule from 'lora-packet';
import { assertFitsDataRate, type LinkDirection, type Region } from './regionalParameters.js';

// lora-packet is CommonJS with `exports.default` in its typings but `module.exports` at run time
type LoraPacketLib = (typeof loraPacketModule)['default'];
const loraPacket: LoraPacketLib =
  (loraPacketModule as unknown as { default?: LoraPacketLib }).default ?? (loraPacketModule as unknown as LoraPacketLib);

/** A 128-bit AES key that never prints. */
export class SessionKey {
  readonly #bytes: Buffer;
  constructor(bytes: Uint8Array) {
    if (bytes.length !== 16) throw new RangeError(`a LoRaWAN session key has 16 bytes, got ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
  }
  static random(): SessionKey {
    return new SessionKey(randomBytes(16));
  }
  static fromHex(hex: string): SessionKey {
    return new SessionKey(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
  }
  /** The raw key, for the crypto calls and the key store only. */
  reveal(): Buffer {
    return this.#bytes;
  }
  /** hex for the (0600) key store file; never for logs */
  revealHex(): string {
    return this.#bytes.toString('hex');
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'SessionKey [redacted]';
  }
}

export interface SessionKeys {
  /** 4-byte device address, 8 hex digits, big-endian as written by people */
  devAddr: string;
  nwkSKey: SessionKey;
  appSKey: SessionKey;
}

export class LorawanError extends Error {
  readonly reason: 'mic' | 'replay' | 'malformed' | 'address';
  constructor(reason: LorawanError['reason'], message: string) {
    super(message);
    this.name = 'LorawanError';
    this.reason = reason;
  }
}

export function randomSessionKeys(devAddr?: string): SessionKeys {
  return { devAddr: devAddr ?? randomBytes(4).toString('hex'), nwkSKey: SessionKey.random(), appSKey: SessionKey.random() };
}

const msb = (fCnt: number) => Buffer.from([(fCnt >>> 16) & 0xff, (fCnt >>> 24) & 0xff]);

function build(dir: 'up' | 'down', keys: SessionKeys, fCnt: number, fPort: number, payload: Uint8Array, confirmed: boolean): Uint8Array {
  if (!Number.isInteger(fPort) || fPort < 1 || fPort > 223) throw new RangeError(`FPort ${fPort}: application ports are 1..223`);
  const mType = dir === 'up' ? (confirmed ? 'Confirmed Data Up' : 'Unconfirmed Data Up') : confirmed ? 'Confirmed Data Down' : 'Unconfirmed Data Down';
  const p = loraPacket.fromFields(
    { MType: mType, DevAddr: Buffer.from(keys.devAddr, 'hex'), FCnt: fCnt & 0xffff, FPort: fPort, payload: Buffer.from(payload) },
    keys.appSKey.reveal(),
    keys.nwkSKey.reveal(),
    undefined,
    msb(fCnt),
  );
  return new Uint8Array(p.getPHYPayload()!);
}

export interface OpenedFrame {
  devAddr: string;
  fCnt: number;
  fPort: number;
  payload: Uint8Array;
  confirmed: boolean;
}

/** Parses a data frame's header without keys (DevAddr lookup on the network side). */
export function peekDevAddr(phy: Uint8Array): string {
  try {
    const p = loraPacket.fromWire(Buffer.from(phy));
    if (!p.isDataMessage() || p.DevAddr === undefined) throw new Error('not a data frame');
    return p.DevAddr.toString('hex');
  } catch (e) {
    throw new LorawanError('malformed', `not a LoRaWAN data frame: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Checks the MIC with the 32-bit counter reconstructed from the 16 bits on air (the smallest value
 * above `lastFCnt` with those low bits) and decrypts; throws LorawanError on a bad MIC, a counter
 * not above `lastFCnt` (replay), a wrong direction or DevAddr.
 */
function open(dir: 'up' | 'down', keys: SessionKeys, phy: Uint8Array, lastFCnt: number | undefined): OpenedFrame {
  let p: ReturnType<typeof loraPacket.fromWire>;
  try {
    p = loraPacket.fromWire(Buffer.from(phy));
  } catch (e) {
    throw new LorawanError('malformed', `not a LoRaWAN frame: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!p.isDataMessage() || p.getDir() !== dir) throw new LorawanError('malformed', `not a data ${dir}link frame`);
  const devAddr = p.DevAddr!.toString('hex');
  if (devAddr !== keys.devAddr) throw new LorawanError('address', `frame for DevAddr ${devAddr}, session is ${keys.devAddr}`);
  const low = p.getFCnt()!;
  const base = lastFCnt === undefined ? 0 : lastFCnt + 1;
  let fCnt = (base & ~0xffff) | low;
  if (fCnt < base) fCnt += 0x10000;
  if (!loraPacket.verifyMIC(p, keys.nwkSKey.reveal(), undefined, msb(fCnt))) {
    throw new LorawanError('mic', `MIC check failed for DevAddr ${devAddr} FCnt ${fCnt}`);
  }
  if (lastFCnt !== undefined && fCnt <= lastFCnt) throw new LorawanError('replay', `FCnt ${fCnt} not above ${lastFCnt}`);
  const payload = new Uint8Array(loraPacket.decrypt(p, keys.appSKey.reveal(), keys.nwkSKey.reveal(), msb(fCnt)));
  return { devAddr, fCnt, fPort: p.getFPort() ?? 0, payload, confirmed: p.isConfirmed() };
}

/** Checks a payload against the data rate before building a frame; returns its time on air in ms. */
export function sendPlan(region: Region, dr: number, payloadBytes: number, direction: LinkDirection): number {
  return assertFitsDataRate(region, dr, payloadBytes, direction);
}

/** The meter's end of an ABP/OTAA session: builds uplinks, opens unicast and multicast downlinks. */
export class DeviceSession {
  readonly devEui: string;
  readonly keys: SessionKeys;
  fCntUp: number;
  fCntDown: number | undefined;
  private readonly multicast: { keys: SessionKeys; last: number | undefined }[] = [];

  constructor(devEui: string, keys: SessionKeys, state: { fCntUp?: number; fCntDown?: number } = {}) {
    this.devEui = devEui;
    this.keys = keys;
    this.fCntUp = state.fCntUp ?? 0;
    this.fCntDown = state.fCntDown;
  }

  joinMulticast(keys: SessionKeys): void {
    this.multicast.push({ keys, last: undefined });
  }

  /** An encrypted, MIC-signed uplink; the frame counter advances. */
  uplink(payload: Uint8Array, fPort = 1, confirmed = false): { phy: Uint8Array; fCnt: number } {
    const fCnt = this.fCntUp;
    const phy = build('up', this.keys, fCnt, fPort, payload, confirmed);
    this.fCntUp = fCnt + 1;
    return { phy, fCnt };
  }

  /** Opens a downlink addressed to this device or one of its multicast groups. */
  downlink(phy: Uint8Array): OpenedFrame & { multicast: boolean } {
    const addr = peekDevAddr(phy);
    if (addr === this.keys.devAddr) {
      const f = open('down', this.keys, phy, this.fCntDown);
      this.fCntDown = f.fCnt;
      return { ...f, multicast: false };
    }
    const g = this.multicast.find((m) => m.keys.devAddr === addr);
    if (g === undefined) throw new LorawanError('address', `downlink for DevAddr ${addr} is not for this device`);
    const f = open('down', g.keys, phy, g.last);
    g.last = f.fCnt;
    return { ...f, multicast: true };
  }
}

/** The network server's end of a device session: opens uplinks (MIC, replay), builds downlinks. */
export class NetworkSession {
  readonly devEui: string;
  readonly keys: SessionKeys;
  lastFCntUp: number | undefined;
  fCntDown: number;

  constructor(devEui: string, keys: SessionKeys, state: { lastFCntUp?: number; fCntDown?: number } = {}) {
    this.devEui = devEui;
    this.keys = keys;
    this.lastFCntUp = state.lastFCntUp;
    this.fCntDown = state.fCntDown ?? 0;
  }

  uplink(phy: Uint8Array): OpenedFrame {
    const f = open('up', this.keys, phy, this.lastFCntUp);
    this.lastFCntUp = f.fCnt;
    return f;
  }

  downlink(payload: Uint8Array, fPort = 1, confirmed = false): { phy: Uint8Array; fCnt: number } {
    const fCnt = this.fCntDown;
    const phy = build('down', this.keys, fCnt, fPort, payload, confirmed);
    this.fCntDown = fCnt + 1;
    return { phy, fCnt };
  }
}

/** A Class C multicast group: one downlink, every member decodes it with the group keys. */
export class MulticastGroup {
  readonly id: string;
  readonly keys: SessionKeys;
  fCnt: number;
  constructor(id: string, keys: SessionKeys, fCnt = 0) {
    this.id = id;
    this.keys = keys;
    this.fCnt = fCnt;
  }
  downlink(payload: Uint8Array, fPort = 1): { phy: Uint8Array; fCnt: number } {
    const fCnt = this.fCnt;
    const phy = build('down', this.keys, fCnt, fPort, payload, false);
    this.fCnt = fCnt + 1;
    return { phy, fCnt };
  }
}
