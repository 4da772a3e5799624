// The health-check conversation between a meter's supervisor and a freshly installed agent, one JSON
// object per line on the agent's stdin/stdout (or direct calls for agents hosted in the supervisor's
// process): the agent says it is ready (version, protocols), answers a heartbeat with the nonce it
// was sent, and solves a local problem, reporting how long it took and how much memory it held.

export interface AgentHello {
  t: 'ready';
  version: string;
  health: number;
}

export interface HeartbeatAck {
  t: 'heartbeat-ack';
  nonce: string;
  version: string;
}

export interface SolveReport {
  t: 'solved';
  /** wall time of the local solve, ms */
  ms: number;
  /** solver status of the local problem */
  status: string;
  /** all trades finite and within the problem's bounds */
  finite: boolean;
  /** resident set size after the solve, MiB */
  rssMb: number;
}

export type SupervisorMessage = { t: 'heartbeat'; nonce: string } | { t: 'solve' } | { t: 'exit' };
export type AgentMessage = AgentHello | HeartbeatAck | SolveReport;

/** What an agent answers (the same object serves stdio and hosted agents). */
export interface HealthResponder {
  hello(): AgentHello;
  heartbeat(nonce: string): HeartbeatAck;
  solve(): SolveReport;
}
