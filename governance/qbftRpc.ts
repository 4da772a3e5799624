// Besu's qbft JSON-RPC namespace for a QBFT network whose validators live in the block headers
// (validators from the genesis extraData, changed by validator votes): the validator set, this
// node's pending votes, casting and discarding a vote. In contract mode Besu refuses these votes:
// the governance contract itself is the validator set there, and no bridge runs.
import { getAddress, type Address } from 'viem';
import { namespaceClient } from '../chain/rpc.js';
import type { ValidatorVoteRpc } from './validatorVoteRpc.js';

type QbftSchema = [
  { Method: 'qbft_getValidatorsByBlockNumber'; Parameters: [string]; ReturnType: Address[] },
  { Method: 'qbft_getPendingVotes'; Parameters: []; ReturnType: Record<string, boolean> },
  { Method: 'qbft_proposeValidatorVote'; Parameters: [Address, boolean]; ReturnType: boolean },
  { Method: 'qbft_discardValidatorVote'; Parameters: [Address]; ReturnType: boolean },
  { Method: 'eth_coinbase'; Parameters: []; ReturnType: Address },
];

export class QbftRpc implements ValidatorVoteRpc {
  readonly consensus = 'qbft' as const;
  private readonly client;

  constructor(readonly rpcUrl: string) {
    this.client = namespaceClient<QbftSchema>(rpcUrl);
  }

  async signers(): Promise<Address[]> {
    const list = await this.client.request({ method: 'qbft_getValidatorsByBlockNumber', params: ['latest'] });
    return list.map((a) => getAddress(a));
  }

  async proposals(): Promise<Map<Address, boolean>> {
    const raw = await this.client.request({ method: 'qbft_getPendingVotes', params: [] });
    return new Map(Object.entries(raw).map(([a, auth]) => [getAddress(a), auth]));
  }

  async propose(validator: Address, authorize: boolean): Promise<void> {
    const ok = await this.client.request({ method: 'qbft_proposeValidatorVote', params: [validator, authorize] });
    if (ok !== true) throw new Error(`qbft_proposeValidatorVote(${validator}, ${authorize}) refused by ${this.rpcUrl}`);
  }

  async discard(validator: Address): Promise<void> {
    await this.client.request({ method: 'qbft_discardValidatorVote', params: [validator] });
  }

  async coinbase(): Promise<Address> {
    return getAddress(await this.client.request({ method: 'eth_coinbase', params: [] }));
  }
}
