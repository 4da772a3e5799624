// A real Hyperledger Besu network on loopback, run from exactly the files `derchain network
// generate` writes: a consortium spec whose nodes all sit on 127.0.0.1 with distinct ports is
// generated and written as for production (genesis, config.toml, permissions_config.toml,
// static-nodes.json, node keys); each node then runs `besu --config-file` on its config.toml with
// only the /opt/derchain paths rewritten to the node's directory. The only additions on the command
// line are Prometheus metrics on 127.0.0.1 and a logging level. Clique runs on Besu 26.2.0, QBFT on
// 26.8.0 (besuBinary.ts); QBFT takes its validators from the genesis extraData or, in contract
// mode, from the governance contract pre-deployed in the genesis (members = the funded accounts).
// P2P and JSON-RPC bind 127.0.0.1 (the spec's host), discovery is off (no bootnodes). Node i uses
// basePort+i (P2P), basePort+100+i (JSON-RPC) and basePort+200+i (metrics).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { BESU_NODE_HOME } from './besuNodeFiles.js';
import { BESU_VERSION_FOR, besuVersionOf, findBesu, type Consensus } from './besuBinary.js';
import type { Devnet, DevnetNode } from './devnet.js';
import { isOurProcess, stopWithThisProcess, terminate } from '../chain/localChain.js';
import { assertNodePortsFree } from './devnetPorts.js';
import { blockNumberOf, nodesAgreeOnBlock, peerCountOf, rpcCall, waitFor } from '../chain/rpc.js';
import { logTail, mkdirPrivate } from './devnetProcess.js';
import { readDevnetState, writeDevnetState, isDevnetNodeRunning, stateFileOf, type DevnetNodeState, type DevnetState } from './devnetState.js';
import { generateNetwork, writeNetwork } from './generate.js';
import { addressOf, derivedPrivateKey, randomPrivateKey } from './keys.js';
import { validateConsortiumSpec } from './spec.js';

export interface BesuDevnetOptions {
  dir: string;
  consensus: Consensus;
  validators: number;
  /** non-validator nodes (started with the validators; e.g. a validator-to-be that joins by a vote) */
  members: number;
  periodSeconds: number;
  basePort: number;
  chainId: number;
  fundedAccounts: number;
  /** QBFT: validators from the genesis extraData (default) or the governance contract */
  validatorSelection?: 'genesis' | 'contract';
  /** QBFT round timeout, s (the spec's requestTimeoutSeconds) */
  requestTimeoutSeconds?: number;
  seed?: string;
  detached?: boolean;
  /** bin/besu; found with findBesu(BESU_VERSION_FOR[consensus]) otherwise */
  besu?: string;
  /** seconds from generating the genesis to its timestamp (block 1 is due a period later) */
  launchDelaySeconds?: number;
  /** how long a node may take to open JSON-RPC, ms (default 300 s: a loaded 2-core machine) */
  rpcTimeoutMs?: number;
}

const FUNDED_BALANCE = '1000000000 ether';
/** Voting period of the devnet's governance contract (contract mode), s. */
const GOVERNANCE_VOTING_PERIOD = 3600;
/**
 * JVM settings for a devnet node on a small shared machine: a bounded heap, the serial collector
 * (no parallel GC threads fighting over 2 cores) and C1-only JIT, which reaches a running node
 * sooner; none changes what Besu does.
 */
export const BESU_DEVNET_JAVA_OPTS = '-Xmx768m -XX:+UseSerialGC -XX:TieredStopAtLevel=1';

/**
 * First launch delay for `nodes` Besu nodes starting together: on an idle 2-core machine each
 * opens JSON-RPC in 15-30 s and peers a few seconds later, and block 1 should be due only after
 * that. A busy machine (load average above 2 per core) gets proportionally more, up to 5 minutes
 * (five nodes took 24 s to open JSON-RPC at load 12, over 2 minutes at load 30). A Clique launch
 * missed anyway is done again with twice the delay (startBesuDevnet).
 */
export function launchDelayFor(nodes: number, load = loadavg()[0] ?? 0, cores = availableParallelism()): number {
  return Math.round(Math.min(300, (20 + 4 * nodes) * Math.max(1, load / cores / 2)));
}

/** Launches of a new devnet before giving up on the launch time (the last one waits regardless). */
export const MAX_LAUNCHES = 3;

/**
 * A Clique node was not up and peered by the genesis launch time: the devnet is generated again
 * (a Clique signer alone at the launch time seals its own block 1, and competing first blocks
 * stall the chain). QBFT cannot fork that way (a block needs 3 of 4 validators): a late QBFT
 * node only delays the first block, and the launch stands.
 */
class MissedLaunch extends Error {}

interface Layout {
  networkDir: string;
  nodeDirOf: (name: string) => string;
  fundedKeysFile: string;
}

function layoutOf(dir: string): Layout {
  const networkDir = join(dir, 'network');
  return { networkDir, nodeDirOf: (name) => join(networkDir, 'nodes', name), fundedKeysFile: join(dir, 'keys', 'funded-keys.json') };
}

/** The generated config.toml with its /opt/derchain paths pointing at `nodeDir` (the only rewrite). */
export function localBesuConfig(generatedToml: string, nodeDir: string): string {
  return generatedToml.replaceAll(`"${BESU_NODE_HOME}/`, `"${nodeDir}/`);
}

/** Besu's own error lines in a node log (colour codes stripped), to head a start-up failure. */
export function besuComplaints(logFile: string): string {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return '';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes in Besu's console log
  const lines = text.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const errors = lines.filter((l) => /\| (ERROR|FATAL) +\||^[A-Za-z.]*(Exception|Error): /.test(l) && !/native library|nativelib/i.test(l));
  return errors.length === 0 ? '' : `\nBesu says:\n${[...new Set(errors)].slice(0, 6).join('\n')}`;
}

/** The command line of one devnet node: the config file, plus metrics on loopback. */
export function besuArgs(n: Pick<DevnetNodeState, 'configFile' | 'authPort'>): string[] {
  return [
    `--config-file=${n.configFile}`,
    '--metrics-enabled=true',
    '--metrics-host=127.0.0.1',
    `--metrics-port=${n.authPort}`,
    '--logging=INFO',
  ];
}

function createBesuDevnet(dir: string, o: BesuDevnetOptions, besu: string, besuVersion: string, launchAt: number): DevnetState {
  const L = layoutOf(dir);
  const funded = Array.from({ length: o.fundedAccounts }, (_, i) =>
    o.seed !== undefined ? derivedPrivateKey(o.seed, `funded:${i}`) : randomPrivateKey(),
  );
  const node = (name: string, k: number) => ({ name, host: '127.0.0.1', p2pPort: o.basePort + k, rpcPort: o.basePort + 100 + k });
  const contractMode = o.consensus === 'qbft' && o.validatorSelection === 'contract';
  const spec = validateConsortiumSpec(
    {
      name: 'devnet',
      chainId: o.chainId,
      consensus: o.consensus,
      blockPeriodSeconds: o.periodSeconds,
      epoch: 30000,
      gasLimit: 30_000_000,
      // the chain starts once every node is up and peered (a coordinated launch, see spec.ts)
      genesisTimestamp: launchAt,
      ...(o.requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds: o.requestTimeoutSeconds } : {}),
      validators: Array.from({ length: o.validators }, (_, i) => node(`v${i}`, i)),
      members: Array.from({ length: o.members }, (_, j) => node(`m${j}`, o.validators + j)),
      accounts: funded.map((k, i) => ({ address: addressOf(k), balance: FUNDED_BALANCE, label: `funded ${i}` })),
      ...(contractMode
        ? {
            governance: {
              validatorSelection: 'contract',
              members: funded.map((k, i) => ({ address: addressOf(k), name: `Devnet member ${i}` })),
              votingPeriodSeconds: GOVERNANCE_VOTING_PERIOD,
            },
          }
        : {}),
    },
    'devnet',
  );
  const net = generateNetwork(spec, o.seed !== undefined ? { seed: o.seed } : {});
  writeNetwork(net, L.networkDir);
  mkdirPrivate(join(dir, 'keys'));
  writeFileSync(L.fundedKeysFile, JSON.stringify(funded.map((k) => `0x${k}`)) + '\n', { mode: 0o600, flag: 'wx' });
  mkdirSync(join(dir, 'logs'), { recursive: true });

  const nodes: DevnetNodeState[] = net.nodes.map((n, k) => {
    const nodeDir = resolve(L.nodeDirOf(n.name));
    const configFile = join(nodeDir, 'devnet-config.toml');
    writeFileSync(configFile, localBesuConfig(n.files['config.toml']!, nodeDir), { mode: 0o644 });
    return {
      name: n.name,
      role: n.role,
      signer: addressOf(n.nodeKeyHex),
      enode: n.enode,
      rpcUrl: `http://127.0.0.1:${n.rpcPort}`,
      p2pPort: n.p2pPort,
      httpPort: n.rpcPort,
      authPort: o.basePort + 200 + k,
      datadir: join(nodeDir, 'data'),
      configFile,
      logFile: resolve(dir, 'logs', `${n.name}.log`),
      pid: null,
    };
  });
  return {
    version: 1,
    client: 'besu',
    consensus: o.consensus,
    ...(o.consensus === 'qbft' ? { validatorSelection: contractMode ? ('contract' as const) : ('genesis' as const) } : {}),
    chainId: o.chainId,
    periodSeconds: o.periodSeconds,
    basePort: o.basePort,
    besu,
    besuVersion,
    fundedAddresses: funded.map((k) => addressOf(k)),
    nodes,
    updatedAt: '',
  };
}

/**
 * Start (or restart, keeping the chain) a Besu devnet in `dir`. A new devnet is generated with a
 * launch time (the genesis timestamp) far enough ahead for every node to start and peer first;
 * Clique: if a node is not peered by then, the nodes are stopped, the files this call wrote
 * removed, and the devnet generated again with twice the delay (at most MAX_LAUNCHES launches;
 * the last one does not give up at the launch time).
 */
export async function startBesuDevnet(opts: BesuDevnetOptions): Promise<Devnet> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const L = layoutOf(dir);
  const state = readDevnetState(dir);
  const consensus = state?.consensus ?? opts.consensus;
  const besuVersion = BESU_VERSION_FOR[consensus];
  const besu = opts.besu ?? findBesu(besuVersion);
  if (state !== undefined) {
    if (state.client !== 'besu') throw new Error(`${dir} holds a ${state.client ?? 'geth'} devnet; use another --dir for Besu`);
    const running = state.nodes.filter(isDevnetNodeRunning);
    if (running.length > 0) throw new Error(`devnet in ${dir} is already running (${running.map((n) => n.name).join(', ')}); run "derchain devnet down --dir ${dir}" first`);
    state.besu = besu;
    return runBesuDevnet(dir, state, opts, { launchAt: undefined, launches: 1, started: Date.now() });
  }
  if (existsSync(L.networkDir)) throw new Error(`${L.networkDir} exists without devnet.json; use an empty --dir`);
  const started = Date.now();
  let delay = opts.launchDelaySeconds ?? launchDelayFor(opts.validators + opts.members);
  for (let launches = 1; ; launches++, delay *= 2) {
    const launchAt = Math.floor(Date.now() / 1000) + delay;
    const created = createBesuDevnet(dir, opts, besu, besuVersion, launchAt);
    writeDevnetState(dir, created);
    try {
      const checkLaunch = opts.consensus === 'clique' && launches < MAX_LAUNCHES;
      return await runBesuDevnet(dir, created, opts, { launchAt: checkLaunch ? launchAt : undefined, launches, started });
    } catch (e) {
      if (!(e instanceof MissedLaunch)) throw e;
      // only what this call wrote: the generated network, the funded keys, the logs, the state
      for (const p of [L.networkDir, join(dir, 'keys'), join(dir, 'logs'), stateFileOf(dir)]) rmSync(p, { recursive: true, force: true });
    }
  }
}

interface Launch {
  /** genesis timestamp a new devnet must be peered by (undefined: no such check) */
  launchAt: number | undefined;
  launches: number;
  started: number;
}

async function runBesuDevnet(dir: string, st: DevnetState, opts: BesuDevnetOptions, launch: Launch): Promise<Devnet> {
  const L = layoutOf(dir);
  const consensus = st.consensus!;
  const children = new Map<number, ChildProcess>();
  const rpcTimeoutMs = opts.rpcTimeoutMs ?? 300_000;

  const isRunning = (i: number): boolean => {
    const c = children.get(i);
    if (c !== undefined) return c.exitCode === null && c.signalCode === null;
    return isDevnetNodeRunning(st.nodes[i]!);
  };

  const spawnNode = (i: number): void => {
    const n = st.nodes[i]!;
    const logFd = openSync(n.logFile, 'a', 0o644);
    const child = spawn(st.besu!, besuArgs(n), {
      stdio: ['ignore', logFd, logFd],
      detached: opts.detached === true,
      env: { ...process.env, JAVA_OPTS: process.env.DERCHAIN_BESU_JAVA_OPTS ?? BESU_DEVNET_JAVA_OPTS },
    });
    closeSync(logFd);
    if (child.pid === undefined) throw new Error(`could not start Besu for ${n.name}`);
    n.pid = child.pid;
    children.set(i, child);
    if (opts.detached) child.unref();
    else stopWithThisProcess(child);
    writeDevnetState(dir, st);
  };

  // the launch time of a new devnet has come (a node not yet up or peered has missed it)
  const late = (): boolean => launch.launchAt !== undefined && Date.now() / 1000 >= launch.launchAt;

  // A node that exits during start-up (a refused genesis or config) fails with Besu's own words.
  const waitRpc = async (i: number, atLaunch = false): Promise<'up' | 'late'> => {
    const n = st.nodes[i]!;
    try {
      const up = await waitFor(`${n.name} JSON-RPC at ${n.rpcUrl}`, rpcTimeoutMs, async () => {
        if (!isRunning(i)) return 'exited' as const;
        if (atLaunch && late()) return 'late' as const;
        return (await blockNumberOf(n.rpcUrl)) >= 0 ? ('up' as const) : undefined;
      }, 500);
      if (up === 'exited') throw new Error(`Besu ${n.name} exited during start-up`);
      return up;
    } catch (e) {
      throw new Error(`${(e as Error).message}${besuComplaints(n.logFile)}\n--- ${n.logFile} (tail) ---\n${logTail(n.logFile, 25)}`);
    }
  };

  const stopNode = async (i: number): Promise<void> => {
    const n = st.nodes[i]!;
    const child = children.get(i);
    if (isRunning(i)) {
      const exited = child !== undefined ? new Promise<void>((r) => child.once('exit', () => r())) : undefined;
      await terminate(n.pid!, () => isRunning(i));
      if (exited) await exited;
    }
    children.delete(i);
    n.pid = null;
    writeDevnetState(dir, st);
  };

  const startNode = async (i: number): Promise<void> => {
    if (i < 0 || i >= st.nodes.length) throw new Error(`no node ${i}`);
    if (isRunning(i)) return;
    spawnNode(i);
    await waitRpc(i);
  };

  const stop = async (): Promise<void> => {
    await Promise.all(st.nodes.map((_, i) => stopNode(i)));
  };

  try {
    // all nodes at once, each with its static peers: the validators find each other as soon as
    // their P2P ports open, which is what gets QBFT to its first block soonest
    await assertNodePortsFree(st.nodes, 'metrics');
    const spawnedAt = Date.now() / 1000;
    st.nodes.forEach((_, i) => spawnNode(i));
    const up = await Promise.all(st.nodes.map((_, i) => waitRpc(i, true)));
    const validators = st.nodes.filter((n) => n.role !== 'member');
    const peered = up.includes('late')
      ? ['late' as const]
      : await Promise.all(
          st.nodes.map((n) =>
            waitFor(`${n.name} to peer`, 120_000, async () => {
              if (late()) return 'late' as const;
              return (await peerCountOf(n.rpcUrl)) >= (n.role === 'member' ? validators.length : validators.length - 1) ? ('peered' as const) : undefined;
            }, 500),
          ),
        );
    if (peered.includes('late')) {
      const behind = st.nodes.filter((_, i) => up[i] !== 'up' || peered[i] !== 'peered').map((n) => n.name);
      throw new MissedLaunch(`launch ${launch.launches}: ${behind.join(', ')} not up and peered by the launch time, ${Math.round(launch.launchAt! - spawnedAt)} s after start`);
    }
    const head = Math.max(...(await Promise.all(st.nodes.map((n) => blockNumberOf(n.rpcUrl)))));
    const settled = head + 2;
    await waitFor(`the nodes to agree on block ${settled}`, 300_000, () => nodesAgreeOnBlock(st.nodes.map((n) => n.rpcUrl), settled), 500);
  } catch (e) {
    await stop();
    throw e;
  }
  const startupSeconds = (Date.now() - launch.started) / 1000;

  const fundedKeysHex = JSON.parse(readFileSync(L.fundedKeysFile, 'utf8')) as `0x${string}`[];
  const nodes: DevnetNode[] = st.nodes.map((n, i) => ({
    index: i,
    name: n.name,
    role: n.role ?? 'validator',
    rpcUrl: n.rpcUrl,
    metricsUrl: `http://127.0.0.1:${n.authPort}/metrics`,
    address: n.signer,
    enode: n.enode,
  }));
  const validatorNodes = nodes.filter((n) => n.role === 'validator');
  return {
    dir,
    client: 'besu',
    consensus,
    clientVersion: st.besuVersion!,
    chainId: st.chainId,
    rpcUrls: validatorNodes.map((n) => n.rpcUrl),
    signers: validatorNodes.map((n) => n.address),
    enodes: validatorNodes.map((n) => n.enode),
    nodes,
    startupSeconds,
    launches: launch.launches,
    fundedKeyHex: fundedKeysHex[0]!,
    fundedKeysHex,
    stopNode,
    startNode,
    isRunning,
    stop,
  };
}

/** Pid check for a Besu node recorded in devnet.json. */
export const isDevnetBesu = (n: DevnetNodeState): boolean => n.configFile !== undefined && isOurProcess(n.pid, `--config-file=${n.configFile}`);

/** `web3_clientVersion` -> release, or undefined. */
export async function besuReleaseOf(rpcUrl: string): Promise<string | undefined> {
  return besuVersionOf(await rpcCall<string>(rpcUrl, 'web3_clientVersion'));
}
