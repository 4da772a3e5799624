// A prosumer's key in an encrypted V3 keystore (@ethereumjs/wallet, scrypt). The key is held
// only in memory of the agent that loaded it; nothing here logs or prints it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Wallet } from '@ethereumjs/wallet';
import { getAddress, type Address, type Hex } from 'viem';

/** scrypt N of the pilot's throwaway keystores (geth's "light" is 4096, its standard 262144). */
export const PILOT_SCRYPT_N = 16384;

export interface CreatedKeystore {
  file: string;
  address: Address;
}

/** Generates a fresh key and writes it, encrypted, to DIR/<name>.json (mode 0600). */
export async function createKeystore(dir: string, name: string, password: string, scryptN = PILOT_SCRYPT_N): Promise<CreatedKeystore> {
  const wallet = Wallet.generate();
  const json = await wallet.toV3String(password, { kdf: 'scrypt', n: scryptN });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, json, { mode: 0o600 });
  return { file, address: getAddress(wallet.getAddressString()) };
}

export interface UnlockedKey {
  address: Address;
  privateKey: Hex;
}

/** Decrypts a V3 keystore with the password in `passwordFile` (first line, trailing newline cut). */
export async function unlockKeystore(file: string, passwordFile: string): Promise<UnlockedKey> {
  const password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
  const wallet = await Wallet.fromV3(readFileSync(file, 'utf8'), password);
  return { address: getAddress(wallet.getAddressString()), privateKey: wallet.getPrivateKeyString() as Hex };
}
