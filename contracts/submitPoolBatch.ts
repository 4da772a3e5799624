// The relay's action: hand many prosumers' signed rows to the pool coordinator in gateway-sized
// submitBatch transactions (default 10 rows each). The transactions are sent back to back with
// consecutive nonces and explicit gas limits (so a later batch is not estimated before an earlier
// one is mined), then their receipts are read: the last one is awaited and the earlier ones (lower
// nonces of the same sender, so already mined) are fetched in parallel, one wait per call instead
// of one per transaction; rows the contract skipped come back with the reason of their RowRejected
// event. A relay can delay or drop rows, never alter them: the contract checks
// every signature. Used by the pilot's in-process relay and by the radio gateway.
import { BaseError, NonceTooLowError, parseEventLogs, type Address, type Hex } from 'viem';
import type { PoolCoordinatorClient } from './poolCoordinatorClient.js';
import type { SignedPoolRow } from './poolRow.js';

export interface SubmitPoolBatchParameters {
  /** a client with a wallet (the relay's own funded account) */
  client: PoolCoordinatorClient;
  round: bigint;
  iteration: number;
  rows: SignedPoolRow[];
  /** rows per transaction (default 10, a gateway's uplink batch) */
  batchSize?: number;
  /** slots T of the round (sets the gas limit; default from the first row's length) */
  horizon?: number;
}

export interface PoolBatchTransaction {
  hash: Hex;
  size: number;
  gasUsed: bigint;
  status: 'success' | 'reverted';
}

export interface SubmitPoolBatchReturnType {
  transactions: PoolBatchTransaction[];
  accepted: number;
  rejected: { participant: Address; reason: number }[];
  gasUsed: bigint;
}

/** Gas limit of a batch of `size` rows of T slots, including the close of the iteration it may complete. */
export function poolBatchGasLimit(size: number, horizon: number): bigint {
  return BigInt(120_000 + size * (90_000 + 800 * horizon) + 200_000 + 12_000 * horizon);
}

export async function submitPoolBatch(p: SubmitPoolBatchParameters): Promise<SubmitPoolBatchReturnType> {
  const { client, round, iteration, rows } = p;
  const wallet = client.walletClient;
  if (!wallet) throw new Error('submitPoolBatch needs a client with a wallet (the relay account)');
  const size = p.batchSize ?? 10;
  if (!Number.isInteger(size) || size < 1) throw new Error(`batch size must be a whole number >= 1 (got ${size})`);
  const horizon = p.horizon ?? (rows[0] ? (rows[0].row.length - 2) / 4 : 1);
  const groups: SignedPoolRow[][] = [];
  for (let k = 0; k < rows.length; k += size) groups.push(rows.slice(k, k + size));
  const pc = client.publicClient;
  const pendingNonce = () => pc.getTransactionCount({ address: wallet.account.address, blockTag: 'pending' });
  let nonce = await pendingNonce();
  const sent: { hash: Hex; size: number }[] = [];
  for (const g of groups) {
    // a node that has just followed a reorg (a validator lost and back) can count the relay's
    // pending nonce low; the one it refuses is read again, a few times
    for (let attempt = 1; ; attempt++) {
      try {
        const hash = await wallet.writeContract({
          address: client.address,
          abi: client.abi,
          functionName: 'submitBatch',
          args: [round, iteration, g],
          nonce,
          gas: poolBatchGasLimit(g.length, horizon),
        } as never);
        sent.push({ hash, size: g.length });
        nonce++;
        break;
      } catch (e) {
        if (attempt >= 5 || !(e instanceof BaseError) || !(e.walk((x) => x instanceof NonceTooLowError) instanceof NonceTooLowError)) throw e;
        await new Promise((r) => setTimeout(r, 500 * attempt));
        nonce = Math.max(nonce + 1, await pendingNonce());
      }
    }
  }
  const out: SubmitPoolBatchReturnType = { transactions: [], accepted: 0, rejected: [], gasUsed: 0n };
  const last = sent.length ? await pc.waitForTransactionReceipt({ hash: sent.at(-1)!.hash }) : null;
  const receipts = await Promise.all(sent.slice(0, -1).map((s) => pc.getTransactionReceipt({ hash: s.hash })));
  if (last) receipts.push(last);
  for (const [k, s] of sent.entries()) {
    const receipt = receipts[k]!;
    out.transactions.push({ hash: s.hash, size: s.size, gasUsed: receipt.gasUsed, status: receipt.status });
    out.gasUsed += receipt.gasUsed;
    if (receipt.status !== 'success') continue; // e.g. the iteration was closed at the deadline first
    const rejected = parseEventLogs({ abi: client.abi, eventName: 'RowRejected', logs: receipt.logs }).map((l) => ({
      participant: l.args.participant,
      reason: Number(l.args.reason),
    }));
    out.rejected.push(...rejected);
    out.accepted += s.size - rejected.length;
  }
  return out;
}
