// `derchain validators list|status|propose-add|propose-remove|propose|vote|execute|accept-admitter|expire|deploy`:
// the consortium members' side of validator governance. Reads need --rpc and --governance; actions
// sign with the member's key (--key-file, or DERCHAIN_MEMBER_KEY). Tables on stdout, --json for
// machines. Clique votes themselves are cast by `derchain validator-bridge` beside each validator.
// Agent releases are decided with `derchain releases`.
import type { Command } from 'commander';
import { parseAbi, type Address, type PublicClient } from 'viem';
import { connectNode } from '../../chain/rpc.js';
import { CliqueRpc } from '../../governance/cliqueRpc.js';
import { changesTable, membersTable, proposalsTable, signersTable } from '../../governance/consortiumTables.js';
import { chainSignerSet, readConsortiumView, type ConsortiumView } from '../../governance/consortiumView.js';
import type { GovernanceClient } from '../../governance/governanceClient.js';
import { escapeForTerminal, MAX_VOTING_PERIOD_SECONDS, MIN_VOTING_PERIOD_SECONDS } from '../../governance/textRules.js';
import { describeLiveness, livenessAfterChange, parseEnode, probeEnode, peerIdsOf, quorumHolds, signerOfNodeId } from '../../governance/validatorLiveness.js';
import { DerchainInputError } from '../../errors/inputError.js';
import { deployGovernance, type InitialMember, type InitialValidator } from '../../governance/deployGovernance.js';
import { loadMemberKey } from '../../governance/memberKey.js';
import { ADDRESS_PROPOSAL_KINDS, isAddressProposalKind, type AddressProposalKind } from '../../governance/proposalKinds.js';
import {
  addressArg,
  badArgument,
  type ConnectionOptions,
  enodeTextArg,
  governanceOf,
  labelArg,
  print,
  proposalIdArg,
  withConnection,
} from '../governanceOptions.js';
import { exitOnInputError } from '../inputErrorExit.js';

const address = addressArg;
const proposalId = proposalIdArg;

/** Collects a repeatable option's values, each parsed by `parse` (commander then gives an array). */
function repeatable<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value)];
}

/** `--member 0xADDR=Organisation name` */
function memberSpec(value: string): InitialMember {
  const eq = value.indexOf('=');
  if (eq < 0) throw badArgument(`--member takes ADDRESS=NAME, got "${value}"`);
  const name = labelArg('--member name')(value.slice(eq + 1));
  if (name === '') throw badArgument(`--member takes ADDRESS=NAME with a non-empty name, got "${value}"`);
  return { address: address('--member')(value.slice(0, eq)), name };
}

/** `--validator 0xADDR[=label[@enode]]` */
function validatorSpec(value: string): InitialValidator {
  const eq = value.indexOf('=');
  const rest = eq < 0 ? '' : value.slice(eq + 1);
  const at = rest.indexOf('@');
  return {
    address: address('--validator')(eq < 0 ? value : value.slice(0, eq)),
    label: labelArg('--validator label')(at < 0 ? rest : rest.slice(0, at)),
    enode: enodeTextArg(at < 0 ? '' : rest.slice(at + 1)),
  };
}

function kindArg(value: string): AddressProposalKind {
  if (!isAddressProposalKind(value)) {
    throw badArgument(`--kind must be one of ${ADDRESS_PROPOSAL_KINDS.join(', ')} (releases: derchain releases), got "${value}"`);
  }
  return value;
}

function positiveCount(what: string, zeroOk = false) {
  return (value: string): number => {
    if (!/^\d{1,9}$/.test(value) || (!zeroOk && Number(value) === 0)) throw badArgument(`${what} must be a whole number${zeroOk ? '' : ' above 0'}, got "${value}"`);
    return Number(value);
  };
}

function votingPeriodArg(value: string): number {
  const n = /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= MIN_VOTING_PERIOD_SECONDS && n <= MAX_VOTING_PERIOD_SECONDS)) {
    throw badArgument(`--voting-period must be whole seconds in [${MIN_VOTING_PERIOD_SECONDS}, ${MAX_VOTING_PERIOD_SECONDS}] (366 days), got "${value}"`);
  }
  return n;
}

/** Proposals `status` shows by default (newest first); --all shows every one. */
const STATUS_PAGE = 20;

function viewJson(view: ConsortiumView) {
  return { ...view, nodeVotes: view.nodeVotes ? Object.fromEntries(view.nodeVotes) : undefined };
}

/**
 * Checks a validator change before it is proposed or voted for, and reports the liveness of the
 * validator set after it on stderr. Adding (with `strict`): the enode must be given, its node key
 * must be the signer's, and it must answer; otherwise bad input (exit 2), nothing sent. A quorum
 * at risk is a warning.
 */
async function checkValidatorChange(
  g: GovernanceClient,
  rpcUrl: string,
  change: { adding?: { address: Address; enode: string; label: string }; removing?: Address },
  strict: boolean,
): Promise<void> {
  const adding = change.adding;
  if (strict && adding) {
    const skip = 'or pass --no-node-check to propose it anyway';
    if (adding.enode === '') throw new DerchainInputError(`--enode is required to check that the new validator is a live node (${skip})`, { field: '--enode' });
    let nodeId: string;
    try {
      nodeId = parseEnode(adding.enode).nodeId;
    } catch (err) {
      throw new DerchainInputError(`${(err as Error).message} (${skip})`, { field: '--enode' });
    }
    const keyOwner = signerOfNodeId(nodeId);
    if (keyOwner !== adding.address) {
      throw new DerchainInputError(
        `the enode's node key belongs to ${keyOwner}, not to --signer ${adding.address}; derchain validators seal with their node key, so one of the two is wrong (${skip})`,
        { field: '--signer/--enode' },
      );
    }
    const probe = await probeEnode(adding.enode, await peerIdsOf(rpcUrl));
    if (probe.liveness !== 'live') {
      const report = await livenessAfterChange(await g.validators(), change, { rpcUrl, ...(await consensusOf(rpcUrl)) });
      throw new DerchainInputError(
        `the new validator's enode does not answer (no peer of the node at ${rpcUrl}, no TCP connection from here); a dead validator counts against the quorum (${skip})\n${describeLiveness(report)}`,
        { field: '--enode' },
      );
    }
  }
  const report = await livenessAfterChange(await g.validators(), change, { rpcUrl, ...(await consensusOf(rpcUrl)) });
  const lines = [`node check: ${describeLiveness(report)}`];
  for (const v of report.notLive) lines.push(`  ${v.liveness}: ${v.address}${v.label ? ` (${escapeForTerminal(v.label)})` : ''}`);
  if (!quorumHolds(report)) lines.push('WARNING: after this change too few validators answer; the chain may halt, and governance cannot undo that');
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** --coordinator must be a contract answering admitted(address) with a bool (as Governance.sol probes it). */
async function assertCoordinator(publicClient: PublicClient, coordinator: Address): Promise<void> {
  try {
    const answer = await publicClient.readContract({ address: coordinator, abi: admissionAbi, functionName: 'admitted', args: [coordinator] });
    if (typeof answer !== 'boolean') throw new Error('not a bool');
  } catch {
    throw new DerchainInputError(`${coordinator} is not a coordinator contract (no answer to admitted(address)); check --coordinator`, { field: '--coordinator' });
  }
}

const admissionAbi = parseAbi(['function admitted(address) view returns (bool)']);

async function consensusOf(rpcUrl: string): Promise<{ consensus?: 'clique' | 'qbft' }> {
  const set = await chainSignerSet(rpcUrl);
  return set ? { consensus: set.source } : {};
}

async function submitProposal(
  o: ConnectionOptions & { nodeCheck?: boolean },
  kind: AddressProposalKind,
  subject: Address,
  details: { enode?: string; label?: string },
): Promise<void> {
  const g = await governanceOf(o, true);
  if (kind === 'add-validator' || kind === 'remove-validator') {
    const change = kind === 'add-validator' ? { adding: { address: subject, enode: details.enode ?? '', label: details.label ?? '' } } : { removing: subject };
    await checkValidatorChange(g, o.rpc, change, o.nodeCheck !== false);
  }
  const result = await g.propose(kind, subject, details);
  const majority = await g.majority();
  print(o, { ...result, kind, subject }, `proposal #${result.id} (${kind} ${subject}) ${result.status}; your yes vote is counted, ${majority} yes votes decide\ntx ${result.hash}`);
}

export function register(program: Command): void {
  const validators = program
    .command('validators')
    .description('Consortium governance of the validator set (members, proposals, votes) on the governance contract');

  withConnection(validators.command('list'))
    .description('Members, open proposals and the signer set, as tables')
    .action(
      exitOnInputError('validators list', async (o: ConnectionOptions) => {
        const g = await governanceOf(o, false);
        const view = await readConsortiumView(g, o.rpc, { open: true });
        const open = view.proposals;
        const unrecorded = await g.expiredUnrecorded();
        print(
          o,
          { members: view.members, majority: view.majority, openProposals: open, expiredUnrecorded: unrecorded, signers: view.signers, validators: view.validators },
          [
            `Members (${view.members.length}; ${view.majority} yes votes decide)`,
            membersTable(view),
            `Open proposals (${open.length})`,
            open.length === 0 ? '(none)' : proposalsTable(open, view.majority),
            ...(unrecorded.length === 0
              ? []
              : [`Past their deadline, not yet recorded (anyone may run: derchain validators expire ID): ${unrecorded.map((id) => `#${id}`).join(', ')}`]),
            view.signers === undefined ? 'Signer set: the node exposes neither the clique nor the qbft API' : `Signer set (${view.signers.length}, from ${view.signerSource})`,
            signersTable(view),
          ].join('\n'),
        );
      }),
    );

  withConnection(validators.command('status'))
    .option('--proposal <id>', 'show one proposal', proposalId)
    .option('--limit <n>', `how many proposals, newest first (default ${STATUS_PAGE})`, positiveCount('--limit'))
    .option('--offset <n>', 'skip this many of the newest proposals (paging)', positiveCount('--offset', true))
    .option('--all', 'every proposal ever made (slow on a long history)')
    .description("The newest proposals, the decided validator changes and whether each is in force, and this node's clique votes")
    .action(
      exitOnInputError('validators status', async (o: ConnectionOptions & { proposal?: number; limit?: number; offset?: number; all?: boolean }) => {
        const g = await governanceOf(o, false);
        if (o.proposal !== undefined) {
          const p = await g.proposal(o.proposal);
          print(o, p, proposalsTable([p], await g.majority()));
          return;
        }
        const limit = o.all === true ? Number.POSITIVE_INFINITY : (o.limit ?? STATUS_PAGE);
        const offset = o.offset ?? 0;
        const view = await readConsortiumView(g, o.rpc, { limit, offset });
        const shown = view.proposals.length;
        const range = shown === 0 ? '' : `: #${view.proposals[0]!.id} back to #${view.proposals[shown - 1]!.id}`;
        const more = offset + shown < view.proposalTotal ? ` (older: --offset ${offset + shown}, or --all)` : '';
        print(
          o,
          viewJson(view),
          [
            `Proposals (${shown} of ${view.proposalTotal}, newest first${range})${more}`,
            proposalsTable(view.proposals, view.majority),
            'Decided validator changes',
            changesTable(view),
            `Signer set (${view.signers?.length ?? '?'})`,
            signersTable(view),
          ].join('\n'),
        );
      }),
    );

  withConnection(validators.command('propose-add'))
    .requiredOption('--signer <address>', "the new validator's signer address", address('--signer'))
    .option('--enode <url>', "the new validator's enode URL", enodeTextArg, '')
    .option('--label <text>', 'a readable name for the validator', labelArg('--label'), '')
    .option('--no-node-check', 'propose even if the new node fails the checks (enode answers, its node key is the signer); the liveness report is still printed')
    .description('Propose adding a validator (checks that its enode answers; counts your yes vote)')
    .action(
      exitOnInputError('validators propose-add', async (o: ConnectionOptions & { signer: Address; enode: string; label: string; nodeCheck: boolean }) => {
        await submitProposal(o, 'add-validator', o.signer, { enode: o.enode, label: o.label });
      }),
    );

  withConnection(validators.command('propose-remove'))
    .requiredOption('--signer <address>', "the validator's signer address", address('--signer'))
    .description('Propose removing a validator (counts your yes vote)')
    .action(
      exitOnInputError('validators propose-remove', async (o: ConnectionOptions & { signer: Address }) => {
        await submitProposal(o, 'remove-validator', o.signer, {});
      }),
    );

  withConnection(validators.command('propose'))
    .requiredOption('--kind <kind>', `one of ${ADDRESS_PROPOSAL_KINDS.join(', ')}`, kindArg)
    .requiredOption(
      '--subject <address>',
      'validator, member, prosumer or coordinator address (set-coordinator with 0x0000000000000000000000000000000000000000 unsets it)',
      address('--subject'),
    )
    .option('--label <text>', "validator label, or the new member's organisation name", labelArg('--label'), '')
    .option('--enode <url>', 'validator enode URL', enodeTextArg, '')
    .option('--no-node-check', 'add-validator: propose even if the new node fails the checks (the liveness report is still printed)')
    .description('Propose any change: members, prosumer admission in the coordinator, the coordinator, validators')
    .action(
      exitOnInputError('validators propose', async (o: ConnectionOptions & { kind: AddressProposalKind; subject: Address; label: string; enode: string; nodeCheck: boolean }) => {
        await submitProposal(o, o.kind, o.subject, { enode: o.enode, label: o.label });
      }),
    );

  withConnection(validators.command('vote'))
    .argument('<id>', 'proposal id', proposalId)
    .option('--against', 'vote no (default: yes)')
    .option('--no-node-check', 'skip the liveness report of a validator change')
    .description('Vote on an open proposal; the deciding vote executes it (a validator change first reports live/dead validators and the quorum)')
    .action(
      exitOnInputError('validators vote', async (id: number, o: ConnectionOptions & { against?: boolean; nodeCheck: boolean }) => {
        const g = await governanceOf(o, true);
        const support = o.against !== true;
        if (support && o.nodeCheck !== false) {
          const p = await g.proposal(id);
          if (p.status === 'open' && p.kind === 'add-validator') {
            await checkValidatorChange(g, o.rpc, { adding: { address: p.subject, enode: p.enode, label: p.label } }, false);
          } else if (p.status === 'open' && p.kind === 'remove-validator') {
            await checkValidatorChange(g, o.rpc, { removing: p.subject }, false);
          }
        }
        const result = await g.vote(id, support);
        print(o, { id, support, ...result }, `voted ${support ? 'yes' : 'no'} on proposal #${id}: now ${result.status}\ntx ${result.hash}`);
      }),
    );

  withConnection(validators.command('execute'))
    .argument('<id>', 'proposal id', proposalId)
    .description('Execute an open proposal that has a majority (after a member removal lowered it)')
    .action(
      exitOnInputError('validators execute', async (id: number, o: ConnectionOptions) => {
        const hash = await (await governanceOf(o, true)).execute(id);
        print(o, { id, hash }, `proposal #${id} executed\ntx ${hash}`);
      }),
    );

  withConnection(validators.command('accept-admitter'))
    .description("Let governance take the coordinator's admitter role, once the coordinator's admitter has proposed it (pool coordinator: proposeAdmitter)")
    .action(
      exitOnInputError('validators accept-admitter', async (o: ConnectionOptions) => {
        const g = await governanceOf(o, true);
        const coordinator = await g.coordinator();
        const hash = await g.acceptCoordinatorAdmitter();
        print(o, { coordinator, hash }, `governance now holds the admitter role of ${coordinator}\ntx ${hash}`);
      }),
    );

  withConnection(validators.command('expire'))
    .argument('<id>', 'proposal id', proposalId)
    .description('Record that an open proposal passed its deadline')
    .action(
      exitOnInputError('validators expire', async (id: number, o: ConnectionOptions) => {
        const hash = await (await governanceOf(o, true)).expire(id);
        print(o, { id, hash }, `proposal #${id} marked expired\ntx ${hash}`);
      }),
    );

  withConnection(validators.command('deploy'), false)
    .requiredOption('--member <address=name>', 'initial member account and organisation name (repeat the flag)', repeatable(memberSpec))
    .option(
      '--validator <address[=label[@enode]]>',
      "initial validator (repeat the flag; default: the node's current clique signers)",
      repeatable(validatorSpec),
    )
    .option('--voting-period <seconds>', `how long a proposal stays open (1 s .. ${MAX_VOTING_PERIOD_SECONDS} s)`, votingPeriodArg, 604800)
    .option('--coordinator <address>', 'coordinator contract whose admitter role governance will hold', address('--coordinator'))
    .description("Deploy the governance contract (then transfer the coordinator's admitter role to it)")
    .action(
      exitOnInputError(
        'validators deploy',
        async (o: ConnectionOptions & { member: InitialMember[]; validator?: InitialValidator[]; votingPeriod: number; coordinator?: Address }) => {
          const key = loadMemberKey(o.keyFile);
          if (key === undefined) throw new Error('deploy signs a transaction: pass --key-file <file> or set DERCHAIN_MEMBER_KEY');
          const members = o.member;
          const initialValidators =
            o.validator ?? (await new CliqueRpc(o.rpc).signers()).map((a, i) => ({ address: a, label: `validator ${i + 1}`, enode: '' }));
          const period = o.votingPeriod;
          const { publicClient, walletClient } = await connectNode(o.rpc, key);
          if (o.coordinator !== undefined) await assertCoordinator(publicClient, o.coordinator);
          const deployed = await deployGovernance(publicClient, walletClient!, {
            members,
            validators: initialValidators,
            votingPeriodSeconds: period,
            ...(o.coordinator !== undefined ? { coordinator: o.coordinator } : {}),
          });
          print(
            o,
            { governance: deployed, members, validators: initialValidators },
            `governance deployed at ${deployed}\n${members.length} members, ${initialValidators.length} validators, voting period ${period} s` +
              (o.coordinator
                ? `\nnext: the coordinator's admitter hands its role to ${deployed}: transferAdmitter on a bilateral coordinator, or proposeAdmitter on a pool coordinator followed by derchain validators accept-admitter`
                : ''),
          );
        },
      ),
    );
}
