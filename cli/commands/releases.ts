// `derchain releases list|status|propose-approve|propose-revoke|vote|execute`: the consortium
// members' decision on which agent release artifacts (by sha256) may run on meters. A majority of
// members decides, as for validators; the fleet rollout reads the approved set from the same
// governance contract (IReleaseRegistry). Reads need --rpc and --governance; actions sign with the
// member's key (--key-file, or DERCHAIN_MEMBER_KEY).
import type { Command } from 'commander';
import type { Hex } from 'viem';
import { proposalsTable, releasesTable, utc } from '../../governance/consortiumTables.js';
import { normalizeSha256 } from '../../governance/governanceClient.js';
import { isReleaseKind, type ReleaseProposalKind } from '../../governance/proposalKinds.js';
import { sha256OfFile } from '../../governance/releaseHash.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { badArgument, type ConnectionOptions, governanceOf, labelArg, print, proposalIdArg, withConnection } from '../governanceOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';

interface ArtifactOptions {
  sha256?: Hex;
  artifact?: string;
}

function sha256Arg(value: string): Hex {
  try {
    return normalizeSha256(value, '--sha256');
  } catch (err) {
    throw badArgument((err as Error).message);
  }
}

function withArtifact(cmd: Command): Command {
  return cmd
    .option('--sha256 <hex>', 'sha256 of the release artifact (64 hex digits)', sha256Arg)
    .option('--artifact <file>', 'the release artifact file (its sha256 is computed)');
}

async function artifactHash(o: ArtifactOptions): Promise<Hex> {
  if ((o.sha256 === undefined) === (o.artifact === undefined)) {
    throw new DerchainInputError('give exactly one of --sha256 <hex> and --artifact <file>', { field: '--sha256/--artifact' });
  }
  if (o.sha256 !== undefined) return o.sha256;
  try {
    return await sha256OfFile(o.artifact!);
  } catch (err) {
    throw new DerchainInputError(`cannot read the artifact: ${(err as Error).message}`, { file: o.artifact! });
  }
}

async function proposeRelease(kind: ReleaseProposalKind, o: ConnectionOptions & ArtifactOptions & { text: string }): Promise<void> {
  const hash = await artifactHash(o);
  const g = await governanceOf(o, true);
  const result = await g.proposeRelease(kind, hash, o.text);
  const majority = await g.majority();
  print(
    o,
    { ...result, kind, artifactSha256: hash },
    `proposal #${result.id} (${kind} ${hash}) ${result.status}; your yes vote is counted, ${majority} yes votes decide\ntx ${result.hash}`,
  );
}

export function register(program: Command): void {
  const releases = program
    .command('releases')
    .description('Consortium approval of agent release artifacts (by sha256) that meters may run');

  withConnection(releases.command('list'))
    .description('Approved releases and open release proposals, as tables')
    .action(
      exitOnInputError('releases list', async (o: ConnectionOptions) => {
        const g = await governanceOf(o, false);
        const [approved, open, majority] = await Promise.all([g.approvedReleases(), g.openProposals(), g.majority()]);
        const pending = open.filter((p) => isReleaseKind(p.kind));
        print(
          o,
          { approved, openProposals: pending, majority },
          [`Approved releases (${approved.length})`, releasesTable(approved), `Open release proposals (${pending.length}; ${majority} yes votes decide)`, pending.length === 0 ? '(none)' : proposalsTable(pending, majority)].join('\n'),
        );
      }),
    );

  withArtifact(withConnection(releases.command('status')))
    .description('Whether one artifact is approved now, and the last decision about it')
    .action(
      exitOnInputError('releases status', async (o: ConnectionOptions & ArtifactOptions) => {
        const hash = await artifactHash(o);
        const info = await (await governanceOf(o, false)).releaseInfo(hash);
        const last = info.proposalId === undefined ? 'never decided' : `last decision: proposal #${info.proposalId} at ${utc(info.decidedAt)} UTC`;
        print(o, info, `${hash}: ${info.approved ? 'APPROVED' : 'not approved'} (${last})`);
      }),
    );

  withArtifact(withConnection(releases.command('propose-approve')))
    .requiredOption('--label <text>', 'release name members see, e.g. "agent 1.4.2"', labelArg('--label'))
    .description('Propose approving a release artifact (counts your yes vote)')
    .action(
      exitOnInputError('releases propose-approve', async (o: ConnectionOptions & ArtifactOptions & { label: string }) => {
        await proposeRelease('approve-release', { ...o, text: o.label });
      }),
    );

  withArtifact(withConnection(releases.command('propose-revoke')))
    .requiredOption('--reason <text>', 'why the release is revoked', labelArg('--reason'))
    .description('Propose revoking an approved release artifact (counts your yes vote)')
    .action(
      exitOnInputError('releases propose-revoke', async (o: ConnectionOptions & ArtifactOptions & { reason: string }) => {
        await proposeRelease('revoke-release', { ...o, text: o.reason });
      }),
    );

  withConnection(releases.command('vote'))
    .argument('<id>', 'release proposal id', proposalIdArg)
    .option('--against', 'vote no (default: yes)')
    .description('Vote on an open release proposal; the deciding vote executes it')
    .action(
      exitOnInputError('releases vote', async (id: number, o: ConnectionOptions & { against?: boolean }) => {
        const g = await governanceOf(o, true);
        const support = o.against !== true;
        const result = await g.voteRelease(id, support);
        print(o, { id, support, ...result }, `voted ${support ? 'yes' : 'no'} on release proposal #${id}: now ${result.status}\ntx ${result.hash}`);
      }),
    );

  withConnection(releases.command('execute'))
    .argument('<id>', 'release proposal id', proposalIdArg)
    .description('Execute an open release proposal that has a majority (after a member removal lowered it)')
    .action(
      exitOnInputError('releases execute', async (id: number, o: ConnectionOptions) => {
        const hash = await (await governanceOf(o, true)).executeRelease(id);
        print(o, { id, hash }, `release proposal #${id} executed\ntx ${hash}`);
      }),
    );
}
