// Test support: the consortium's release decisions through the CLI (`derchain releases
// propose-approve|propose-revoke|vote`, run in-process): member 0 proposes, member 1 votes yes,
// which makes the majority of three and executes the proposal.
import assert from 'node:assert/strict';
import type { Hex } from 'viem';
import { register as registerReleases } from '../../cli/commands/releases.js';
import { runCli } from '../governance/cliInProcess.js';

export interface Consortium {
  rpcUrls: string[];
  governance: string;
  /** member keys (secrets); at least two of three members decide */
  keys: Hex[];
}

async function decide(c: Consortium, propose: string[], label: string[]): Promise<number> {
  const common = ['--rpc', c.rpcUrls[0]!, '--governance', c.governance, '--json'];
  const p = await runCli(registerReleases, ['releases', ...propose, ...label, ...common], { DERCHAIN_MEMBER_KEY: c.keys[0] });
  assert.equal(p.exitCode, 0, p.stderr);
  const { id, status } = JSON.parse(p.stdout) as { id: number; status: string };
  assert.equal(status, 'open', 'one member alone must not decide');
  // vote through another node when there is one (it may need a moment to import the proposal)
  const voteRpc = c.rpcUrls[1 % c.rpcUrls.length]!;
  for (let attempt = 0; ; attempt++) {
    const v = await runCli(registerReleases, ['releases', 'vote', String(id), '--rpc', voteRpc, '--governance', c.governance, '--json'], { DERCHAIN_MEMBER_KEY: c.keys[1] });
    if (v.exitCode === 0) {
      assert.equal((JSON.parse(v.stdout) as { status: string }).status, 'executed');
      return id;
    }
    if (attempt > 40 || !/no proposal|UnknownProposal|not be imported/i.test(v.stderr)) assert.fail(v.stderr);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const approveByCli = (c: Consortium, artifactFile: string, label: string) => decide(c, ['propose-approve', '--artifact', artifactFile], ['--label', label]);
export const revokeByCli = (c: Consortium, artifactFile: string, reason: string) => decide(c, ['propose-revoke', '--artifact', artifactFile], ['--reason', reason]);
