// `derchain validators list|status|propose-add|propose-remove|propose|vote|execute|expire|deploy`:
// the consortium members' side of validator governance. Reads need --rpc and --governance; actions
// sign with the member's key (--key-file, or DERCHAIN_MEMBER_KEY). Tables on stdout, --json for
// machines. Clique votes themselves are cast by `derchain validator-bridge` beside each validator.
import type { Command } from 'commander';
import { getAddress, isAddress, type Address } from 'viem';
import { connectNode } from '../../governance/chainClients.js';
import { CliqueRpc } from '../../governance/cliqueRpc.js';
import { changesTable, membersTable, proposalsTable, signersTable } from '../../governance/consortiumTables.js';
import { readConsortiumView, type ConsortiumView } from '../../governance/consortiumView.js';
import { deployGovernance, type InitialMember, type InitialValidator } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { loadMemberKey } from '../../governance/memberKey.js';
import { PROPOSAL_KINDS, isProposalKind, type ProposalKind } from '../../governance/proposalKinds.js';

interface ConnectionOptions {
  rpc: string;
  governance?: string;
  keyFile?: string;
  json?: boolean;
}

const DEFAULT_RPC = process.env.DERCHAIN_RPC ?? 'http://127.0.0.1:8545';

function address(what: string) {
  return (value: string): Address => {
    if (!isAddress(value, { strict: false })) throw new Error(`${what} must be an address (0x + 40 hex digits), got "${value}"`);
    return getAddress(value);
  };
}

function proposalId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`proposal id must be a non-negative integer, got "${value}"`);
  return n;
}

function withConnection(cmd: Command, needsGovernance = true): Command {
  cmd.option('--rpc <url>', 'JSON-RPC of a node (loopback only; env DERCHAIN_RPC)', DEFAULT_RPC);
  if (needsGovernance) cmd.option('--governance <address>', 'governance contract address (env DERCHAIN_GOVERNANCE)');
  return cmd.option('--key-file <file>', "member's private key file, chmod 600 (env DERCHAIN_MEMBER_KEY)").option('--json', 'print JSON');
}

async function governanceOf(o: ConnectionOptions, needKey: boolean): Promise<GovernanceClient> {
  const raw = o.governance ?? process.env.DERCHAIN_GOVERNANCE;
  if (raw === undefined) throw new Error('--governance <address> (or DERCHAIN_GOVERNANCE) is required');
  const key = needKey ? loadMemberKey(o.keyFile) : undefined;
  if (needKey && key === undefined) throw new Error('this action signs a transaction: pass --key-file <file> or set DERCHAIN_MEMBER_KEY');
  const { publicClient, walletClient } = await connectNode(o.rpc, key);
  return new GovernanceClient(publicClient, address('--governance')(raw), walletClient);
}

function print(o: { json?: boolean }, json: unknown, text: string): void {
  process.stdout.write(o.json ? `${JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n` : `${text}\n`);
}

function viewJson(view: ConsortiumView) {
  return { ...view, nodeVotes: view.nodeVotes ? Object.fromEntries(view.nodeVotes) : undefined };
}

async function submitProposal(o: ConnectionOptions, kind: ProposalKind, subject: Address, details: { enode?: string; label?: string }): Promise<void> {
  const g = await governanceOf(o, true);
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
    .action(async (o: ConnectionOptions) => {
      const view = await readConsortiumView(await governanceOf(o, false), o.rpc);
      const open = view.proposals.filter((p) => p.status === 'open');
      print(
        o,
        { members: view.members, majority: view.majority, openProposals: open, signers: view.signers, validators: view.validators },
        [
          `Members (${view.members.length}; ${view.majority} yes votes decide)`,
          membersTable(view),
          `Open proposals (${open.length})`,
          open.length === 0 ? '(none)' : proposalsTable(open, view.majority),
          view.signers === undefined ? 'Signer set: the node exposes neither the clique nor the qbft API' : `Signer set (${view.signers.length}, from ${view.signerSource})`,
          signersTable(view),
        ].join('\n'),
      );
    });

  withConnection(validators.command('status'))
    .option('--proposal <id>', 'show one proposal', proposalId)
    .description('Every proposal, the decided validator changes and whether each is in force, and this node\'s clique votes')
    .action(async (o: ConnectionOptions & { proposal?: number }) => {
      const g = await governanceOf(o, false);
      if (o.proposal !== undefined) {
        const p = await g.proposal(o.proposal);
        print(o, p, proposalsTable([p], await g.majority()));
        return;
      }
      const view = await readConsortiumView(g, o.rpc);
      print(
        o,
        viewJson(view),
        [
          `Proposals (${view.proposals.length})`,
          proposalsTable(view.proposals, view.majority),
          'Decided validator changes',
          changesTable(view),
          `Signer set (${view.signers?.length ?? '?'})`,
          signersTable(view),
        ].join('\n'),
      );
    });

  withConnection(validators.command('propose-add'))
    .requiredOption('--signer <address>', "the new validator's signer address", address('--signer'))
    .option('--enode <url>', "the new validator's enode URL", '')
    .option('--label <text>', 'a readable name for the validator', '')
    .description('Propose adding a validator (counts your yes vote)')
    .action(async (o: ConnectionOptions & { signer: Address; enode: string; label: string }) => {
      await submitProposal(o, 'add-validator', o.signer, { enode: o.enode, label: o.label });
    });

  withConnection(validators.command('propose-remove'))
    .requiredOption('--signer <address>', "the validator's signer address", address('--signer'))
    .description('Propose removing a validator (counts your yes vote)')
    .action(async (o: ConnectionOptions & { signer: Address }) => {
      await submitProposal(o, 'remove-validator', o.signer, {});
    });

  withConnection(validators.command('propose'))
    .requiredOption('--kind <kind>', `one of ${PROPOSAL_KINDS.join(', ')}`)
    .requiredOption('--subject <address>', 'validator, member, prosumer or coordinator address', address('--subject'))
    .option('--label <text>', "validator label, or the new member's organisation name", '')
    .option('--enode <url>', 'validator enode URL', '')
    .description('Propose any change: members, prosumer admission in the coordinator, validators')
    .action(async (o: ConnectionOptions & { kind: string; subject: Address; label: string; enode: string }) => {
      if (!isProposalKind(o.kind)) throw new Error(`--kind must be one of ${PROPOSAL_KINDS.join(', ')}, got "${o.kind}"`);
      await submitProposal(o, o.kind, o.subject, { enode: o.enode, label: o.label });
    });

  withConnection(validators.command('vote'))
    .argument('<id>', 'proposal id', proposalId)
    .option('--against', 'vote no (default: yes)')
    .description('Vote on an open proposal; the deciding vote executes it')
    .action(async (id: number, o: ConnectionOptions & { against?: boolean }) => {
      const g = await governanceOf(o, true);
      const support = o.against !== true;
      const result = await g.vote(id, support);
      print(o, { id, support, ...result }, `voted ${support ? 'yes' : 'no'} on proposal #${id}: now ${result.status}\ntx ${result.hash}`);
    });

  withConnection(validators.command('execute'))
    .argument('<id>', 'proposal id', proposalId)
    .description('Execute an open proposal that has a majority (after a member removal lowered it)')
    .action(async (id: number, o: ConnectionOptions) => {
      const hash = await (await governanceOf(o, true)).execute(id);
      print(o, { id, hash }, `proposal #${id} executed\ntx ${hash}`);
    });

  withConnection(validators.command('expire'))
    .argument('<id>', 'proposal id', proposalId)
    .description('Record that an open proposal passed its deadline')
    .action(async (id: number, o: ConnectionOptions) => {
      const hash = await (await governanceOf(o, true)).expire(id);
      print(o, { id, hash }, `proposal #${id} marked expired\ntx ${hash}`);
    });

  withConnection(validators.command('deploy'), false)
    .requiredOption('--member <address=name...>', 'initial member account and organisation name (repeat)')
    .option('--validator <address[=label[@enode]]...>', 'initial validator (repeat; default: the node\'s current clique signers)')
    .option('--voting-period <seconds>', 'how long a proposal stays open', '604800')
    .option('--coordinator <address>', 'coordinator contract whose admitter role governance will hold', address('--coordinator'))
    .description('Deploy the governance contract (then transfer the coordinator\'s admitter role to it)')
    .action(async (o: ConnectionOptions & { member: string[]; validator?: string[]; votingPeriod: string; coordinator?: Address }) => {
      const key = loadMemberKey(o.keyFile);
      if (key === undefined) throw new Error('deploy signs a transaction: pass --key-file <file> or set DERCHAIN_MEMBER_KEY');
      const members: InitialMember[] = o.member.map((m) => {
        const [a, ...name] = m.split('=');
        return { address: address('--member')(a ?? ''), name: name.join('=') };
      });
      let initialValidators: InitialValidator[];
      if (o.validator !== undefined) {
        initialValidators = o.validator.map((v) => {
          const [a, rest = ''] = v.split(/=(.*)/s);
          const at = rest.indexOf('@');
          return { address: address('--validator')(a ?? ''), label: at < 0 ? rest : rest.slice(0, at), enode: at < 0 ? '' : rest.slice(at + 1) };
        });
      } else {
        initialValidators = (await new CliqueRpc(o.rpc).signers()).map((a, i) => ({ address: a, label: `validator ${i + 1}`, enode: '' }));
      }
      const period = Number(o.votingPeriod);
      if (!Number.isInteger(period) || period <= 0) throw new Error(`--voting-period must be a positive integer, got "${o.votingPeriod}"`);
      const { publicClient, walletClient } = await connectNode(o.rpc, key);
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
          (o.coordinator ? `\nnext: the coordinator's admitter calls transferAdmitter(${deployed}) on ${o.coordinator}` : ''),
      );
    });
}
