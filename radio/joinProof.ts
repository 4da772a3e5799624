// The proof in a JOIN message: the prosumer's key signs (EIP-191 personal message) a domain tag and
// the JOIN bytes before the signature (address, DevEUI, timestamp), so the relay learns which
// address a LoRaWAN device speaks for, and a proof cannot be replayed for another device, another
// address or, past its age limit, at all. The key stays in the meter; only the signature travels.
import { concat, isAddressEqual, recoverMessageAddress, stringToBytes, type Hex, type LocalAccount } from 'viem';
import { joinSignedBytes, type JoinMessage } from './frames.js';

const JOIN_DOMAIN = stringToBytes('derchain radio join v1:');

function joinDigestInput(m: Pick<JoinMessage, 'address' | 'devEui' | 'timestamp'>): Uint8Array {
  return concat([JOIN_DOMAIN, joinSignedBytes(m)]);
}

/** A JOIN message for `devEui`, signed by `account` (the prosumer's own key). */
export async function signJoin(account: LocalAccount, devEui: Hex, timestamp: number): Promise<JoinMessage> {
  const body = { address: account.address, devEui, timestamp };
  const signature = await account.signMessage({ message: { raw: joinDigestInput(body) } });
  return { type: 'join', ...body, signature };
}

export type JoinCheck = { ok: true } | { ok: false; reason: string };

/** Checks the signature (recovers the address), the DevEUI it arrived from, and the proof's age. */
export async function verifyJoin(
  m: JoinMessage,
  opts: { fromDevEui: Hex; nowSec: number; maxAgeSec?: number },
): Promise<JoinCheck> {
  if (m.devEui.toLowerCase() !== opts.fromDevEui.toLowerCase()) return { ok: false, reason: `proof names device ${m.devEui}, it came from ${opts.fromDevEui}` };
  const maxAge = opts.maxAgeSec ?? 86_400;
  if (m.timestamp > opts.nowSec + 300) return { ok: false, reason: 'proof is dated in the future' };
  if (opts.nowSec - m.timestamp > maxAge) return { ok: false, reason: `proof is older than ${maxAge} s` };
  let signer: Hex;
  try {
    signer = await recoverMessageAddress({ message: { raw: joinDigestInput(m) }, signature: m.signature });
  } catch {
    return { ok: false, reason: 'signature does not recover' };
  }
  if (!isAddressEqual(signer, m.address)) return { ok: false, reason: 'signature is not by the address it names' };
  return { ok: true };
}
