// The pool (community market) agents of one process: each household agent keeps its own key, its
// own data and its own state (admm/poolAgentStep.ts: last row, target), and per iteration it solves
// its local problem at the last clearing's prices, signs its row (EIP-712, contracts/poolRow.ts) and
// either sends it itself (`submit`, its own account pays) or hands the signed row to a relay (a
// gateway, or the pilot's in-process batching relay). Several agents may share a process (large
// pilots on few cores); they share one chain poller (node-agent/poolChainView.ts) and nothing else.
// After each clearing an agent checks that the contract accepted its row (RowSubmitted); a row a
// relay dropped is not counted: the contract carried the previous one over, and so does the agent.
import type { Logger } from 'pino';
import type { Hex, LocalAccount } from 'viem';
import { applyPoolClearing, initialPoolAgentState, poolAgentRow, recordSubmission, type PoolAgentParams, type PoolAgentState } from '../admm/poolAgentStep.js';
import { POOL_STATUS, PoolCoordinatorClient } from '../contracts/poolCoordinatorClient.js';
import { encodeRow, makeSignedPoolRow, type SignedPoolRow } from '../contracts/poolRow.js';
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

export interface PoolAgentsOptions {
  view: PoolChainView;
  chainId: number;
  households: PoolHousehold[];
  /** 'own': each household sends `submit` from its own account; otherwise the signed rows go to `relay` */
  relay?: (iteration: number, rows: SignedPoolRow[]) => Promise<void> | void;
  log: Logger;
  round?: bigint;
  pollMs?: number;
  waitForRoundMs?: number;
}

export interface PoolAgentsOutcome {
  round: bigint;
  status: number;
  iterations: number;
  submissions: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function findRound(o: PoolAgentsOptions): Promise<bigint> {
  const deadline = Date.now() + (o.waitForRoundMs ?? 600_000);
  const me = o.households[0]!.account.address;
  for (;;) {
    const round = o.round ?? (await o.view.currentRound());
    if (round > 0n) {
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
  let states: PoolAgentState[] = o.households.map((h) => initialPoolAgentState(rp.t, h.warmTarget));
  // the row sent in the open iteration, until the contract confirms it
  let pending: (Int16Array | null)[] = o.households.map(() => null);
  // whether the contract holds a row of the household in this round (then prevRow is that row, else '0x')
  const hasRow = await Promise.all(o.households.map(async (h) => (await view.membership(round, h.account.address)).lastIteration > 0));
  let prices = opening.initialPrices;
  let applied = 0;
  let submissions = 0;
  let sentFor = 0;
  log.info({ round: String(round), agents: o.households.length, n: rp.n, horizon: rp.t }, 'pool agents joined round');
  for (;;) {
    const p = await view.progress(round);
    const closed = p.status === POOL_STATUS.open ? p.iteration - 1 : p.iteration;
    if (closed > applied) {
      for (const c of await view.clearings(round, applied + 1, closed)) {
        const accepted = await view.acceptedIn(round, c.iteration);
        states = states.map((s, i) => {
          const row = pending[i];
          const mine = accepted.has(o.households[i]!.account.address.toLowerCase());
          if (row && mine) hasRow[i] = true;
          const withRow = row && mine ? recordSubmission(s, row) : s;
          return applyPoolClearing(params[i]!, withRow, c);
        });
        pending = pending.map(() => null);
        prices = c.prices;
        applied = c.iteration;
      }
    }
    if (p.status !== POOL_STATUS.open) {
      log.info({ round: String(round), status: p.status, iterations: applied, submissions }, 'round ended');
      return { round, status: p.status, iterations: applied, submissions };
    }
    const k = p.iteration;
    if (applied === k - 1 && sentFor < k) {
      sentFor = k;
      const signed: SignedPoolRow[] = [];
      for (let i = 0; i < o.households.length; i++) {
        const h = o.households[i]!;
        const out = poolAgentRow(params[i]!, states[i]!, prices);
        const row = encodeRow(out.row);
        const prevRow: Hex = hasRow[i] ? encodeRow(states[i]!.lastRow) : '0x';
        pending[i] = out.row;
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
        await o.relay(k, signed);
        submissions += signed.length;
      }
      continue;
    }
    await sleep(pollMs);
  }
}
