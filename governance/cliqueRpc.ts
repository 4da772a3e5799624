// The node's clique JSON-RPC namespace (geth; Besu has the same methods): the signer set, this
// node's pending votes, casting and discarding a vote, and the sealer of a block.
import { createPublicClient, getAddress, http, rpcSchema, type Address, type Hash } from 'viem';
import { assertLoopbackRpc } from '../contracts/rpcEndpoint.js';

type CliqueSchema = [
  { Method: 'clique_getSigners'; Parameters: [] | [string]; ReturnType: Address[] },
  { Method: 'clique_proposals'; Parameters: []; ReturnType: Record<string, boolean> },
  { Method: 'clique_propose'; Parameters: [Address, boolean]; ReturnType: null },
  { Method: 'clique_discard'; Parameters: [Address]; ReturnType: null },
  { Method: 'clique_getSigner'; Parameters: [string]; ReturnType: Address },
  { Method: 'eth_coinbase'; Parameters: []; ReturnType: Address },
];

export class CliqueRpc {
  private readonly client;

  constructor(readonly rpcUrl: string) {
    assertLoopbackRpc(rpcUrl);
    this.client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }), rpcSchema: rpcSchema<CliqueSchema>() });
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
    await this.client.request({ method: 'clique_propose', params: [validator, authorize] });
  }

  async discard(validator: Address): Promise<void> {
    await this.client.request({ method: 'clique_discard', params: [validator] });
  }

  /** The account that sealed a block (number as bigint, or a block hash). */
  async sealerOf(block: bigint | Hash): Promise<Address> {
    const ref = typeof block === 'bigint' ? `0x${block.toString(16)}` : block;
    return getAddress(await this.client.request({ method: 'clique_getSigner', params: [ref] }));
  }

  /** The node's etherbase, i.e. its signer when it seals. */
  async coinbase(): Promise<Address> {
    return getAddress(await this.client.request({ method: 'eth_coinbase', params: [] }));
  }
}
