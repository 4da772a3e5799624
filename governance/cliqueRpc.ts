// The node's clique JSON-RPC namespace (geth 1.13 and Besu 26.2.0): the signer set, this node's
// pending votes, casting and discarding a vote, and the sealer of a block. The two clients differ:
// geth answers clique_propose/clique_discard with null, Besu with true; Besu has no
// clique_getSigner, so the sealer is recovered from the block's seal (cliqueSeal.ts) there.
import { getAddress, type Address, type Hash } from 'viem';
import { namespaceClient } from '../chain/rpc.js';
import { cliqueSealerOf, type SealedHeader } from './cliqueSeal.js';
import { isMethodUnavailable, type ValidatorVoteRpc } from './validatorVoteRpc.js';

type CliqueSchema = [
  { Method: 'clique_getSigners'; Parameters: [] | [string]; ReturnType: Address[] },
  { Method: 'clique_proposals'; Parameters: []; ReturnType: Record<string, boolean> },
  { Method: 'clique_propose'; Parameters: [Address, boolean]; ReturnType: null | boolean },
  { Method: 'clique_discard'; Parameters: [Address]; ReturnType: null | boolean },
  { Method: 'clique_getSigner'; Parameters: [string]; ReturnType: Address },
  { Method: 'eth_coinbase'; Parameters: []; ReturnType: Address },
  { Method: 'eth_getBlockByNumber'; Parameters: [string, false]; ReturnType: SealedHeader | null },
  { Method: 'eth_getBlockByHash'; Parameters: [string, false]; ReturnType: SealedHeader | null },
];

export class CliqueRpc implements ValidatorVoteRpc {
  readonly consensus = 'clique' as const;
  private readonly client;
  /** false once the node answered that it has no clique_getSigner (Besu) */
  private hasGetSigner = true;

  constructor(readonly rpcUrl: string) {
    this.client = namespaceClient<CliqueSchema>(rpcUrl);
  }

  /** Current signers (checksummed, in the node's order). */
  async signers(): Promise<Address[]> {
    const list = await this.client.request({ method: 'clique_getSigners', params: [] });
    return list.map((a) => getAddress(a));
  }

  /** This node's open votes: validator address -> true (add) / false (remove). */
  async proposals(): Promise<Map<Address, boolean>> {
    const raw = await this.client.request({ method: 'clique_proposals', params: [] });
    return new Map(Object.entries(raw).map(([a, auth]) => [getAddress(a), auth]));
  }

  async propose(validator: Address, authorize: boolean): Promise<void> {
    const ok = await this.client.request({ method: 'clique_propose', params: [validator, authorize] });
    if (ok === false) throw new Error(`clique_propose(${validator}, ${authorize}) refused by ${this.rpcUrl}`);
  }

  async discard(validator: Address): Promise<void> {
    const ok = await this.client.request({ method: 'clique_discard', params: [validator] });
    if (ok === false) throw new Error(`clique_discard(${validator}) refused by ${this.rpcUrl}`);
  }

  /** The account that sealed a block (number as bigint, or a block hash). */
  async sealerOf(block: bigint | Hash): Promise<Address> {
    const ref = typeof block === 'bigint' ? `0x${block.toString(16)}` : block;
    if (this.hasGetSigner) {
      try {
        return getAddress(await this.client.request({ method: 'clique_getSigner', params: [ref] }));
      } catch (err) {
        if (!isMethodUnavailable(err)) throw err;
        this.hasGetSigner = false;
      }
    }
    const header = (
      typeof block === 'bigint'
        ? await this.client.request({ method: 'eth_getBlockByNumber', params: [ref, false] })
        : await this.client.request({ method: 'eth_getBlockByHash', params: [ref, false] })
    ) as SealedHeader | null;
    if (header === null) throw new Error(`no block ${ref} on ${this.rpcUrl}`);
    return cliqueSealerOf(header);
  }

  /** The node's etherbase, i.e. its signer when it seals. */
  async coinbase(): Promise<Address> {
    return getAddress(await this.client.request({ method: 'eth_coinbase', params: [] }));
  }
}
