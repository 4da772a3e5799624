// What the governance commands (`validators`, `releases`) share: the connection flags, argument
// parsers that refuse bad input with exit code 2 before anything is sent (EIP-55 checksums,
// control characters, strict ids), the check that --governance really holds the governance
// contract, and output that escapes chain text before it reaches a terminal.
import { InvalidArgumentError, type Command } from 'commander';
import type { Address } from 'viem';
import { DerchainInputError } from '../errors/inputError.js';
import { addressProblem, parseAddressInput } from '../governance/addressInput.js';
import { connectNode } from '../chain/rpc.js';
import { GovernanceClient } from '../governance/governanceClient.js';
import { GovernanceAddressError } from '../governance/governanceErrors.js';
import { loadMemberKey } from '../governance/memberKey.js';
import { escapeJsonForTerminal, MAX_ENODE_BYTES, MAX_LABEL_BYTES, textProblem } from '../governance/textRules.js';
import { addJsonOption, addKeyFileOption, addRpcOption } from './connectionOptions.js';
import { EXIT_BAD_INPUT } from './inputErrorExit.js';

export interface ConnectionOptions {
  rpc: string;
  governance?: Address;
  keyFile?: string;
  json?: boolean;
}

export const DEFAULT_RPC = process.env.DERCHAIN_RPC ?? 'http://127.0.0.1:8545';

/** A commander error that exits with code 2 (bad input). */
export function badArgument(message: string): InvalidArgumentError {
  const err = new InvalidArgumentError(message);
  err.exitCode = EXIT_BAD_INPUT;
  return err;
}

/** Parser for an address flag: EIP-55 checksum enforced on mixed-case input. */
export function addressArg(what: string) {
  return (value: string): Address => {
    const problem = addressProblem(value);
    if (problem !== undefined) throw badArgument(`${what} ${problem}`);
    return parseAddressInput(what, value);
  };
}

/** Parser for a proposal id: decimal digits only ("" and "1e3" are refused, not read as 0 or 1000). */
export function proposalIdArg(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw badArgument(`proposal id must be a non-negative whole number, got "${value}"`);
  return Number(value);
}

/** Parser for a label or name: printable, at most MAX_LABEL_BYTES bytes. */
export function labelArg(what: string, maxBytes = MAX_LABEL_BYTES) {
  return (value: string): string => {
    const problem = textProblem(what, value, maxBytes);
    if (problem !== undefined) throw badArgument(problem);
    return value;
  };
}

export const enodeTextArg = labelArg('--enode', MAX_ENODE_BYTES);

export function withConnection(cmd: Command, needsGovernance = true): Command {
  addRpcOption(cmd, { description: 'JSON-RPC of a node (loopback only; env DERCHAIN_RPC)', default: DEFAULT_RPC });
  if (needsGovernance) cmd.option('--governance <address>', 'governance contract address (env DERCHAIN_GOVERNANCE)', addressArg('--governance'));
  return addJsonOption(addKeyFileOption(cmd, { whose: "member's", env: 'DERCHAIN_MEMBER_KEY' }), 'JSON');
}

/**
 * The governance client for the command's flags, after checking that the address holds the
 * governance contract (an account or another contract is bad input: exit 2, nothing sent).
 */
export async function governanceOf(o: ConnectionOptions, needKey: boolean): Promise<GovernanceClient> {
  const fromEnv = process.env.DERCHAIN_GOVERNANCE;
  let address = o.governance;
  if (address === undefined && fromEnv !== undefined) {
    const problem = addressProblem(fromEnv);
    if (problem !== undefined) throw new DerchainInputError(`DERCHAIN_GOVERNANCE ${problem}`, { field: 'DERCHAIN_GOVERNANCE' });
    address = parseAddressInput('DERCHAIN_GOVERNANCE', fromEnv);
  }
  if (address === undefined) throw new DerchainInputError('--governance <address> (or DERCHAIN_GOVERNANCE) is required', { field: '--governance' });
  const key = needKey ? loadMemberKey(o.keyFile) : undefined;
  if (needKey && key === undefined) throw new Error('this action signs a transaction: pass --key-file <file> or set DERCHAIN_MEMBER_KEY');
  const { publicClient, walletClient } = await connectNode(o.rpc, key);
  const client = new GovernanceClient(publicClient, address, walletClient);
  try {
    await client.assertGovernance();
  } catch (err) {
    if (err instanceof GovernanceAddressError) throw new DerchainInputError(err.message, { field: o.governance ? '--governance' : 'DERCHAIN_GOVERNANCE' });
    throw err;
  }
  return client;
}

/** Prints JSON (with --json) or the text; chain text is escaped in both (tables escape their cells). */
export function print(o: { json?: boolean }, json: unknown, text: string): void {
  process.stdout.write(
    o.json ? `${escapeJsonForTerminal(JSON.stringify(json, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2))}\n` : `${text}\n`,
  );
}
