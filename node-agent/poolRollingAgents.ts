// The rolling re-clears on the agents' side (`pilot --rolling H`): the process's households take
// part in the first round, then in H more rounds of the same contract, each the window shifted one
// slot. Between rounds every household warm-starts from its own previous round: its final target
// shifted one slot (node-agent/poolRollingState.ts; the prices come shifted in the new round's
// RoundConfig.initialPrices, set by the operator), and its battery level and indoor temperature
// carried over from the slot that was executed. Each household reads its window's data (its own
// meter forecast for the shifted window) from `windows[h]`; the carried DER state replaces the
// file's.
import type { AgentData } from './agentData.js';
import { runPoolAgents, type PoolAgentsOptions, type PoolAgentsOutcome, type PoolHousehold } from './poolAgentLoop.js';
import { POOL_STATUS } from '../contracts/poolCoordinatorClient.js';
import { carryOverParams } from '../admm/poolRolling.js';
import { shiftSlots } from './poolRollingState.js';

export interface RollingHousehold extends PoolHousehold {
  /** the data of each re-clear's window, re-clear 1..H */
  windows: AgentData[];
}

export interface PoolRollingAgentsOptions extends Omit<PoolAgentsOptions, 'households'> {
  households: RollingHousehold[];
  /** re-clears after the first round */
  hours: number;
  /** after each round (the first one included) */
  onRound?: (outcome: PoolAgentsOutcome, index: number) => void;
}

/** Runs the first round and the H re-clears; stops early when a round is cancelled. */
export async function runPoolRollingAgents(o: PoolRollingAgentsOptions): Promise<PoolAgentsOutcome[]> {
  const outcomes: PoolAgentsOutcome[] = [];
  let households: PoolHousehold[] = o.households;
  let after = o.after;
  for (let h = 0; h <= o.hours; h++) {
    const out = await runPoolAgents({ ...o, households, ...(after !== undefined ? { after } : {}), ...(h > 0 ? { round: undefined } : {}) });
    outcomes.push(out);
    o.onRound?.(out, h);
    if (h === o.hours || (out.status !== POOL_STATUS.converged && out.status !== POOL_STATUS.maxIterations)) break;
    after = out.round;
    households = o.households.map((hh, i) => {
      const end = out.households[i]!;
      const prev = households[i]!.data.prosumer.params;
      const win = hh.windows[h];
      if (!win) throw new Error(`household ${hh.data.prosumer.id}: no data for re-clear ${h + 1}`);
      return {
        ...hh,
        data: { ...win, prosumer: { ...win.prosumer, params: end.schedule ? carryOverParams(prev, end.schedule) : prev } },
        warmTarget: shiftSlots(end.target),
      };
    });
  }
  return outcomes;
}
