// What the validator bridge needs from a validator's node, for both vote-based engines: Clique
// (clique_* on geth 1.13 and Besu 26.2.0) and QBFT with validators in the block headers
// (qbft_* on Besu). `validatorVoteRpcFor` asks the node which one it speaks.
import type { Address } from 'viem';
import { JsonRpcError } from '../chain/rpc.js';

export interface ValidatorVoteRpc {
  readonly consensus: 'clique' | 'qbft';
  readonly rpcUrl: string;
  /** the validator set in force at the head (checksummed) */
  signers(): Promise<Address[]>;
  /** this node's open votes: validator -> true (add) / false (remove) */
  proposals(): Promise<Map<Address, boolean>>;
  propose(validator: Address, authorize: boolean): Promise<void>;
  discard(validator: Address): Promise<void>;
  /** the node's own signing address */
  coinbase(): Promise<Address>;
}

/**
 * True when the node does not offer a method: JSON-RPC "method not found" (-32601, geth and Besu)
 * or Besu's "method not enabled" (-32604, the API is not in rpc-http-api).
 */
export function isMethodUnavailable(err: unknown): boolean {
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === -32601 || code === -32604) return true;
    if (e instanceof JsonRpcError && (e.code === -32601 || e.code === -32604)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /method not (found|enabled)|does not exist\/is not available/i.test(message)) return true;
  }
  return false;
}
