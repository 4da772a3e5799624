// `derchain devnet up|status|down` across processes: `up` returns with the nodes still running and
// their pids/ports in DIR/devnet.json; `status` and `down` from other processes find them.
// Also `derchain network generate` end to end. Needs geth 1.13.x (fails with install hint otherwise).
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopDevnet } from '../../network-config/devnet.js';
import { readDevnetState } from '../../network-config/devnetState.js';
import { assertCliqueCapableGeth, findGeth } from '../../network-config/gethBinary.js';
import { blockNumberOf, waitFor } from '../../chain/rpc.js';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['bin/derchain.mjs', ...args], { encoding: 'utf8', timeout: 240_000 });

describe('derchain devnet and network commands', function () {
  this.timeout(300_000);
  let dir = '';

  before(() => {
    assertCliqueCapableGeth(findGeth());
    dir = mkdtempSync(join(tmpdir(), 'derchain-cli-'));
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !dir) return;
    for (const n of readDevnetState(join(dir, 'devnet'))?.nodes ?? []) {
      const tail = existsSync(n.logFile) ? readFileSync(n.logFile, 'utf8').trimEnd().split('\n').slice(-12).join('\n') : '(no log)';
      console.log(`--- ${n.name} log tail ---\n${tail}`);
    }
  });

  after(async () => {
    // if an assertion failed mid-way, make sure nothing is left running
    if (dir && existsSync(join(dir, 'devnet', 'devnet.json'))) await stopDevnet(join(dir, 'devnet'));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('network generate writes the files and prints enodes and signers, never keys', async () => {
    const out = join(dir, 'pilot-net');
    const { stdout } = await cli(['network', 'generate', 'network-config/examples/pilot.yaml', '--out', out, '--json']);
    const summary = JSON.parse(stdout) as { chainId: number; besuImage: string; nodes: { name: string; enode: string }[] };
    assert.equal(summary.chainId, 46021);
    assert.equal(summary.besuImage, 'hyperledger/besu:26.2.0');
    assert.equal(summary.nodes.length, 6);
    for (const n of summary.nodes) {
      const key = readFileSync(join(out, 'nodes', n.name, 'keys', 'nodekey'), 'utf8');
      assert.ok(!stdout.includes(key), 'a node key was printed');
    }
    await assert.rejects(cli(['network', 'generate', 'network-config/examples/pilot.yaml', '--out', out]), /refusing to overwrite node keys/);
  });

  it('network validate reports file, line and key of a mistake', async () => {
    const bad = join(dir, 'bad.yaml');
    const text = readFileSync('network-config/examples/pilot.yaml', 'utf8').replace('blockPeriodSeconds: 2', 'blockPeriodSeconds: -1');
    (await import('node:fs')).writeFileSync(bad, text);
    await assert.rejects(cli(['network', 'validate', bad]), (e: { stderr: string }) => {
      assert.match(e.stderr, /bad\.yaml, line \d+, field blockPeriodSeconds/);
      return true;
    });
  });

  it('devnet up leaves a running network, status sees it from another process, down stops it', async () => {
    const d = join(dir, 'devnet');
    const basePort = String(await freeDevnetBasePort(4));
    const up = await cli(['devnet', 'up', '--dir', d, '--client', 'geth', '--base-port', basePort, '--json']);
    const info = JSON.parse(up.stdout) as { rpcUrls: string[]; signers: string[] };
    assert.equal(info.rpcUrls.length, 4);
    assert.doesNotMatch(up.stdout, /"0x[0-9a-f]{64}"/, 'no private key in the output');
    // the `up` process has exited; the nodes are still sealing
    const h0 = await blockNumberOf(info.rpcUrls[0]);
    await waitFor('blocks after up exited', 60_000, async () => ((await blockNumberOf(info.rpcUrls[2])) > h0 + 1 ? true : undefined), 500);

    const st = await cli(['devnet', 'status', '--dir', d, '--json']);
    const status = JSON.parse(st.stdout) as { nodes: { running: boolean; peers?: number; pid: number | null }[] };
    assert.equal(status.nodes.filter((n) => n.running).length, 4);
    assert.ok(status.nodes.every((n) => n.peers === 3));
    await assert.rejects(cli(['devnet', 'up', '--dir', d, '--base-port', basePort]), /already running/);

    const down = await cli(['devnet', 'down', '--dir', d]);
    assert.match(down.stdout, /stopped v0, v1, v2, v3/);
    const state = readDevnetState(d)!;
    assert.ok(state.nodes.every((n) => n.pid === null));
    await assert.rejects(blockNumberOf(info.rpcUrls[0]));
    const after = await cli(['devnet', 'status', '--dir', d, '--json']).catch((e: { stdout: string }) => e);
    assert.ok((JSON.parse(after.stdout) as { nodes: { running: boolean }[] }).nodes.every((n) => !n.running));
  });

  it('devnet up again restarts the same chain where it stopped', async () => {
    const d = join(dir, 'devnet');
    const before = readDevnetState(d)!;
    const up = await cli(['devnet', 'up', '--dir', d, '--json']);
    const info = JSON.parse(up.stdout) as { rpcUrls: string[]; signers: string[] };
    assert.deepEqual(info.signers, before.nodes.map((n) => n.signer));
    const h = await blockNumberOf(info.rpcUrls[0]);
    assert.ok(h > 3, `chain restarted from genesis? height ${h}`);
    await waitFor('blocks after restart', 30_000, async () => ((await blockNumberOf(info.rpcUrls[1])) > h ? true : undefined), 500);
    const down = await cli(['devnet', 'down', '--dir', d]);
    assert.match(down.stdout, /stopped v0, v1, v2, v3/);
  });

  it('devnet up refuses a port another process holds and starts no node', async () => {
    const d = join(dir, 'devnet');
    const port = readDevnetState(d)!.nodes[1]!.httpPort;
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(cli(['devnet', 'up', '--dir', d]), (e: { stderr: string }) => {
        assert.match(e.stderr, new RegExp(`port ${port} \\(v1's JSON-RPC\\) on 127\\.0\\.0\\.1 is in use`));
        return true;
      });
      assert.ok(readDevnetState(d)!.nodes.every((n) => n.pid === null), 'no node started');
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
