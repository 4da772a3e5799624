// The commands run in-process (cli/commandIO.ts: output streams, environment and exit code passed
// in, after gh's NewCmd(f, runF)): `network validate|generate`, `deploy` and `verify`, with what a
// shell would see (stdout, stderr, exit code) and no child process per call. The shared connection
// flags (cli/connectionOptions.ts) are checked once here too.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { startAnvil, type AnvilHandle } from '../../chain/localChain.js';
import { addJsonOption, addKeyFileOption, addRpcOption } from '../../cli/connectionOptions.js';
import { register as registerDeploy } from '../../cli/commands/deploy.js';
import { register as registerNetwork } from '../../cli/commands/network.js';
import { register as registerVerify } from '../../cli/commands/verify.js';
import { runCommand } from './inProcess.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'network-config', 'examples', 'pilot.yaml');
// anvil's well-known first dev account (public test key, funded on every anvil)
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('cli in-process: network, deploy, verify', function () {
  this.timeout(60_000);
  let dir: string;
  let anvil: AnvilHandle;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-cli-inproc-'));
    anvil = await startAnvil({ accounts: 1 });
  });
  after(async () => {
    await anvil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shared flags: --rpc (one or many), --key-file with its environment variable, --json', () => {
    const one = addJsonOption(addKeyFileOption(addRpcOption(new Command('x'), { required: true }), { whose: "deployer's", env: 'DERCHAIN_DEPLOYER_KEY' }));
    const many = addRpcOption(new Command('y'), { many: true });
    assert.deepEqual(
      one.options.map((o) => o.flags),
      ['--rpc <url>', '--key-file <file>', '--json'],
    );
    assert.equal(one.options[0]!.mandatory, true);
    assert.match(one.options[1]!.description, /chmod 600.*\$DERCHAIN_DEPLOYER_KEY/);
    assert.equal(many.options[0]!.variadic, true);
  });

  it('network validate: ok line on stdout, exit 0', async () => {
    const r = await runCommand(registerNetwork, ['network', 'validate', EXAMPLE]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /pilot\.yaml: ok: chain 46021, clique, 4 validators, 2 members, 2 funded accounts/);
  });

  it('network validate: a bad file is bad input (exit 2) naming file, line and key; nothing on stdout', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(EXAMPLE, 'utf8').replace('chainId: 46021', 'chainId: -5'));
    const r = await runCommand(registerNetwork, ['network', 'validate', bad]);
    assert.equal(r.exitCode, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^derchain network validate: .*bad\.yaml.*chainId/s);
  });

  it('network generate --json: the summary on stdout, files written, no key material printed', async () => {
    const out = join(dir, 'net');
    const r = await runCommand(registerNetwork, ['network', 'generate', EXAMPLE, '--out', out, '--json']);
    assert.equal(r.exitCode, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { out: string; besuImage: string };
    assert.equal(j.out, out);
    assert.ok(existsSync(join(out, 'docker-compose.yml')));
    assert.ok(!/private|BEGIN|[0-9a-f]{64}(?![0-9a-f])/i.test(r.stdout.replace(/enode:\/\/[0-9a-f]+/g, '')), 'no key in the summary');
  });

  it('deploy: the key comes from the environment passed in, the address goes to stdout', async () => {
    const r = await runCommand(registerDeploy, ['deploy', '--rpc', anvil.rpcUrl, '--json'], { DERCHAIN_DEPLOYER_KEY: ANVIL_KEY_0 });
    assert.equal(r.exitCode, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { coordinator: string; deployer: string };
    assert.match(j.coordinator, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(j.deployer.toLowerCase(), '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266');
    assert.ok(!r.stdout.includes(ANVIL_KEY_0.slice(2)) && !r.stderr.includes(ANVIL_KEY_0.slice(2)));
  });

  it('deploy: without a key in the passed environment it fails (exit 1) and sends nothing', async () => {
    const r = await runCommand(registerDeploy, ['deploy', '--rpc', anvil.rpcUrl], {});
    assert.equal(r.exitCode, 1);
    assert.match(r.stderr, /no deployer key: give --key-file FILE or set DERCHAIN_DEPLOYER_KEY/);
  });

  it('verify: a round that no contract opened is bad input (exit 2); a bad --round too', async () => {
    const none = await runCommand(registerVerify, ['verify', '--rpc', anvil.rpcUrl, '--round', '7']);
    assert.equal(none.exitCode, 2, none.stderr);
    assert.match(none.stderr, /^derchain verify: field round: no contract on the chain at http:\/\/127\.0\.0\.1:\d+ opened round 7/);
    const bad = await runCommand(registerVerify, ['verify', '--rpc', anvil.rpcUrl, '--round', '0']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /--round must be a round id >= 1/);
  });

  it('verify: a missing --rpc is a usage error from the shared flag', async () => {
    const r = await runCommand(registerVerify, ['verify', '--round', '1']);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /required option '--rpc <url>' not specified/);
  });
});
