// Loads a signing key (a consortium member's, or the contract deployer's) from a key file (the
// 0x-hex key, readable by its owner only) or an environment variable. The key is never printed
// or logged; errors name the file or the variable, not its content.
import { readFileSync, statSync } from 'node:fs';
import type { Hex } from 'viem';

const KEY_PATTERN = /^(0x)?[0-9a-fA-F]{64}$/;

export const MEMBER_KEY_ENV = 'DERCHAIN_MEMBER_KEY';
export const DEPLOYER_KEY_ENV = 'DERCHAIN_DEPLOYER_KEY';

/** The key from `keyFile` when given, else from `env[envVar]`; undefined when neither is set. */
export function loadSigningKey(keyFile: string | undefined, envVar: string, env: NodeJS.ProcessEnv = process.env): Hex | undefined {
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
    raw = env[envVar]?.trim();
    source = envVar;
    if (raw === undefined || raw === '') return undefined;
  }
  if (!KEY_PATTERN.test(raw)) throw new Error(`${source} does not hold a 32-byte hex private key`);
  return (raw.startsWith('0x') ? raw : `0x${raw}`) as Hex;
}

/** A member's key: --key-file or DERCHAIN_MEMBER_KEY. */
export function loadMemberKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Hex | undefined {
  return loadSigningKey(keyFile, MEMBER_KEY_ENV, env);
}
