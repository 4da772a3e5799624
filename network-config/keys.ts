// secp256k1 node keys: creation (random, or derived from a seed for reproducible tests), the
// Ethereum address of a key, and the enode URL (the 64-byte uncompressed public key without its
// 0x04 prefix, as devp2p node ids are written) of a node at host:port.
import { secp256k1 } from '@noble/curves/secp256k1';
import { bytesToHex, hexToBytes, keccak256, stringToHex, type Hex } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';

/** Secret: 32-byte private key as 64 lowercase hex characters, no 0x prefix. */
export type PrivateKeyHex = string;

function assertKey(hex: string): void {
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error('private key must be 64 lowercase hex characters');
  if (!secp256k1.utils.isValidPrivateKey(hexToBytes(`0x${hex}`))) throw new Error('private key out of the secp256k1 range');
}

export function randomPrivateKey(): PrivateKeyHex {
  return bytesToHex(secp256k1.utils.randomPrivateKey()).slice(2);
}

/**
 * keccak256(seed ":" label [":" counter]) until it is a valid scalar: reproducible keys. With a
 * secret seed of 32 random bytes (infra's `derchain:keySeed`) the keys are as strong as random
 * ones and can be re-derived on every `pulumi up`; tests use short public seeds, which give
 * public keys and are for tests only.
 */
export function derivedPrivateKey(seed: string, label: string): PrivateKeyHex {
  for (let counter = 0; ; counter++) {
    const h = keccak256(stringToHex(counter === 0 ? `${seed}:${label}` : `${seed}:${label}:${counter}`)).slice(2);
    if (secp256k1.utils.isValidPrivateKey(hexToBytes(`0x${h}`))) return h;
  }
}

/** Uncompressed public key without the 0x04 prefix (128 hex chars): the devp2p node id. */
export function nodeIdOf(privateKeyHex: PrivateKeyHex): string {
  assertKey(privateKeyHex);
  const pub = secp256k1.getPublicKey(hexToBytes(`0x${privateKeyHex}`), false);
  return bytesToHex(pub).slice(4);
}

export function addressOf(privateKeyHex: PrivateKeyHex): `0x${string}` {
  assertKey(privateKeyHex);
  return privateKeyToAddress(`0x${privateKeyHex}` as Hex);
}

export function enodeUrl(nodeId: string, host: string, port: number): string {
  return `enode://${nodeId}@${host}:${port}`;
}
