// `derchain deploy`: deploys the coordinator on a real anvil with a key from the environment,
// prints its address as JSON (what infra's deploy step parses), and never prints the key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createPublicClient, http } from 'viem';
import { startAnvil, type AnvilHandle } from '../../chain/localChain.js';

const run = promisify(execFile);
// anvil's well-known first dev account (public test key, funded on every anvil)
const ANVIL_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('cli: derchain deploy', () => {
  let anvil: AnvilHandle;
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => anvil?.stop());

  it('deploys the coordinator and prints its address, not the key', async () => {
    const { stdout, stderr } = await run('node', ['bin/derchain.mjs', 'deploy', '--rpc', anvil.rpcUrl, '--json'], {
      env: { ...process.env, DERCHAIN_DEPLOYER_KEY: ANVIL_KEY_0 },
    });
    const out = JSON.parse(stdout.trim()) as { coordinator: `0x${string}`; deployer: string };
    assert.match(out.coordinator, /^0x[0-9a-fA-F]{40}$/);
    assert.equal(out.deployer.toLowerCase(), '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266');
    const code = await createPublicClient({ transport: http(anvil.rpcUrl) }).getCode({ address: out.coordinator });
    assert.ok(code && code.length > 100, 'contract code at the printed address');
    assert.ok(!stdout.includes(ANVIL_KEY_0.slice(2)) && !stderr.includes(ANVIL_KEY_0.slice(2)), 'key never printed');
  });

  it('refuses to run without a key, and a non-loopback RPC', async () => {
    const env = { ...process.env };
    delete env.DERCHAIN_DEPLOYER_KEY;
    await assert.rejects(run('node', ['bin/derchain.mjs', 'deploy', '--rpc', anvil.rpcUrl], { env }), /DERCHAIN_DEPLOYER_KEY/);
    await assert.rejects(
      run('node', ['bin/derchain.mjs', 'deploy', '--rpc', 'http://rpc.example.invalid:8545'], { env: { ...env, DERCHAIN_DEPLOYER_KEY: ANVIL_KEY_0 } }),
      /loopback/,
    );
  });
});
