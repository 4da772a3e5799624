// chain/localChain.ts: anvil runs as the real binary (not the npm wrapper), its exit is observed,
// and stop() leaves no process behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { anvilBinary, startAnvil } from '../../chain/localChain.js';
import { rpcAnswers } from '../../chain/rpc.js';

describe('local chains (chain/localChain.ts)', () => {
  it('resolves the anvil executable itself, not the node wrapper script', () => {
    const bin = anvilBinary();
    const head = readFileSync(bin).subarray(0, 4);
    // ELF (Linux), Mach-O (macOS) or PE (Windows): never a "#!/usr/bin/env node" script
    assert.notEqual(head.subarray(0, 2).toString(), '#!', `${bin} is a script`);
  });

  it('supervises the real anvil process: a kill from outside settles `exited` and the RPC stops answering', async () => {
    const anvil = await startAnvil({ accounts: 1 });
    try {
      assert.ok(anvil.running());
      const cmdline = readFileSync(`/proc/${anvil.process.pid}/cmdline`, 'utf8').split('\0');
      assert.match(cmdline[0]!, /anvil$/, 'the watched pid runs anvil');
      assert.ok(!cmdline.some((a) => a.endsWith('.mjs')), 'no node wrapper in between');
      assert.ok(await rpcAnswers(anvil.rpcUrl));
      process.kill(anvil.process.pid!, 'SIGKILL');
      const exit = await anvil.exited;
      assert.equal(exit.signal, 'SIGKILL');
      assert.equal(anvil.running(), false);
      assert.equal(await rpcAnswers(anvil.rpcUrl, 500), false);
    } finally {
      await anvil.stop();
    }
  });

  it('stop() ends anvil and resolves once it has exited', async () => {
    const anvil = await startAnvil({ accounts: 1 });
    await anvil.stop();
    assert.equal(anvil.running(), false);
    const exit = await anvil.exited;
    assert.ok(exit.signal === 'SIGTERM' || exit.code === 0, JSON.stringify(exit));
    await anvil.stop(); // idempotent
  });
});
