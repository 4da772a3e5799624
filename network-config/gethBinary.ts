// Finds the geth 1.13 binary used by the local Clique devnet: $DERCHAIN_GETH, else `geth` on PATH,
// else $GOPATH/bin/geth, else ~/go/bin/geth. geth v1.13.15 is the last geth that seals Clique blocks.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const GETH_INSTALL_HINT =
  'install it with: GOTOOLCHAIN=go1.22.12 go install github.com/ethereum/go-ethereum/cmd/geth@v1.13.15 (or set DERCHAIN_GETH=/path/to/geth)';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function gethCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  if (env.DERCHAIN_GETH) out.push(env.DERCHAIN_GETH);
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir !== '') out.push(join(dir, 'geth'));
  if (env.GOPATH) for (const dir of env.GOPATH.split(delimiter)) if (dir !== '') out.push(join(dir, 'bin', 'geth'));
  out.push(join(homedir(), 'go', 'bin', 'geth'));
  return out;
}

/** Path of the geth binary, or an Error explaining how to install it. */
export function findGeth(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DERCHAIN_GETH && !executable(env.DERCHAIN_GETH)) {
    throw new Error(`DERCHAIN_GETH=${env.DERCHAIN_GETH} is not an executable file; ${GETH_INSTALL_HINT}`);
  }
  const found = gethCandidates(env).find(executable);
  if (found === undefined) throw new Error(`geth not found (DERCHAIN_GETH, PATH, $GOPATH/bin, ~/go/bin); ${GETH_INSTALL_HINT}`);
  return found;
}

/** "1.13.15-stable" from `geth version`. */
export function gethVersion(geth: string): string {
  const out = execFileSync(geth, ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /^Version:\s*(\S+)/m.exec(out);
  if (m === null) throw new Error(`could not read the version of ${geth}`);
  return m[1];
}

/** Clique sealing exists in geth up to 1.13.x; refuse other versions with a clear message. */
export function assertCliqueCapableGeth(geth: string): string {
  const v = gethVersion(geth);
  if (!/^1\.13\./.test(v)) throw new Error(`${geth} is geth ${v}; the devnet needs geth 1.13.x (last with Clique sealing); ${GETH_INSTALL_HINT}`);
  return v;
}
