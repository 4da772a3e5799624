// The shell the stack generates, exercised with a real bash: embedded files round-trip exactly,
// every script parses, the root wrapper passes stdin through (how a gateway gets its key), and the
// operator's readiness + deploy scripts work against a local JSON-RPC stand-in with a fake `aws`
// (SSM tunnel) and a fake deploy command on PATH/cwd. Also: IPv4 planning and deploy-output parsing.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { besuUserData } from '../../infra/besuUserData.js';
import { privateSubnetCidr, publicSubnetCidr } from '../../infra/consortium.js';
import { asRoot, configureNodeScript, installRuntimeScript, removeNodeScript } from '../../infra/gatewayScripts.js';
import { writeFilesScript } from '../../infra/hostFiles.js';
import { cidrsOverlap, hostOf, parseCidr } from '../../infra/ipv4.js';
import { embeddedFiles } from './pulumiMocks.js';
import { coordinatorAddressOf, deployScript, parseDeployOutput, readinessScript } from '../../infra/operatorRpcScripts.js';

function bash(script: string, opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync('/bin/bash', ['-c', script], { encoding: 'utf8', ...opts });
}

/** Runs a script asynchronously (the JSON-RPC stand-in lives in this process). */
function bashAsync(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/bash', ['-c', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('infra host scripts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-infra-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes embedded files byte for byte, with the requested mode', () => {
    const files = {
      'config.toml': 'p2p-host = "10.42.0.10"\nrpc-http-api = ["ETH", "NET"]\n',
      'genesis.json': JSON.stringify({ alloc: { '0x00': { balance: '0x1' } }, note: "quotes ' \" $HOME `x`" }, null, 2),
      'nested/static-nodes.json': '[]\n',
    };
    bash(writeFilesScript(dir, files, '0640'));
    for (const [name, content] of Object.entries(files)) {
      assert.equal(readFileSync(join(dir, name), 'utf8'), content, name);
      assert.equal(execFileSync('stat', ['-c', '%a', join(dir, name)], { encoding: 'utf8' }).trim(), '640');
    }
    assert.throws(() => writeFilesScript(dir, { '../escape': 'x' }), /unsafe/);
    assert.throws(() => writeFilesScript(dir, { 'a;rm -rf': 'x' }), /unsafe/);
  });

  it('generates scripts that bash parses', () => {
    const userData = besuUserData({
      nodeName: 'validator-0',
      role: 'validator',
      image: 'hyperledger/besu:26.2.0',
      files: { 'config.toml': 'x = 1\n', 'genesis.json': '{}\n' },
      keyParameterName: '/derchain/pilot/nodes/validator-0/nodekey',
      region: 'eu-central-1',
      dataVolumeId: 'vol-0123456789abcdef0',
      metrics: { host: '10.42.0.10', port: 9545 },
    });
    const gateway = {
      nodeName: 'gw-1', image: 'hyperledger/besu:26.2.0', host: '192.168.10.21', rpcPort: 8545,
      files: { 'config.toml': 'x = 1\n' }, relayListenAddress: '127.0.0.1', relayPort: 8546,
    };
    const path = { via: 'ssm' as const, region: 'eu-central-1', instanceId: 'i-0123', privateIp: '10.42.0.10', localPort: 18545 };
    const scripts = {
      userData,
      install: asRoot(installRuntimeScript()),
      configure: asRoot(configureNodeScript(gateway)),
      remove: asRoot(removeNodeScript()),
      readiness: readinessScript(path, 60),
      deploy: deployScript(path, 60),
    };
    for (const [name, script] of Object.entries(scripts)) {
      writeFileSync(join(dir, name), script);
      execFileSync('/bin/bash', ['-n', join(dir, name)]);
    }
    const units = embeddedFiles(configureNodeScript(gateway)).join('\n');
    assert.match(units, /ExecStart=\/usr\/bin\/socat TCP-LISTEN:8546,bind=127\.0\.0\.1,fork,reuseaddr TCP:192\.168\.10\.21:8545/);
    assert.match(units, /--network host --user 1000:1000 -v \/opt\/derchain:\/opt\/derchain hyperledger\/besu:26\.2\.0 --config-file=\/opt\/derchain\/config\.toml/);
    assert.ok(!units.includes('--metrics-enabled'), 'no metrics exposed on gateways');
    assert.ok(userData.length < 16 * 1024);
  });

  it('passes stdin through the root wrapper to the script (the gateway key path)', () => {
    const script = asRoot('set -euo pipefail\nkey=$(head -c 256)\nprintf "got %s bytes" "${#key}"');
    const out = bash(script.replace(/^sudo -n /, ''), { input: 'ab'.repeat(32) });
    assert.equal(out, 'got 64 bytes');
    assert.ok(!script.includes('ab'.repeat(32)));
  });

  it('waits for blocks through the tunnel, then runs the deploy command and prints its JSON', async () => {
    let calls = 0;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += String(d)));
      req.on('end', () => {
        const { id, method } = JSON.parse(body) as { id: number; method: string };
        calls++;
        assert.equal(method, 'eth_blockNumber');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: calls < 2 ? '0x0' : '0x1a' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // Fake `aws` (the SSM session just sleeps; the stand-in already listens on the local port).
      mkdirSync(join(dir, 'fakebin'));
      writeFileSync(join(dir, 'fakebin', 'aws'), '#!/bin/bash\necho "$@" > "$FAKE_AWS_ARGS"\nsleep 30\n');
      chmodSync(join(dir, 'fakebin', 'aws'), 0o755);
      // Fake deploy command at bin/derchain.mjs in the working directory.
      mkdirSync(join(dir, 'bin'));
      writeFileSync(
        join(dir, 'bin', 'derchain.mjs'),
        'const rpc = process.argv[process.argv.indexOf("--rpc") + 1];\n' +
          'if (!process.env.DERCHAIN_DEPLOYER_KEY) process.exit(3);\n' +
          'console.log("deploying via " + rpc);\n' +
          'console.log(JSON.stringify({ coordinator: "0x5FbDB2315678afecb367f032d93F642f64180aa3", rpc }));\n',
      );
      const path = { via: 'ssm' as const, region: 'eu-central-1', instanceId: 'i-0abc', privateIp: '10.42.0.10', localPort: port };
      const env = { ...process.env, PATH: `${join(dir, 'fakebin')}:${process.env.PATH ?? ''}`, FAKE_AWS_ARGS: join(dir, 'aws-args') };

      const ready = await bashAsync(readinessScript(path, 60).replace(/sleep 5/, 'sleep 0.2'), dir, env);
      assert.equal(ready.code, 0, ready.stderr);
      assert.equal(ready.stdout.trim(), '26');
      assert.match(readFileSync(join(dir, 'aws-args'), 'utf8'), /ssm start-session --region eu-central-1 --target i-0abc --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=10\.42\.0\.10,portNumber=8545,localPortNumber=\d+/);

      const noKey = await bashAsync(deployScript(path, 60), dir, env);
      assert.notEqual(noKey.code, 0, 'refuses to run without the deployer key');
      const deployed = await bashAsync(deployScript(path, 60), dir, { ...env, DERCHAIN_DEPLOYER_KEY: '0x' + '11'.repeat(32) });
      assert.equal(deployed.code, 0, deployed.stderr);
      const contracts = parseDeployOutput(deployed.stdout);
      assert.deepEqual(contracts, { coordinator: '0x5FbDB2315678afecb367f032d93F642f64180aa3' });
      assert.match(deployed.stdout, new RegExp(`http://127\\.0\\.0\\.1:${port}`));
    } finally {
      server.close();
    }
  });

  it('gives up when the chain never produces a block', async () => {
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x0' })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const script = readinessScript({ via: 'direct', region: 'eu-central-1', instanceId: 'i-0', privateIp: '127.0.0.1', localPort: 18545 }, 30)
        .replace('http://127.0.0.1:8545', `http://127.0.0.1:${port}`)
        .replace('deadline=$((SECONDS + 30))', 'deadline=$((SECONDS + 1))')
        .replace(/sleep 5/, 'sleep 0.2');
      const r = await bashAsync(script, dir, process.env);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /no blocks/);
    } finally {
      server.close();
    }
  });

  it('parses the deploy output and finds the coordinator', () => {
    assert.deepEqual(parseDeployOutput('log line\n{"contracts":{"coordinator":"0x5FbDB2315678afecb367f032d93F642f64180aa3","governance":"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},"chainId":5}\n'), {
      coordinator: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      governance: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    });
    assert.throws(() => parseDeployOutput('deployed!\n'), /no JSON object/);
    assert.throws(() => coordinatorAddressOf({ governance: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512' }), /no coordinator/);
  });

  it('plans non-overlapping subnets and fixed host addresses', () => {
    const vpc = '10.42.0.0/16';
    const blocks = [0, 1, 2, 3, 4, 5].map((i) => privateSubnetCidr(vpc, i)).concat(publicSubnetCidr(vpc));
    assert.deepEqual(blocks.slice(0, 3), ['10.42.0.0/19', '10.42.32.0/19', '10.42.64.0/19']);
    assert.equal(blocks[6], '10.42.224.0/19');
    for (let a = 0; a < blocks.length; a++) for (let b = a + 1; b < blocks.length; b++) assert.ok(!cidrsOverlap(parseCidr(blocks[a]!), parseCidr(blocks[b]!)));
    assert.equal(hostOf(parseCidr('10.42.32.0/19'), 10), '10.42.32.10');
    assert.throws(() => parseCidr('10.42.0.1/16'), /host bits/);
    assert.throws(() => privateSubnetCidr(vpc, 6), /at most 6/);
  });
});
