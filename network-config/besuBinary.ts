// Finds the Hyperledger Besu that runs a local devnet: Clique on 26.2.0 (the last release that
// mines Clique), QBFT on 26.8.0. Looked up as $DERCHAIN_BESU_<MAJOR>_<MINOR>_<PATCH> (a bin/besu
// path), else $DERCHAIN_BESU_HOME/<version>/bin/besu (default ~/.cache/derchain/besu, where the
// shared build script caches its builds). `buildBesu` runs that script (test setup only):
// $DERCHAIN_BESU_BUILD, else ../shared/besu/build.sh beside the repository. Besu is test tooling;
// the product runs without Java (`npm start` is on anvil).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BESU_CLIQUE_IMAGE, BESU_QBFT_IMAGE } from './besuRelease.js';

export type Consensus = 'clique' | 'qbft';

const tagOf = (image: string): string => image.slice(image.lastIndexOf(':') + 1);
/** The Besu release each consensus runs on (the same pins as the generated docker-compose). */
export const BESU_VERSION_FOR: Record<Consensus, string> = { clique: tagOf(BESU_CLIQUE_IMAGE), qbft: tagOf(BESU_QBFT_IMAGE) };

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared build script: $DERCHAIN_BESU_BUILD, else ../shared/besu/build.sh beside the repository. */
export function besuBuildScript(env: NodeJS.ProcessEnv = process.env): string {
  return env.DERCHAIN_BESU_BUILD ?? resolve(REPO_ROOT, '..', 'shared', 'besu', 'build.sh');
}

export const besuInstallHint = (version: string, env: NodeJS.ProcessEnv = process.env): string =>
  `build it with: ${besuBuildScript(env)} ${version} (needs JDK 25 and Maven; npm run setup:test does it), ` +
  `or set DERCHAIN_BESU_${version.replaceAll('.', '_')}=/path/to/bin/besu`;

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function besuCandidates(version: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const own = env[`DERCHAIN_BESU_${version.replaceAll('.', '_')}`];
  if (own) out.push(own);
  out.push(join(env.DERCHAIN_BESU_HOME ?? join(homedir(), '.cache', 'derchain', 'besu'), version, 'bin', 'besu'));
  return out;
}

/** bin/besu of `version`, or undefined when none is installed. */
export function locateBesu(version: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return besuCandidates(version, env).find(executable);
}

/** bin/besu of `version`, or an Error saying how to build it. */
export function findBesu(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = locateBesu(version, env);
  if (found === undefined) throw new Error(`Besu ${version} not found (${besuCandidates(version, env).join(', ')}); ${besuInstallHint(version, env)}`);
  return found;
}

/** Builds (or reuses the cached build of) `version` with the shared script; returns bin/besu. */
export function buildBesu(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const script = besuBuildScript(env);
  if (!existsSync(script)) throw new Error(`Besu build script ${script} not found; set DERCHAIN_BESU_BUILD`);
  const out = execFileSync('bash', [script, version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1)!;
}

/** The Besu release in a `web3_clientVersion` answer ("besu/v26.2.0/linux-x86_64/..." -> "26.2.0"). */
export function besuVersionOf(clientVersion: string): string | undefined {
  return /^besu\/v?([0-9][^/]*)/i.exec(clientVersion)?.[1];
}
