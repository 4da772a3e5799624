// Release signatures: the release manager signs a manifest, with an expiry, using ed25519
// (@noble/curves). A signed release (release.json) is { format, signed: { manifest, expires, keyId },
// signature } where the signature covers the canonical JSON of `signed`. Meters hold the release
// manager's public key and verify before anything is installed; the consortium's on-chain approval
// of the artifact's hash is the second, independent condition (fleet/meterSupervisor.ts).
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import { canonicalJson } from './canonicalJson.js';
import { parseManifest, type ReleaseManifest } from './releaseManifest.js';

export const SIGNED_RELEASE_FORMAT = 'derchain-signed-release-1';
export const SIGNED_RELEASE_FILE = 'release.json';

export interface SignedPayload {
  manifest: ReleaseManifest;
  /** ISO time after which meters refuse the release (freeze protection) */
  expires: string;
  /** first 16 hex digits of sha256(public key) */
  keyId: string;
}

export interface SignedRelease {
  format: typeof SIGNED_RELEASE_FORMAT;
  signed: SignedPayload;
  /** ed25519 signature over canonicalJson(signed), hex */
  signature: string;
}

export interface ReleaseKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export function keyIdOf(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey)).slice(0, 16);
}

export function generateReleaseKey(): ReleaseKeyPair {
  const privateKey = ed25519.utils.randomPrivateKey();
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

/** Writes the private key (hex, mode 0600) and the public key (hex) next to it as FILE.pub. */
export function writeReleaseKey(file: string, key: ReleaseKeyPair): { privateFile: string; publicFile: string } {
  writeFileSync(file, `${bytesToHex(key.privateKey)}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(`${file}.pub`, `${bytesToHex(key.publicKey)}\n`);
  return { privateFile: file, publicFile: `${file}.pub` };
}

/** Reads a release-manager private key file (must not be readable by group or others). */
export function readReleaseKey(file: string): ReleaseKeyPair {
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) throw new Error(`${file} is readable by group or others; run: chmod 600 ${file}`);
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`${file} does not hold a 32-byte hex ed25519 private key`);
  const privateKey = hexToBytes(hex.toLowerCase());
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}

export function parsePublicKey(text: string, where = 'public key'): Uint8Array {
  const hex = text.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${where}: expected 64 hex digits (an ed25519 public key)`);
  return hexToBytes(hex);
}

export function signRelease(manifest: ReleaseManifest, key: ReleaseKeyPair, expires: Date): SignedRelease {
  const signed: SignedPayload = { manifest, expires: expires.toISOString(), keyId: keyIdOf(key.publicKey) };
  const message = new TextEncoder().encode(canonicalJson(signed));
  return { format: SIGNED_RELEASE_FORMAT, signed, signature: bytesToHex(ed25519.sign(message, key.privateKey)) };
}

export class ReleaseRejectedError extends Error {
  constructor(
    readonly reason: 'unsigned' | 'bad-signature' | 'unknown-key' | 'expired' | 'malformed' | 'hash-mismatch' | 'size-mismatch' | 'not-approved' | 'revoked' | 'rollback' | 'runtime',
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseRejectedError';
  }
}

/** Checks format, key, signature and expiry; returns the manifest or throws ReleaseRejectedError. */
export function verifySignedRelease(raw: unknown, trustedKeys: readonly Uint8Array[], now = new Date()): SignedPayload {
  const r = raw as Partial<SignedRelease> | null;
  if (r === null || typeof r !== 'object' || r.signed === undefined) throw new ReleaseRejectedError('unsigned', 'the release carries no signed manifest');
  if (r.format !== SIGNED_RELEASE_FORMAT) throw new ReleaseRejectedError('malformed', `unknown signed release format ${String(r.format)}`);
  if (typeof r.signature !== 'string' || r.signature.length === 0) throw new ReleaseRejectedError('unsigned', 'the release is not signed');
  const key = trustedKeys.find((k) => keyIdOf(k) === r.signed?.keyId);
  if (!key) throw new ReleaseRejectedError('unknown-key', `the release is signed by key ${String(r.signed.keyId)}, which this meter does not trust`);
  let ok = false;
  try {
    ok = ed25519.verify(hexToBytes(r.signature), new TextEncoder().encode(canonicalJson(r.signed)), key);
  } catch {
    ok = false;
  }
  if (!ok) throw new ReleaseRejectedError('bad-signature', 'the release signature does not verify');
  let manifest: ReleaseManifest;
  try {
    manifest = parseManifest(r.signed.manifest);
  } catch (err) {
    throw new ReleaseRejectedError('malformed', (err as Error).message);
  }
  const expires = new Date(r.signed.expires);
  if (Number.isNaN(expires.getTime())) throw new ReleaseRejectedError('malformed', 'expires is not a time');
  if (expires.getTime() <= now.getTime()) throw new ReleaseRejectedError('expired', `the release signature expired at ${r.signed.expires}`);
  return { manifest, expires: r.signed.expires, keyId: r.signed.keyId };
}

/** sha256 of bytes as lowercase hex (node:crypto: a 1 MB artifact in milliseconds) */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
