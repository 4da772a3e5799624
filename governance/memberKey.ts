// Loads a member's private key for signing governance transactions: from --key-file (a file
// holding the 0x-hex key, readable by its owner only) or the DERCHAIN_MEMBER_KEY environment
// variable. The key is never printed or logged; errors name the file, not its content.
import { readFileSync, statSync } from 'node:fs';
import type { Hex } from 'viem';

const KEY_PATTERN = /^(0x)?[0-9a-fA-F]{64}$/;

export function loadMemberKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Hex | undefined {
  let raw: string | undefined;
  let source: string;
  if (keyFile !== undefined) {
    const mode = statSync(keyFile).mode & 0o077;
    if (mode !== 0 && process.platform !== 'win32') {
      throw new Error(`${keyFile} is readable by group or others; run: chmod 600 ${keyFile}`);
    }
    raw = readFileSync(keyFile, 'utf8').trim();
    source = keyFile;
  } else {
    raw = env.DERCHAIN_MEMBER_KEY?.trim();
    source = 'DERCHAIN_MEMBER_KEY';
    if (raw === undefined || raw === '') return undefined;
  }
  if (!KEY_PATTERN.test(raw)) throw new Error(`${source} does not hold a 32-byte hex private key`);
  return (raw.startsWith('0x') ? raw : `0x${raw}`) as Hex;
}
