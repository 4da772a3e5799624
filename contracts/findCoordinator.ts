// Finds the coordinator contract of a round on a chain without any local record: every
// DerCoordinator announces a round with a RoundOpened event whose first topic is the event's
// signature and whose second is the round id, so eth_getLogs over all addresses (in block windows,
// contracts/logWindows.ts) lists the contracts that opened that round. Also checks that the code at an address is the code this
// checkout builds from contracts/DerCoordinator.sol (the public source the replay trusts). The same
// for the community market's PoolCoordinator (its RoundOpened has another signature).
import { getAbiItem, type Abi, type AbiEvent, type Address, type Chain, type PublicClient, type Transport } from 'viem';
import { compileCoordinator, compilePoolCoordinator } from './compileCoordinator.js';
import { poolCoordinatorAbi } from './poolCoordinatorAbi.js';
import { derCoordinatorAbi } from './derCoordinatorAbi.js';
import { logsInWindows, type LogWindowOptions } from './logWindows.js';
import { runtimeCodeMatches } from './solc.js';

export interface RoundOpening {
  address: Address;
  blockNumber: bigint;
}

/** Every contract that emitted RoundOpened(round, ...) from genesis to the head, oldest first. */
export async function findRoundOpenings(publicClient: PublicClient<Transport, Chain>, round: bigint, opts: LogWindowOptions = {}): Promise<RoundOpening[]> {
  const event = getAbiItem({ abi: derCoordinatorAbi as Abi, name: 'RoundOpened' }) as AbiEvent;
  const head = await publicClient.getBlockNumber({ cacheTime: 0 });
  const logs = await logsInWindows(0n, head, (fromBlock, toBlock) => publicClient.getLogs({ event, args: { round }, fromBlock, toBlock }), opts);
  const seen = new Map<Address, bigint>();
  for (const l of logs) if (!seen.has(l.address)) seen.set(l.address, l.blockNumber);
  return [...seen].map(([address, blockNumber]) => ({ address, blockNumber }));
}

/** True when the runtime code at `address` equals the coordinator compiled from this checkout. */
export async function codeMatchesSource(publicClient: PublicClient<Transport, Chain>, address: Address): Promise<boolean> {
  const code = await publicClient.getCode({ address });
  return code !== undefined && code.toLowerCase() === compileCoordinator().deployedBytecode.toLowerCase();
}

/** Every PoolCoordinator that emitted its RoundOpened(round, config) from genesis to the head, oldest first. */
export async function findPoolRoundOpenings(publicClient: PublicClient<Transport, Chain>, round: bigint, opts: LogWindowOptions = {}): Promise<RoundOpening[]> {
  const event = getAbiItem({ abi: poolCoordinatorAbi as Abi, name: 'RoundOpened' }) as AbiEvent;
  const head = await publicClient.getBlockNumber({ cacheTime: 0 });
  const logs = await logsInWindows(0n, head, (fromBlock, toBlock) => publicClient.getLogs({ event, args: { round }, fromBlock, toBlock }), opts);
  const seen = new Map<Address, bigint>();
  for (const l of logs) if (!seen.has(l.address)) seen.set(l.address, l.blockNumber);
  return [...seen].map(([address, blockNumber]) => ({ address, blockNumber }));
}

/** True when the runtime code at `address` equals the PoolCoordinator compiled from this checkout. */
export async function poolCodeMatchesSource(publicClient: PublicClient<Transport, Chain>, address: Address): Promise<boolean> {
  return runtimeCodeMatches(compilePoolCoordinator(), await publicClient.getCode({ address }));
}

/** 'pool' when the contract at `address` answers the pool's domainSeparator(), else 'bilateral'. */
export async function marketAt(publicClient: PublicClient<Transport, Chain>, address: Address): Promise<'pool' | 'bilateral'> {
  try {
    await publicClient.readContract({ address, abi: poolCoordinatorAbi, functionName: 'domainSeparator' });
    return 'pool';
  } catch {
    return 'bilateral';
  }
}
