// The protocol versions a node-agent release speaks, written into its manifest so that a meter (and
// the rollout controller) can tell whether a release fits the chain and the supervisor it meets:
// the coordinator contract's ABI (hashed at build time), the supervisor's health-check protocol,
// and the agent data file format.

/** The supervisor <-> agent health-check conversation (fleet/healthProtocol.ts). */
export const HEALTH_PROTOCOL = 1;
/** node-agent/agentData.ts "derchain-agent-data-1". */
export const AGENT_DATA_FORMAT = 1;
/** The minimum Node.js runtime of a bundled agent (package.json engines). */
export const MIN_NODE_RUNTIME = '20.19.0';
