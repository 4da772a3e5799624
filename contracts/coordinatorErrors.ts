// Turns a revert of the bilateral coordinator (viem's ContractFunctionRevertedError with the
// custom error's name and arguments) into one plain sentence an operator can act on, as
// governance/governanceErrors.ts does for the governance contract.
import { BaseError, ContractFunctionRevertedError } from 'viem';
import { DerchainError } from '../errors/base.js';

/** A coordinator call the contract refused; `errorName` is the Solidity custom error. */
export class CoordinatorRevertError extends DerchainError {
  override name = 'CoordinatorRevertError';
  readonly errorName: string;
  readonly args: readonly unknown[];

  constructor(errorName: string, args: readonly unknown[], message: string, cause: unknown) {
    super(message, { cause });
    this.errorName = errorName;
    this.args = args;
  }
}

const STATUS = ['none', 'open', 'converged', 'at its iteration cap', 'halted', 'cancelled'];

/** The sentence for a custom error of contracts/DerCoordinator.sol. */
export function coordinatorErrorSentence(errorName: string, args: readonly unknown[]): string {
  const a = (i: number): string => String(args[i]);
  switch (errorName) {
    case 'NotOperator':
      return `${a(0)} is not the coordinator's operator`;
    case 'NotAdmitter':
      return `${a(0)} does not hold the admitter role`;
    case 'NotProposed':
      return `${a(0)} was not proposed as the next operator`;
    case 'ZeroAddress':
      return 'the zero address cannot take a role or be admitted';
    case 'NotAdmitted':
      return `${a(0)} is not an admitted prosumer`;
    case 'AlreadyAdmitted':
      return `${a(0)} is already admitted`;
    case 'NotParticipant':
      return `${a(2)} is not participant ${a(1)} of round ${a(0)}`;
    case 'WrongRound':
      return `round ${a(0)} is not the current round (${a(1)})`;
    case 'WrongIteration':
      return `iteration ${a(0)} is not the one being collected (${a(1)})`;
    case 'AlreadySubmitted':
      return `participant ${a(2)} already has a row in iteration ${a(1)} of round ${a(0)}`;
    case 'ValueOutOfBounds':
      return `entry ${a(0)} of the row is ${a(1)}, beyond the round's bound ${a(2)} (1e-6 kW)`;
    case 'WrongLength':
      return `got ${a(0)} where ${a(1)} were expected`;
    case 'RoundClosed':
      return `round ${a(0)} is closed`;
    case 'RoundStillOpen':
      return `round ${a(0)} is still open (finish it, or cancel it with cancelRound)`;
    case 'DeadlineNotReached':
      return `the iteration's deadline is block ${a(1)}; the chain is at block ${a(0)}`;
    case 'ReusedRowMismatch':
      return `the row given for participant ${a(0)} is not its last submitted row`;
    case 'BadParticipantCount':
      return `a round needs 2 to ${a(1)} participants, got ${a(0)}`;
    case 'DuplicateParticipant':
      return `${a(0)} is listed twice`;
    case 'BadHorizon':
      return `the horizon must be 1 to ${a(1)} slots, got ${a(0)}`;
    case 'BadRho':
      return `rho must be 1 to ${a(1)} (1e-6 currency/kWh per kW), got ${a(0)}`;
    case 'BadTolerance':
      return `the tolerances ${a(0)}, ${a(1)} do not fit 64 bits`;
    case 'BadEpsRel':
      return `epsRel must be at most ${a(1)} ppm, got ${a(0)}`;
    case 'BadMaxIterations':
      return `maxIterations must be 1 to ${a(1)}, got ${a(0)}`;
    case 'BadDeadlineBlocks':
      return `deadlineBlocks must be 1 to 2^32-1, got ${a(0)}`;
    case 'BadMaxAbsTrade':
      return `maxAbsTrade must be 1 to ${a(1)} (1e-6 kW), got ${a(0)}`;
    case 'LambdaBoundExceeded':
      return `lambda could leave its 48-bit range: it may grow by ${a(0)} per iteration over ${a(1)} iteration(s); lower rho or maxAbsTrade`;
    case 'RoundLimitReached':
      return `this coordinator has opened its ${a(0)} rounds; deploy a new one`;
    case 'RoundTooBigForBlock':
      return `one row's transaction could need ${a(0)} gas, more than the block gas limit ${a(1)}: use fewer prosumers or a shorter horizon`;
    default:
      return `${errorName}(${args.map(String).join(', ')})`;
  }
}

/** Rethrows a coordinator revert as CoordinatorRevertError; other errors pass unchanged. */
export function explainCoordinatorError(err: unknown): unknown {
  if (!(err instanceof BaseError)) return err;
  const revert = err.walk((e) => e instanceof ContractFunctionRevertedError);
  if (revert instanceof ContractFunctionRevertedError) {
    const name = revert.data?.errorName;
    const args = revert.data?.args ?? [];
    if (name !== undefined) return new CoordinatorRevertError(name, args, `coordinator: ${coordinatorErrorSentence(name, args)} (${name})`, err);
    return new CoordinatorRevertError('Revert', [], `coordinator: reverted: ${revert.reason ?? revert.shortMessage}`, err);
  }
  return err;
}

/** A round status for messages. */
export function roundStatusName(status: number): string {
  return STATUS[status] ?? `status ${status}`;
}
