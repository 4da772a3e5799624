// What the gateway relay needs from the pool coordinator, as an interface so the relay runs against
// the contract (gateway/contractPoolChain.ts, through contracts/submitPoolBatch.ts) or, in tests and
// radio-only demos, against `InMemoryPoolChain`: the integer specification admm/poolStep.ts behind
// the contract's checks (EIP-712 signature of the listed participant, prevRow equal to the last
// row, one row per participant per iteration, close when all N submitted or at the deadline).
import { getAddress, isAddressEqual, type Address, type Hex } from 'viem';
import { decodeRow, recoverPoolRowSigner, type PoolDomainRef } from '../contracts/poolRow.js';
import { accumulateSubmission, closeIteration, openRound, type PoolClearing, type PoolConfig, type PoolRoundState, type PoolStatus } from '../admm/poolStep.js';

/** A signed row as the contract's submitBatch takes it (contracts/poolRow.ts SignedPoolRow). */
export interface RelayedRow {
  participant: Address;
  row: Hex;
  slice: Hex;
  /** the participant's last row in the round ('0x' before its first) */
  prevRow: Hex;
  signature: Hex;
}

export interface BatchOutcome {
  /** participant indices whose rows were counted */
  accepted: number[];
  rejected: { participant: Address; reason: string }[];
  /** gas the relay paid (0 in memory) */
  gasUsed: bigint;
}

export interface PoolRoundInfo {
  config: PoolConfig;
  participants: readonly Address[];
}

export interface PoolProgress {
  /** closed iterations */
  iteration: number;
  status: PoolStatus | 'cancelled';
}

export interface PoolChainPort {
  readonly domain: PoolDomainRef;
  currentRound(): Promise<bigint>;
  roundInfo(round: bigint): Promise<PoolRoundInfo>;
  progress(round: bigint): Promise<PoolProgress>;
  /** the clearing iteration k published (0: the opening prices, sbar zero) */
  clearing(round: bigint, iteration: number): Promise<PoolClearing>;
  /** the last iteration in which participant i's row was counted (0: none) */
  lastCounted(round: bigint, participant: number): Promise<number>;
  /** one relay batch for the open iteration `iteration` (= closed + 1) */
  submitBatch(round: bigint, iteration: number, rows: RelayedRow[]): Promise<BatchOutcome>;
  /** the deadline path: close `iteration` with the rows it has (missing ones carry over) */
  closeAtDeadline(round: bigint, iteration: number): Promise<void>;
}

/** The contract's arithmetic and intake checks in memory (tests and radio-only demos). */
export class InMemoryPoolChain implements PoolChainPort {
  readonly domain: PoolDomainRef;
  private readonly state: PoolRoundState;
  private readonly clearings: PoolClearing[] = [];
  private readonly counted: number[];
  private readonly participants: Address[];
  private hadRow: boolean[];
  /** every batch it was handed, for tests (rows the relay sent twice show up here) */
  readonly batches: { iteration: number; participants: Address[] }[] = [];

  constructor(
    readonly round: bigint,
    readonly config: PoolConfig,
    participants: readonly Address[],
    initialPrices: BigInt64Array,
    domain: PoolDomainRef = { chainId: 31337, contract: '0x00000000000000000000000000000000000d3c01' },
  ) {
    if (participants.length !== config.n) throw new RangeError(`${participants.length} participants for n = ${config.n}`);
    this.domain = domain;
    this.participants = participants.map((a) => getAddress(a));
    this.state = openRound(config, initialPrices);
    this.counted = new Array(config.n).fill(0);
    this.hadRow = new Array(config.n).fill(false);
    this.clearings.push({
      iteration: 0,
      prices: BigInt64Array.from(this.state.prices),
      sbar: new BigInt64Array(config.t),
      maxAbs: 0n,
      dualNum: 0n,
      primalOk: false,
      dualOk: false,
      converged: false,
      status: 'running',
    });
  }

  async currentRound(): Promise<bigint> {
    return this.round;
  }
  async roundInfo(round: bigint): Promise<PoolRoundInfo> {
    this.check(round);
    return { config: this.config, participants: this.participants };
  }
  async progress(round: bigint): Promise<PoolProgress> {
    this.check(round);
    return { iteration: this.state.iteration, status: this.state.status };
  }
  async clearing(round: bigint, iteration: number): Promise<PoolClearing> {
    this.check(round);
    const c = this.clearings[iteration];
    if (c === undefined) throw new RangeError(`iteration ${iteration} is not closed`);
    return c;
  }
  async lastCounted(round: bigint, participant: number): Promise<number> {
    this.check(round);
    return this.counted[participant] ?? 0;
  }

  async submitBatch(round: bigint, iteration: number, rows: RelayedRow[]): Promise<BatchOutcome> {
    this.check(round);
    if (this.state.status !== 'running') throw new Error(`round ${round} is not open`);
    if (iteration !== this.state.iteration + 1) throw new Error(`wrong iteration ${iteration}, open is ${this.state.iteration + 1}`);
    this.batches.push({ iteration, participants: rows.map((r) => r.participant) });
    const out: BatchOutcome = { accepted: [], rejected: [], gasUsed: 0n };
    for (const r of rows) {
      const reason = await this.accept(round, iteration, r);
      if (reason === undefined) out.accepted.push(this.participants.findIndex((a) => isAddressEqual(a, r.participant)));
      else out.rejected.push({ participant: r.participant, reason });
    }
    if (this.state.submitted.every((s) => s === 1)) this.close();
    return out;
  }

  async closeAtDeadline(round: bigint, iteration: number): Promise<void> {
    this.check(round);
    if (iteration !== this.state.iteration + 1 || this.state.status !== 'running') return;
    this.close();
  }

  private close(): void {
    this.clearings.push(closeIteration(this.config, this.state));
  }

  private async accept(round: bigint, iteration: number, r: RelayedRow): Promise<string | undefined> {
    const i = this.participants.findIndex((a) => isAddressEqual(a, r.participant));
    if (i < 0) return 'not a participant';
    let signer: Address;
    try {
      signer = await recoverPoolRowSigner(this.domain, { round, iteration, participant: r.participant, row: r.row, slice: r.slice }, r.signature);
    } catch {
      return 'signature';
    }
    if (!isAddressEqual(signer, r.participant)) return 'signature';
    if (this.state.submitted[i]) return 'already submitted';
    if (r.slice !== '0x') return 'wrong length';
    const row = decodeRow(r.row);
    if (row.length !== this.config.t) return 'wrong length';
    if (this.hadRow[i] ? r.prevRow === '0x' : r.prevRow !== '0x') return 'prevRow';
    try {
      accumulateSubmission(this.config, this.state, i, row, r.prevRow === '0x' ? null : decodeRow(r.prevRow));
    } catch {
      return 'prevRow';
    }
    this.hadRow[i] = true;
    this.counted[i] = iteration;
    return undefined;
  }

  private check(round: bigint): void {
    if (round !== this.round) throw new RangeError(`no round ${round} (this chain holds round ${this.round})`);
  }
}
