// The pool (community market) agents of one process: each household agent keeps its own key, its
// own data and its own state (admm/poolAgentStep.ts: last row, target), and per iteration it solves
// its local problem at the last clearing's prices, signs its row (EIP-712, contracts/poolRow.ts) and
// either sends it itself (`submit`, its own account pays) or hands the signed row to a relay (a
// gateway, or the pilot's in-process batching relay). Several agents may share a process (large
// pilots on few cores); they share one chain poller (node-agent/poolChainView.ts) and nothing else.
// After each clearing an agent checks that the contract accepted its row (RowSubmitted); a row a
// relay dropped is not counted: the contract carried the previous one over, and so does the agent.
//
// Rejoining: an agent that starts (or restarts after a crash) while its round is already running
// rebuilds its state from the chain alone: its own accepted rows (RowSubmitted, which carry the row)
// and every clearing so far (IterationClosed) replayed through the same pure steps, then it resumes
// at the open iteration (without sending again if its row for it was already accepted). Only the
// warm start it began the round with (its own, off chain) must be given again.
import type { Logger } from 'pino';
import type { Address, Hex, LocalAccount } from 'viem';
import { applyPoolClearing, initialPoolAgentState, poolAgentRow, recordSubmission, type PoolAgentParams, type PoolAgentState } from '../admm/poolAgentStep.js';
import type { ProsumerSchedule } from '../admm/types.js';
import { POOL_STATUS, type PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { decodeRow, encodeRow, makeSignedPoolRow, type SignedPoolRow } from '../contracts/poolRow.js';
import type { AgentData } from './agentData.js';
import type { PoolChainView } from './poolChainView.js';
import { withRetry } from './retry.js';

export interface PoolHousehold {
  account: LocalAccount;
  data: AgentData;
  /** a client whose wallet is this household's own account (for `submit`); absent in relay mode */
  ownClient?: PoolCoordinatorClient;
  /** warm-start target (µkW per slot), e.g. the previous clearing's shifted */
  warmTarget?: BigInt64Array;
}

/** Where the signed rows of a relayed agent go (the pilot's in-process relay, a gateway, a radio uplink). */
export type PoolRowRelay = (iteration: number, rows: SignedPoolRow[], round: bigint) => Promise<void> | void;

export interface PoolAgentsOptions {
  view: PoolChainView;
  chainId: number;
  households: PoolHousehold[];
  /** 'own': each household sends `submit` from its own account; otherwise the signed rows go to `relay` */
  relay?: PoolRowRelay;
  log: Logger;
  round?: bigint;
  /** join only a round after this one (rolling re-clears: the next window's round) */
  after?: bigint;
  pollMs?: number;
  waitForRoundMs?: number;
}

/** Each household's state when its round ended. */
export interface PoolHouseholdEnd {
  /** target z_i after the last clearing, µkW */
  target: BigInt64Array;
  /** the local solution behind its last accepted row (null: no row accepted) */
  schedule: ProsumerSchedule | null;
}

export interface PoolAgentsOutcome {
  round: bigint;
  status: number;
  iterations: number;
  submissions: number;
  /** the clearing prices after the last iteration, µcurrency/kWh */
  prices: BigInt64Array;
  households: PoolHouseholdEnd[];
  /** iteration at which the agents joined the round (1: from its start; more: rejoined) */
  joinedAt: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function findRound(o: PoolAgentsOptions): Promise<bigint> {
  const deadline = Date.now() + (o.waitForRoundMs ?? 600_000);
  const me = o.households[0]!.account.address;
  for (;;) {
    const round = o.round ?? (await o.view.currentRound());
    if (round > 0n && (o.after === undefined || round > o.after)) {
      const p = await o.view.progress(round);
      const m = await o.view.membership(round, me);
      if (m.enrolled && (p.status === POOL_STATUS.open || o.round !== undefined)) return round;
    }
    if (Date.now() > deadline) throw new Error(`no started round enrols ${me}`);
    await sleep(o.pollMs ?? 200);
  }
}

/** Runs the process's agents until their round ends. */
export async function runPoolAgents(o: PoolAgentsOptions): Promise<PoolAgentsOutcome> {
  const { view, log } = o;
  const pollMs = o.pollMs ?? 100;
  const round = await findRound(o);
  const rp = await view.round(round);
  const opening = await view.opening(round);
  const ref = { chainId: o.chainId, contract: view.address };
  const params: PoolAgentParams[] = o.households.map((h) => {
    if (h.data.horizon !== rp.t) throw new Error(`round ${round} has T=${rp.t}, the agent data of ${h.data.prosumer.id} has ${h.data.horizon} slots`);
    return {
      prosumer: h.data.prosumer,
      tariff: h.data.tariff,
      options: h.data.options,
      dtHours: h.data.dtHours,
      startSlot: h.data.startSlot,
      participants: rp.n,
      rho: rp.rho,
      resolution: rp.resolution,
      alphaPpm: rp.alphaPpm,
    };
  });
  const n = o.households.length;
  let states: PoolAgentState[] = o.households.map((h) => initialPoolAgentState(rp.t, h.warmTarget));
  // the row (and its local solution) sent in the open iteration, until the contract confirms it
  let pending: ({ row: Int16Array; schedule: ProsumerSchedule | null } | null)[] = o.households.map(() => null);
  const schedules: (ProsumerSchedule | null)[] = o.households.map(() => null);
  // what the last accepted row was solved from (a rejoined agent re-solves it for the carry-over)
  const lastInput: ({ state: PoolAgentState; prices: BigInt64Array } | null)[] = o.households.map(() => null);
  // whether the contract holds a row of the household in this round (then prevRow is that row, else '0x')
  const hasRow: boolean[] = new Array<boolean>(n).fill(false);
  const sentFor: number[] = new Array<number>(n).fill(0);
  let prices = opening.initialPrices;
  let applied = 0;
  let submissions = 0;

  // rejoin: replay the household's own accepted rows and the clearings so far
  const start = await view.progress(round);
  let joinedAt = 1;
  if (start.iteration > 1 || start.count > 0 || start.status !== POOL_STATUS.open) {
    const own = new Map<string, number>(o.households.map((h, i) => [h.account.address.toLowerCase(), i]));
    const rows = await view.rowsOf(round, o.households.map((h) => h.account.address as Address));
    const byIteration = new Map<number, Map<number, Int16Array>>();
    for (const r of rows) {
      const i = own.get(r.participant.toLowerCase());
      if (i === undefined) continue;
      const m = byIteration.get(r.iteration) ?? new Map<number, Int16Array>();
      m.set(i, decodeRow(r.row));
      byIteration.set(r.iteration, m);
    }
    const closed = start.status === POOL_STATUS.open ? start.iteration - 1 : start.iteration;
    const clearings = closed > 0 ? await view.clearings(round, 1, closed) : [];
    for (let k = 1; k <= closed + 1; k++) {
      const mine = byIteration.get(k);
      if (k === closed + 1) {
        // the open iteration: a row already accepted is pending, not sent again
        if (start.status === POOL_STATUS.open) for (const [i, row] of mine ?? []) {
          pending[i] = { row, schedule: null };
          sentFor[i] = k;
          lastInput[i] = { state: states[i]!, prices };
        }
        break;
      }
      states = states.map((s, i) => {
        const row = mine?.get(i);
        if (!row) return s;
        hasRow[i] = true;
        lastInput[i] = { state: s, prices };
        return recordSubmission(s, row);
      });
      const c = clearings[k - 1]!;
      states = states.map((s, i) => applyPoolClearing(params[i]!, s, c));
      prices = c.prices;
      applied = k;
    }
    joinedAt = applied + 1;
    log.info({ round: String(round), iteration: joinedAt, ownRows: rows.length }, 'pool agents rejoined a running round from the chain');
  }
  log.info({ round: String(round), agents: n, n: rp.n, horizon: rp.t }, 'pool agents joined round');
  for (;;) {
    const p = await view.progress(round);
    const closed = p.status === POOL_STATUS.open ? p.iteration - 1 : p.iteration;
    if (closed > applied) {
      for (const c of await view.clearings(round, applied + 1, closed)) {
        const accepted = await view.acceptedIn(round, c.iteration);
        states = states.map((s, i) => {
          const sent = pending[i];
          const mine = accepted.has(o.households[i]!.account.address.toLowerCase());
          if (!sent || !mine) return applyPoolClearing(params[i]!, s, c);
          hasRow[i] = true;
          schedules[i] = sent.schedule;
          if (sent.schedule === null) lastInput[i] = lastInput[i] ?? { state: s, prices };
          else lastInput[i] = null;
          return applyPoolClearing(params[i]!, recordSubmission(s, sent.row), c);
        });
        pending = pending.map(() => null);
        prices = c.prices;
        applied = c.iteration;
      }
    }
    if (p.status !== POOL_STATUS.open) {
      log.info({ round: String(round), status: p.status, iterations: applied, submissions }, 'round ended');
      // a row accepted before a rejoin has no local solution in memory: solve it again (deterministic)
      const ends = states.map((s, i) => {
        let schedule = schedules[i] ?? null;
        const input = lastInput[i];
        if (!schedule && input) schedule = poolAgentRow(params[i]!, input.state, input.prices).schedule;
        return { target: s.target, schedule };
      });
      return { round, status: p.status, iterations: applied, submissions, prices, households: ends, joinedAt };
    }
    const k = p.iteration;
    if (applied === k - 1 && sentFor.some((s) => s < k)) {
      const signed: SignedPoolRow[] = [];
      const t0 = performance.now();
      let solveMs = 0;
      for (let i = 0; i < n; i++) {
        if (sentFor[i]! >= k) continue;
        sentFor[i] = k;
        const h = o.households[i]!;
        const ts = performance.now();
        const out = poolAgentRow(params[i]!, states[i]!, prices);
        solveMs += performance.now() - ts;
        const row = encodeRow(out.row);
        const prevRow: Hex = hasRow[i] ? encodeRow(states[i]!.lastRow) : '0x';
        pending[i] = { row: out.row, schedule: out.schedule };
        if (o.relay) {
          signed.push(await makeSignedPoolRow(h.account, ref, { round, iteration: k, row, prevRow }));
        } else {
          if (!h.ownClient) throw new Error('own submission needs each household\'s own client');
          try {
            await withRetry(() => h.ownClient!.submit(round, k, row, prevRow));
            submissions++;
          } catch (err) {
            log.warn({ iteration: k, agent: h.data.prosumer.id, err: String((err as Error).message).slice(0, 200) }, 'submission refused');
          }
        }
      }
      if (o.relay && signed.length) {
        await o.relay(k, signed, round);
        submissions += signed.length;
      }
      log.info({ round: String(round), iteration: k, rows: signed.length || n, solveMs: Math.round(solveMs), totalMs: Math.round(performance.now() - t0) }, 'rows sent');
      continue;
    }
    await sleep(pollMs);
  }
}
