// Turns a revert of the governance contract (viem's ContractFunctionRevertedError with the custom
// error's name and arguments) into one plain sentence a member can act on.
import { BaseError, ContractFunctionRevertedError, parseAbi } from 'viem';
import { statusName } from './proposalKinds.js';

/** The coordinator's admission errors, which bubble up through a governance execution. */
export const coordinatorAdmissionErrors = parseAbi([
  'error AlreadyAdmitted(address account)',
  'error NotAdmitted(address account)',
  'error NotAdmitter(address caller)',
]);

/** A governance call the contract refused; `errorName` is the Solidity custom error. */
export class GovernanceRevertError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'GovernanceRevertError';
  }
}

/** The address given as the governance contract does not hold it (checked before anything is sent). */
export class GovernanceAddressError extends Error {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(`governance: ${address}: ${reason}`);
    this.name = 'GovernanceAddressError';
  }
}

function sentence(errorName: string, args: readonly unknown[]): string {
  const a = (i: number): string => String(args[i]);
  switch (errorName) {
    case 'NotMember':
      return `${a(0)} is not a member of the consortium`;
    case 'UnknownProposal':
      return `there is no proposal #${a(0)} on this node (one made moments ago through another node appears once this node imports its block)`;
    case 'ProposalNotOpen':
      return `proposal #${a(0)} is not open (it is ${statusName(Number(args[1]))})`;
    case 'ProposalHasExpired':
      return `proposal #${a(0)} expired at ${new Date(Number(args[1]) * 1000).toISOString()}`;
    case 'ProposalNotExpired':
      return `proposal #${a(0)} is open until ${new Date(Number(args[1]) * 1000).toISOString()}`;
    case 'AlreadyVoted':
      return `${a(1)} has already voted on proposal #${a(0)}`;
    case 'NoMajority':
      return `proposal #${a(0)} has ${a(1)} yes votes; ${a(2)} are needed`;
    case 'ZeroAddress':
      return 'the zero address cannot be a member, validator or prosumer';
    case 'AlreadyMember':
      return `${a(0)} is already a member`;
    case 'AlreadyValidator':
      return `${a(0)} is already a validator`;
    case 'NotValidator':
      return `${a(0)} is not a validator`;
    case 'LastMember':
      return 'the last member cannot be removed';
    case 'LastValidator':
      return 'the last validator cannot be removed';
    case 'NoCoordinator':
      return 'this governance contract administers no coordinator';
    case 'AlreadyAdmitted':
      return `coordinator: ${a(0)} is already admitted`;
    case 'NotAdmitted':
      return `coordinator: ${a(0)} is not admitted`;
    case 'NotAdmitter':
      return `coordinator: ${a(0)} does not hold the admitter role (hand it to the governance contract: transferAdmitter on a bilateral coordinator; proposeAdmitter on a pool coordinator, then derchain validators accept-admitter)`;
    case 'BadGenesis':
      return `bad initial state: ${a(0)}`;
    case 'VotingPeriodOutOfRange':
      return `the voting period ${a(0)} s is outside [${a(1)}, ${a(2)}] seconds`;
    case 'SubjectHasOpenProposal':
      return `proposal #${a(0)} on the same subject is still open; vote on it, or wait until it is decided or expires`;
    case 'ReleaseKindNeedsHash':
      return 'release proposals carry an artifact sha256: use derchain releases';
    case 'ZeroReleaseHash':
      return 'the zero hash is not the sha256 of an artifact';
    case 'ReleaseAlreadyApproved':
      return `release ${a(0)} is already approved`;
    case 'ReleaseNotApproved':
      return `release ${a(0)} is not approved`;
    case 'TextTooLong':
      return `a label, name or enode of ${a(0)} bytes is too long (at most ${a(1)})`;
    case 'ControlCharacter':
      return `a label, name or enode holds a control character at byte ${a(0)}`;
    case 'NotACoordinator':
      return `${a(0)} is not a coordinator contract (it does not answer admitted(address))`;
    case 'AlreadyCoordinator':
      return `${a(0)} is already the coordinator`;
    case 'ProsumerAlreadyAdmitted':
      return `${a(0)} is already admitted in the coordinator`;
    case 'ProsumerNotAdmitted':
      return `${a(0)} is not admitted in the coordinator`;
    case 'NoAdmitterHandover':
      return `the coordinator ${a(0)} has not proposed this governance contract as its admitter (its admitter calls proposeAdmitter(governance) first)`;
    case 'CoordinatorDidNotAct':
      return `the coordinator ${a(0)} did not report ${a(1)} admitted/removed after the call (not a derchain coordinator?)`;
    default:
      return `${errorName}(${args.map(String).join(', ')})`;
  }
}

/** Rethrows a contract revert as GovernanceRevertError; other errors pass unchanged. */
export function explainGovernanceError(err: unknown): unknown {
  if (!(err instanceof BaseError)) return err;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (revert instanceof ContractFunctionRevertedError) {
    const name = revert.data?.errorName;
    if (name !== undefined) {
      return new GovernanceRevertError(name, `governance: ${sentence(name, revert.data?.args ?? [])} (${name})`);
    }
    return new GovernanceRevertError('Revert', `governance: reverted: ${revert.reason ?? revert.shortMessage}`);
  }
  return err;
}
