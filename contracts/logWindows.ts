// Reads event logs in block windows. Nodes cap the block range of one eth_getLogs: Besu's
// --rpc-max-logs-range defaults to 5000 blocks (1000 before 23.1.2), and a consortium chain with
// 2 s blocks passes 5000 blocks in under three hours, so every log query in derchain walks the
// range in windows of at most LOG_WINDOW_BLOCKS.
export const LOG_WINDOW_BLOCKS = 5000n;

export interface LogWindowOptions {
  /** largest block range of one query (default LOG_WINDOW_BLOCKS) */
  window?: bigint;
  /** called after each window with the last block read and the range's last block (progress) */
  onProgress?: (readTo: bigint, toBlock: bigint) => void;
}

/** The inclusive block ranges [from, to] that cover fromBlock..toBlock, oldest first. */
export function blockWindows(fromBlock: bigint, toBlock: bigint, window: bigint = LOG_WINDOW_BLOCKS): [bigint, bigint][] {
  if (window < 1n) throw new Error(`log window must be at least 1 block (got ${window})`);
  const out: [bigint, bigint][] = [];
  for (let from = fromBlock; from <= toBlock; from += window) {
    const to = from + window - 1n;
    out.push([from, to < toBlock ? to : toBlock]);
  }
  return out;
}

/** Runs `query` over every window of fromBlock..toBlock in order and concatenates the results. */
export async function logsInWindows<T>(
  fromBlock: bigint,
  toBlock: bigint,
  query: (from: bigint, to: bigint) => Promise<readonly T[]>,
  opts: LogWindowOptions = {},
): Promise<T[]> {
  const all: T[] = [];
  for (const [from, to] of blockWindows(fromBlock, toBlock, opts.window)) {
    all.push(...(await query(from, to)));
    opts.onProgress?.(to, toBlock);
  }
  return all;
}
