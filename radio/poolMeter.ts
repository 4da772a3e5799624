// The meter's side of the pool market over a radio transport (LoRaWAN or CoAP): it takes the
// clearings in order, keeps the agent state the coordinator keeps for it (admm/poolAgentStep.ts,
// with the clearing's accepted bitmap telling whether its row was counted or carried over), solves
// its local problem, signs the row with its own key (EIP-712, contracts/poolRow.ts) and hands the
// ROW message bytes to its transport. The key never leaves this object's account.
import type { LocalAccount } from 'viem';
import { applyPoolClearing, initialPoolAgentState, poolAgentRow, recordSubmission, type PoolAgentParams, type PoolAgentState } from '../admm/poolAgentStep.js';
import { encodeRow, signPoolRow, type PoolDomainRef } from '../contracts/poolRow.js';
import { encodeHeartbeatMessage, encodeRowMessage, HEALTH, type ClearingMessage, type MissingMessage } from './frames.js';

/** the agent version a heartbeat reports */
export const AGENT_VERSION: [number, number, number] = [0, 1, 0];

export type MeterPhase = 'waiting' | 'submitted' | 'done' | 'out-of-sync';

export interface PoolMeterOptions {
  account: LocalAccount;
  domain: PoolDomainRef;
  round: bigint;
  /** index of this prosumer in the round's participant list */
  participant: number;
  /** the agent's data and the round's parameters (n, rho, resolution, alphaPpm as the round has them) */
  params: PoolAgentParams;
}

export class PoolMeter {
  readonly o: PoolMeterOptions;
  private state: PoolAgentState;
  /** the clearing iteration applied last (-1: none, not even the opening prices) */
  private applied = -1;
  private pending: { iteration: number; row: Int16Array; bytes: Uint8Array } | undefined;
  private behind: Uint8Array | undefined;
  phase: MeterPhase = 'waiting';
  submissions = 0;
  lastClearing: ClearingMessage | undefined;

  constructor(o: PoolMeterOptions) {
    this.o = o;
    this.state = initialPoolAgentState(o.params.prosumer.series.load.length);
  }

  /** The iteration the meter expects a clearing for next. */
  get nextClearing(): number {
    return this.applied + 1;
  }

  /** The ROW message still waiting for its clearing (what a retry sends again). */
  get pendingMessage(): Uint8Array | undefined {
    if (this.phase === 'out-of-sync') return this.behind;
    return this.phase === 'submitted' ? this.pending?.bytes : undefined;
  }

  /**
   * Takes a MISSING broadcast: the ROW to send again when it names this meter for the iteration
   * its pending row answers, else undefined (its row arrived, or the message is for another round
   * or iteration).
   */
  onMissing(m: MissingMessage): Uint8Array | undefined {
    if (m.round !== this.o.round || this.phase !== 'submitted' || this.pending === undefined) return undefined;
    if (m.iteration !== this.pending.iteration || m.missing[this.o.participant] !== true) return undefined;
    return this.pending.bytes;
  }

  /**
   * Takes a clearing; returns the ROW message to send for the next iteration, or undefined when
   * there is nothing to send (a repeat of a clearing already applied, the final one, a gap).
   */
  async onClearing(c: ClearingMessage): Promise<Uint8Array | undefined> {
    if (c.round !== this.o.round || this.phase === 'done') return undefined;
    if (c.iteration <= this.applied) return undefined;
    if (c.iteration !== this.applied + 1) {
      // a clearing was missed: ask the relay for the ones after the last applied (HEARTBEAT "behind")
      this.phase = 'out-of-sync';
      this.behind = encodeHeartbeatMessage({ agentVersion: AGENT_VERSION, health: HEALTH.behind, lastRound: this.o.round, lastIteration: Math.max(0, this.applied) });
      return this.behind;
    }
    this.behind = undefined;
    if (c.iteration > 0) {
      if (this.pending !== undefined && this.pending.iteration === c.iteration && c.accepted?.[this.o.participant] === true) {
        this.state = recordSubmission(this.state, this.pending.row);
      }
      this.state = applyPoolClearing(this.o.params, this.state, { iteration: c.iteration, sbar: BigInt64Array.from(c.sbar) });
    }
    this.applied = c.iteration;
    this.lastClearing = c;
    this.pending = undefined;
    if (c.final) {
      this.phase = 'done';
      return undefined;
    }
    const out = poolAgentRow(this.o.params, this.state, BigInt64Array.from(c.prices));
    const iteration = c.iteration + 1;
    const rowHex = encodeRow(out.row);
    const signature = await signPoolRow(this.o.account, this.o.domain, { round: this.o.round, iteration, row: rowHex, slice: '0x' });
    const bytes = encodeRowMessage({ round: this.o.round, iteration, participant: this.o.participant, row: out.row, slice: [], signature });
    this.pending = { iteration, row: out.row, bytes };
    this.phase = 'submitted';
    this.submissions++;
    return bytes;
  }

  /** The rows the coordinator holds for this meter's agent, for comparisons. */
  get agentState(): PoolAgentState {
    return this.state;
  }
}
