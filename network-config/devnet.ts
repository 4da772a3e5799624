// A real multi-node proof-of-authority network on loopback. `client: 'besu'` runs Hyperledger Besu
// from the generated Besu files (besuDevnet.ts: Clique on 26.2.0, QBFT on 26.8.0). `client: 'geth'`
// (the default of this API; the CLI prefers Besu where it is installed) runs geth 1.13 nodes from
// the files that generateNetwork writes (geth genesis, node keys), peered statically (no discovery,
// no NAT probing, no bootstrap nodes), each validator unlocking its signing key and sealing.
// JSON-RPC, auth RPC and P2P listen on 127.0.0.1 only. Node i uses ports basePort+i (P2P),
// basePort+100+i (HTTP) and basePort+200+i (geth: auth RPC; Besu: metrics). State (pids, ports)
// goes to DIR/devnet.json; secrets stay in 0600 files.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'smol-toml';
import type { Consensus } from './besuBinary.js';
import { startBesuDevnet } from './besuDevnet.js';
import { stopWithThisProcess } from '../chain/localChain.js';
import { assertNodePortsFree } from './devnetPorts.js';
import { blockNumberOf, nodesAgreeOnBlock, peerCountOf, rpcCall, sleep, waitFor } from '../chain/rpc.js';
import { logTail, mkdirPrivate } from './devnetProcess.js';
import { generateNetwork, writeNetwork } from './generate.js';
import { assertCliqueCapableGeth, findGeth } from './gethBinary.js';
import { startStallWatchdog } from './cliqueStallWatchdog.js';
import { addressOf, derivedPrivateKey, randomPrivateKey } from './keys.js';
import { validateConsortiumSpec } from './spec.js';
import { isDevnetGeth, isDevnetNodeRunning, readDevnetState, writeDevnetState, type DevnetNodeState, type DevnetState } from './devnetState.js';

export type DevnetClient = 'geth' | 'besu';

export interface DevnetOptions {
  dir: string;
  /** geth 1.13 (Clique only; the default here) or Besu (Clique on 26.2.0, QBFT on 26.8.0) */
  client?: DevnetClient;
  /** Besu only; geth runs Clique */
  consensus?: Consensus;
  /** Besu QBFT: validators from the genesis extraData (default) or the governance contract */
  validatorSelection?: 'genesis' | 'contract';
  /** Besu: non-validator nodes, started with the validators */
  members?: number;
  /** Besu QBFT round timeout, s */
  requestTimeoutSeconds?: number;
  /** Besu binary (bin/besu); found with findBesu() otherwise */
  besu?: string;
  validators?: number;
  periodSeconds?: number;
  basePort?: number;
  chainId?: number;
  /** How many pre-funded accounts to create (keys returned in fundedKeysHex). */
  fundedAccounts?: number;
  /** Reproducible keys (tests); random otherwise. */
  seed?: string;
  /** Leave the nodes running after this process exits (`derchain devnet up`). */
  detached?: boolean;
  /** geth binary; found with findGeth() otherwise. */
  geth?: string;
  /** geth, tests: how long the FIRST launch waits for the validators to agree (default 150 s fresh, 45 s restarted), to exercise the relaunch */
  firstLaunchSettleMs?: number;
}

/** One node of a devnet (validators first, then members). */
export interface DevnetNode {
  /** index for stopNode / startNode / isRunning */
  index: number;
  name: string;
  role: 'validator' | 'member';
  rpcUrl: string;
  /** Besu: Prometheus metrics on 127.0.0.1 */
  metricsUrl?: string;
  /** the node key's address (a validator's signer) */
  address: `0x${string}`;
  enode: string;
}

export interface Devnet {
  dir: string;
  client: DevnetClient;
  consensus: Consensus;
  /** e.g. "1.13.15-stable" or "26.2.0" */
  clientVersion: string;
  chainId: number;
  /** the validators' JSON-RPC URLs, signers and enodes (same order) */
  rpcUrls: string[];
  signers: `0x${string}`[];
  enodes: string[];
  /** every node, members included */
  nodes: DevnetNode[];
  /** from the first node's start to the nodes agreeing on a block, s */
  startupSeconds: number;
  /** launches it took (Besu: a node missed the genesis launch time; geth: the fresh validators did not come to agree, so the chain was wiped back to genesis) */
  launches?: number;
  /** Secret: a pre-funded account's key (0x-prefixed). */
  fundedKeyHex: `0x${string}`;
  fundedKeysHex: `0x${string}`[];
  stopNode(i: number): Promise<void>;
  startNode(i: number): Promise<void>;
  isRunning(i: number): boolean;
  stop(): Promise<void>;
}

export const DEVNET_DEFAULTS = { validators: 4, periodSeconds: 1, basePort: 30400, chainId: 46099, fundedAccounts: 4 } as const;
const FUNDED_BALANCE = '1000000000 ether';

function run(geth: string, args: string[], what: string): string {
  try {
    return execFileSync(geth, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`${what} failed: ${(err.stderr ?? String(e)).split('\n').slice(-5).join(' | ')}`);
  }
}

/** geth TOML: listen on loopback only, no discovery, no bootstrap nodes, static + trusted peers. */
export function gethConfigToml(listenPort: number, peers: string[]): string {
  return stringify({
    Node: {
      P2P: {
        NoDiscovery: true,
        DiscoveryV4: false,
        BootstrapNodes: [],
        BootstrapNodesV5: [],
        StaticNodes: peers,
        TrustedNodes: peers,
        ListenAddr: `127.0.0.1:${listenPort}`,
        MaxPeers: 25,
      },
    },
  });
}

/** The command line of one devnet validator (keysDir holds `nodekey` and `password`). */
export function gethArgs(
  chainId: number,
  n: Pick<DevnetNodeState, 'datadir' | 'httpPort' | 'authPort' | 'signer'>,
  keysDir: string,
  configFile: string,
): string[] {
  return [
    '--datadir', n.datadir,
    '--config', configFile,
    '--networkid', String(chainId),
    '--syncmode', 'full',
    '--nodiscover',
    '--nat', 'extip:127.0.0.1',
    '--nodekey', join(keysDir, 'nodekey'),
    '--ipcdisable',
    '--http', '--http.addr', '127.0.0.1', '--http.port', String(n.httpPort),
    '--http.api', 'eth,net,web3,clique,admin,txpool,miner,debug',
    '--http.vhosts', 'localhost,127.0.0.1',
    '--authrpc.addr', '127.0.0.1', '--authrpc.port', String(n.authPort),
    // sealing starts by miner_start once the node is peered (see startSealing): validators that
    // seal before they see each other fork at genesis, and Clique can then stall ("signed recently")
    '--miner.etherbase', n.signer,
    '--miner.gaslimit', '30000000',
    // Accept any tip: a consortium chain, fees only meter gas (base fee still applies).
    '--miner.gasprice', '1',
    '--unlock', n.signer, '--password', join(keysDir, 'password'), '--allow-insecure-unlock',
    '--verbosity', '3',
  ];
}

interface Layout {
  networkDir: string;
  keysDirOf: (name: string) => string;
  configOf: (name: string) => string;
  fundedKeysFile: string;
}

function layoutOf(dir: string): Layout {
  const networkDir = join(dir, 'network');
  return {
    networkDir,
    keysDirOf: (name) => join(networkDir, 'nodes', name, 'keys'),
    configOf: (name) => join(networkDir, 'nodes', name, 'geth.toml'),
    fundedKeysFile: join(dir, 'keys', 'funded-keys.json'),
  };
}

/** Generate the network files, init the geth datadirs, import the signer keys. */
interface DevnetShape {
  validators: number;
  periodSeconds: number;
  basePort: number;
  chainId: number;
  fundedAccounts: number;
  seed?: string;
}

function createDevnet(dir: string, o: DevnetShape, geth: string, gethVersion: string): DevnetState {
  const L = layoutOf(dir);
  const funded = Array.from({ length: o.fundedAccounts }, (_, i) =>
    o.seed !== undefined ? derivedPrivateKey(o.seed, `funded:${i}`) : randomPrivateKey(),
  );
  const spec = validateConsortiumSpec(
    {
      name: 'devnet',
      chainId: o.chainId,
      consensus: 'clique',
      blockPeriodSeconds: o.periodSeconds,
      epoch: 30000,
      gasLimit: 30_000_000,
      validators: Array.from({ length: o.validators }, (_, i) => ({
        name: `v${i}`,
        host: '127.0.0.1',
        p2pPort: o.basePort + i,
        rpcPort: o.basePort + 100 + i,
      })),
      accounts: funded.map((k, i) => ({ address: addressOf(k), balance: FUNDED_BALANCE, label: `funded ${i}` })),
    },
    'devnet',
  );
  const net = generateNetwork(spec, o.seed !== undefined ? { seed: o.seed } : {});
  writeNetwork(net, L.networkDir);
  mkdirPrivate(join(dir, 'keys'));
  writeFileSync(L.fundedKeysFile, JSON.stringify(funded.map((k) => `0x${k}`)) + '\n', { mode: 0o600, flag: 'wx' });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const gethGenesis = join(L.networkDir, 'geth', 'genesis.json');

  const nodes: DevnetNodeState[] = net.nodes.map((n, i) => {
    const keysDir = L.keysDirOf(n.name);
    const datadir = resolve(L.networkDir, 'nodes', n.name, 'data');
    writeFileSync(join(keysDir, 'password'), randomBytes(24).toString('hex'), { mode: 0o600, flag: 'wx' });
    run(geth, ['--datadir', datadir, 'init', gethGenesis], `geth init for ${n.name}`);
    run(geth, ['--datadir', datadir, 'account', 'import', '--lightkdf', '--password', join(keysDir, 'password'), join(keysDir, 'nodekey')], `geth account import for ${n.name}`);
    const peers = net.nodes.filter((p) => p.name !== n.name).map((p) => p.enode);
    writeFileSync(L.configOf(n.name), gethConfigToml(n.p2pPort, peers));
    return {
      name: n.name,
      signer: n.signerAddress!,
      enode: n.enode,
      rpcUrl: `http://127.0.0.1:${o.basePort + 100 + i}`,
      p2pPort: n.p2pPort,
      httpPort: o.basePort + 100 + i,
      authPort: o.basePort + 200 + i,
      datadir,
      logFile: resolve(dir, 'logs', `${n.name}.log`),
      pid: null,
    };
  });
  return {
    version: 1,
    client: 'geth',
    consensus: 'clique',
    chainId: o.chainId,
    periodSeconds: o.periodSeconds,
    basePort: o.basePort,
    geth,
    gethVersion,
    fundedAddresses: funded.map((k) => addressOf(k)),
    nodes,
    updatedAt: '',
  };
}

/** Start (or restart, keeping the chain) a devnet in `dir` (4 validators by default). */
export async function startDevnet(opts: DevnetOptions): Promise<Devnet> {
  const recorded = readDevnetState(resolve(opts.dir));
  const client = recorded?.client ?? (recorded !== undefined ? 'geth' : (opts.client ?? 'geth'));
  if (opts.client !== undefined && opts.client !== client) throw new Error(`${resolve(opts.dir)} holds a ${client} devnet; use another --dir for ${opts.client}`);
  if (client === 'besu') {
    return startBesuDevnet({
      dir: opts.dir,
      consensus: opts.consensus ?? 'clique',
      validators: opts.validators ?? DEVNET_DEFAULTS.validators,
      members: opts.members ?? 0,
      periodSeconds: opts.periodSeconds ?? DEVNET_DEFAULTS.periodSeconds,
      basePort: opts.basePort ?? DEVNET_DEFAULTS.basePort,
      chainId: opts.chainId ?? DEVNET_DEFAULTS.chainId,
      fundedAccounts: opts.fundedAccounts ?? DEVNET_DEFAULTS.fundedAccounts,
      ...(opts.validatorSelection !== undefined ? { validatorSelection: opts.validatorSelection } : {}),
      ...(opts.requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds: opts.requestTimeoutSeconds } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.detached !== undefined ? { detached: opts.detached } : {}),
      ...(opts.besu !== undefined ? { besu: opts.besu } : {}),
    });
  }
  if (opts.consensus === 'qbft') throw new Error('QBFT runs on Besu only (client besu); geth 1.13 seals Clique');
  if ((opts.members ?? 0) > 0) throw new Error('member nodes are a Besu devnet option');
  return startGethDevnet(opts);
}

async function startGethDevnet(opts: DevnetOptions): Promise<Devnet> {
  const started = Date.now();
  const dir = resolve(opts.dir);
  const o: DevnetShape = {
    validators: opts.validators ?? DEVNET_DEFAULTS.validators,
    periodSeconds: opts.periodSeconds ?? DEVNET_DEFAULTS.periodSeconds,
    basePort: opts.basePort ?? DEVNET_DEFAULTS.basePort,
    chainId: opts.chainId ?? DEVNET_DEFAULTS.chainId,
    fundedAccounts: opts.fundedAccounts ?? DEVNET_DEFAULTS.fundedAccounts,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  };
  if (o.validators < 1 || o.validators > 100) throw new Error('validators must be 1..100');
  if (o.basePort < 1024 || o.basePort + 200 + o.validators > 65535) throw new Error('basePort must leave room for basePort+200+validators <= 65535');
  const geth = opts.geth ?? findGeth();
  const gethVersion = assertCliqueCapableGeth(geth);
  mkdirSync(dir, { recursive: true });
  const L = layoutOf(dir);

  let state = readDevnetState(dir);
  // a devnet created by this call may be wiped and launched again; one that existed is never wiped
  let created = false;
  if (state !== undefined) {
    const running = state.nodes.filter((n) => isDevnetGeth(n.pid, n.datadir));
    if (running.length > 0) throw new Error(`devnet in ${dir} is already running (${running.map((n) => n.name).join(', ')}); run "derchain devnet down --dir ${dir}" first`);
    if (state.nodes.length !== o.validators && opts.validators !== undefined) {
      throw new Error(`${dir} holds a ${state.nodes.length}-validator devnet; use another --dir for ${o.validators}`);
    }
    state.geth = geth;
  } else {
    if (existsSync(L.networkDir)) throw new Error(`${L.networkDir} exists without devnet.json; use an empty --dir`);
    state = createDevnet(dir, o, geth, gethVersion);
    writeDevnetState(dir, state);
    created = true;
  }
  const st: DevnetState = state;
  const children = new Map<number, ChildProcess>();

  const isRunning = (i: number): boolean => {
    const c = children.get(i);
    if (c !== undefined) return c.exitCode === null && c.signalCode === null;
    return isDevnetGeth(st.nodes[i].pid, st.nodes[i].datadir);
  };

  const spawnNode = (i: number): void => {
    const n = st.nodes[i];
    const logFd = openSync(n.logFile, 'a', 0o644);
    const child = spawn(st.geth!, gethArgs(st.chainId, n, L.keysDirOf(n.name), L.configOf(n.name)), {
      stdio: ['ignore', logFd, logFd],
      detached: opts.detached === true,
    });
    closeSync(logFd);
    if (child.pid === undefined) throw new Error(`could not start geth for ${n.name}`);
    n.pid = child.pid;
    children.set(i, child);
    if (opts.detached) child.unref();
    else stopWithThisProcess(child);
    writeDevnetState(dir, st);
  };

  const waitRpc = async (i: number): Promise<void> => {
    const n = st.nodes[i];
    try {
      await waitFor(`${n.name} JSON-RPC at ${n.rpcUrl}`, 30_000, async () => {
        if (!isRunning(i)) throw new Error(`geth ${n.name} exited`);
        return (await blockNumberOf(n.rpcUrl)) >= 0 ? true : undefined;
      });
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- ${n.logFile} (tail) ---\n${logTail(n.logFile)}`);
    }
  };

  // geth 1.13 answers eth_getTransactionReceipt with "transaction indexing is in progress" until
  // its transaction indexer has caught up after a start (which needs blocks); wait for a plain null.
  const waitIndexed = async (i: number): Promise<void> => {
    const n = st.nodes[i];
    try {
      await waitFor(`${n.name} transaction index`, 60_000, async () =>
        (await rpcCall(n.rpcUrl, 'eth_getTransactionReceipt', [`0x${'00'.repeat(32)}`])) === null ? true : undefined,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- ${n.logFile} (tail) ---\n${logTail(n.logFile)}`);
    }
  };

  const stopNode = async (i: number): Promise<void> => {
    const n = st.nodes[i];
    const child = children.get(i);
    if (!isRunning(i)) {
      n.pid = null;
      writeDevnetState(dir, st);
      return;
    }
    const pid = n.pid!;
    const exited = child !== undefined ? new Promise<void>((r) => child.once('exit', () => r())) : undefined;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (isRunning(i) && Date.now() < deadline) await sleep(100);
    if (isRunning(i)) process.kill(pid, 'SIGKILL');
    if (exited) await exited;
    else while (isRunning(i)) await sleep(100);
    children.delete(i);
    n.pid = null;
    writeDevnetState(dir, st);
  };

  /** Waits until node i has `peers` peers, then starts its sealer. */
  const startSealing = async (i: number, peers: number): Promise<void> => {
    const n = st.nodes[i];
    await waitFor(`${n.name} to peer`, 60_000, async () => ((await peerCountOf(n.rpcUrl)) >= peers ? true : undefined));
    await rpcCall(n.rpcUrl, 'miner_start', []);
  };

  const startNode = async (i: number): Promise<void> => {
    if (i < 0 || i >= st.nodes.length) throw new Error(`no node ${i}`);
    if (isRunning(i)) return;
    spawnNode(i);
    await waitRpc(i);
    // a restarted validator first catches up with a running peer, then seals
    const running = st.nodes.filter((_, k) => k !== i && isRunning(k)).length;
    await startSealing(i, Math.min(1, running));
    await waitIndexed(i);
  };

  const stop = async (): Promise<void> => {
    watchdog.stop();
    await Promise.all(st.nodes.map((_, i) => stopNode(i)));
  };

  // the process that started the devnet watches for Clique's fork deadlock while it runs; a
  // detached `devnet up` only until the chain has settled
  const watchdog = startStallWatchdog(
        st.nodes.map((n, i) => ({ name: n.name, rpcUrl: n.rpcUrl, enode: n.enode, running: () => isRunning(i) })),
        { stallMs: Math.max(8_000, 8_000 * st.periodSeconds), everyMs: 1_000, rewind: 2, resyncMs: 20_000, logFile: join(dir, 'logs', 'watchdog.log') },
  );

  const launch = async (settleMs: number): Promise<void> => {
    await assertNodePortsFree(st.nodes);
    st.nodes.forEach((_, i) => spawnNode(i));
    await Promise.all(st.nodes.map((_, i) => waitRpc(i)));
    const want = st.nodes.length - 1;
    await Promise.all(
      st.nodes.map((n) =>
        // geth waits 35 s before it dials a static peer again whose first dial failed (its P2P port not yet open)
        waitFor(`${n.name} to peer`, 120_000, async () => ((await peerCountOf(n.rpcUrl)) >= want ? true : undefined)),
      ),
    );
    // a restarted network must make progress of its own: its old head is no proof that it seals
    const urls = st.nodes.map((n) => n.rpcUrl);
    const head = Math.max(...(await Promise.all(urls.map(blockNumberOf))));
    for (let i = 0; i < st.nodes.length; i++) await startSealing(i, want);
    // Validators that start together may seal competing blocks (all are late); two 2-block branches
    // split 2/2 deadlock Clique. The watchdog resolves that; the devnet is handed out only once
    // every node agrees on a block one rotation and two blocks past where the chain stood.
    const settled = head + st.nodes.length + 2;
    await waitFor(`the validators to agree on block ${settled}`, settleMs, () => nodesAgreeOnBlock(urls, settled), 500);
    await Promise.all(st.nodes.map((_, i) => waitIndexed(i)));
  };

  // A network whose validators did not come to agree (on a loaded machine Clique can fork beyond
  // what the watchdog untangles) is stopped and launched once more: a fresh one wiped back to its
  // genesis first, an existing one on its own chain (sealing resumes from a clean start of every
  // node). Keys, files and an existing network's chain are never touched. A restart normally
  // settles in seconds, so its first launch gets less time than a fresh one.
  let launches = 0;
  try {
    for (;;) {
      launches++;
      try {
        const firstMs = opts.firstLaunchSettleMs ?? (created ? 150_000 : 45_000);
        await launch(launches === 1 ? firstMs : 150_000);
        break;
      } catch (e) {
        if (launches >= 2 || !/to agree on block/.test((e as Error).message)) throw e;
        await Promise.all(st.nodes.map((_, i) => stopNode(i)));
        if (!created) continue;
        const gethGenesis = join(L.networkDir, 'geth', 'genesis.json');
        for (const n of st.nodes) {
          for (const part of ['chaindata', 'lightchaindata', 'transactions.rlp']) rmSync(join(n.datadir, 'geth', part), { recursive: true, force: true });
          run(st.geth!, ['--datadir', n.datadir, 'init', gethGenesis], `geth init for ${n.name}`);
        }
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  if (opts.detached) watchdog.stop();

  const fundedKeysHex = JSON.parse(readFileSync(L.fundedKeysFile, 'utf8')) as `0x${string}`[];
  return {
    dir,
    client: 'geth',
    consensus: 'clique',
    clientVersion: st.gethVersion ?? gethVersion,
    chainId: st.chainId,
    rpcUrls: st.nodes.map((n) => n.rpcUrl),
    signers: st.nodes.map((n) => n.signer),
    enodes: st.nodes.map((n) => n.enode),
    nodes: st.nodes.map((n, i) => ({ index: i, name: n.name, role: 'validator', rpcUrl: n.rpcUrl, address: n.signer, enode: n.enode })),
    startupSeconds: (Date.now() - started) / 1000,
    launches,
    fundedKeyHex: fundedKeysHex[0],
    fundedKeysHex,
    stopNode,
    startNode,
    isRunning,
    stop,
  };
}

export interface DevnetNodeStatus {
  name: string;
  role: 'validator' | 'member';
  signer: `0x${string}`;
  rpcUrl: string;
  pid: number | null;
  running: boolean;
  /** web3_clientVersion, e.g. "besu/v26.2.0/linux-x86_64/openjdk-java-25" */
  clientVersion?: string;
  blockNumber?: number;
  peers?: number;
  /** the validator set this node holds at its head (clique_getSigners / qbft_getValidatorsByBlockNumber) */
  validators?: `0x${string}`[];
}

export interface DevnetStatus {
  chainId: number;
  client: DevnetClient;
  consensus: Consensus;
  validatorSelection?: 'genesis' | 'contract';
  nodes: DevnetNodeStatus[];
}

/** The validator set at a node's head: Clique signers or QBFT validators. */
export async function validatorSetOf(rpcUrl: string, consensus: Consensus): Promise<`0x${string}`[]> {
  return consensus === 'clique'
    ? rpcCall<`0x${string}`[]>(rpcUrl, 'clique_getSigners', [])
    : rpcCall<`0x${string}`[]>(rpcUrl, 'qbft_getValidatorsByBlockNumber', ['latest']);
}

/** Status of the devnet described by DIR/devnet.json (works from any process). */
export async function devnetStatus(dir: string): Promise<DevnetStatus | undefined> {
  const st = readDevnetState(resolve(dir));
  if (st === undefined) return undefined;
  const consensus = st.consensus ?? 'clique';
  const nodes = await Promise.all(
    st.nodes.map(async (n): Promise<DevnetNodeStatus> => {
      const running = isDevnetNodeRunning(n);
      const base = { name: n.name, role: n.role ?? 'validator', signer: n.signer, rpcUrl: n.rpcUrl, pid: running ? n.pid : null, running } as const;
      if (!running) return base;
      try {
        const [clientVersion, blockNumber, peers, validators] = await Promise.all([
          rpcCall<string>(n.rpcUrl, 'web3_clientVersion'),
          blockNumberOf(n.rpcUrl),
          peerCountOf(n.rpcUrl),
          validatorSetOf(n.rpcUrl, consensus),
        ]);
        return { ...base, clientVersion, blockNumber, peers, validators };
      } catch {
        return base;
      }
    }),
  );
  return {
    chainId: st.chainId,
    client: st.client ?? 'geth',
    consensus,
    ...(st.validatorSelection !== undefined ? { validatorSelection: st.validatorSelection } : {}),
    nodes,
  };
}

/** Stop every node recorded in DIR/devnet.json (only pids that are our geth or Besu for that node). */
export async function stopDevnet(dir: string): Promise<string[]> {
  const d = resolve(dir);
  const st = readDevnetState(d);
  if (st === undefined) throw new Error(`no devnet state in ${d} (devnet.json missing)`);
  const stopped: string[] = [];
  for (const n of st.nodes) {
    if (isDevnetNodeRunning(n)) {
      process.kill(n.pid!, 'SIGTERM');
      stopped.push(n.name);
    }
  }
  const deadline = Date.now() + 15_000;
  while (st.nodes.some(isDevnetNodeRunning) && Date.now() < deadline) await sleep(100);
  for (const n of st.nodes) if (isDevnetNodeRunning(n)) process.kill(n.pid!, 'SIGKILL');
  for (const n of st.nodes) n.pid = null;
  writeDevnetState(d, st);
  return stopped;
}
