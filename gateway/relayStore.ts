// The relay's durable state, one JSON file replaced atomically (write to a temporary file, fsync,
// rename) after every change that matters: which device speaks for which prosumer (joins), the rows
// received for the open iteration and whether they were handed to the chain, the last row the
// coordinator holds per participant (the next submission's prevRow), and the last clearing
// broadcast. A relay killed at any point restarts from it without losing or repeating a row.
// It holds no key: rows are signed by the meters, the relay account's key lives in its keystore.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { Address, Hex } from 'viem';

export interface StoredRow {
  devEui: string;
  row: Hex;
  signature: Hex;
  /** handed to the chain in a batch whose outcome is not known yet */
  inflight: boolean;
}

export interface RelayState {
  version: 1;
  round: string | null;
  /** devEui -> prosumer address, from verified joins */
  bindings: Record<string, Address>;
  /** devEui -> timestamp of the last join accepted (older proofs are replays) */
  joins: Record<string, number>;
  /** participant index -> the last row the coordinator counted ('0x' none) */
  lastRows: Record<string, Hex>;
  /** the open iteration (closed + 1) these pending rows are for */
  openIteration: number;
  pending: Record<string, StoredRow>;
  /** participants whose row of the open iteration was counted */
  accepted: number[];
  /** the last clearing iteration broadcast (-1 none) */
  broadcast: number;
  /** the accepted bitmap of each clearing broadcast, for resends */
  acceptedByIteration: Record<string, number[]>;
}

export const emptyRelayState = (): RelayState => ({
  version: 1,
  round: null,
  bindings: {},
  joins: {},
  lastRows: {},
  openIteration: 1,
  pending: {},
  accepted: [],
  broadcast: -1,
  acceptedByIteration: {},
});

export class RelayStore {
  state: RelayState;
  writes = 0;
  constructor(readonly path: string | undefined) {
    this.state = path !== undefined && existsSync(path) ? RelayStore.read(path) : emptyRelayState();
  }

  private static read(path: string): RelayState {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`relay state ${path} is not readable JSON (${e instanceof Error ? e.message : String(e)}); move it away to start afresh`);
    }
    const s = parsed as RelayState;
    if (s?.version !== 1) throw new Error(`relay state ${path}: unknown version`);
    return s;
  }

  save(): void {
    this.writes++;
    if (this.path === undefined) return;
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(this.state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
