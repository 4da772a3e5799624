// A generated configuration that Besu refuses fails with Besu's own message: the Clique files run
// on Besu 26.8.0, which no longer has Clique (it refuses the CLIQUE API in the generated
// config.toml; Clique needs 26.2.0). One node, so it is quick.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBesu } from '../../network-config/besuBinary.js';
import { startDevnet } from '../../network-config/devnet.js';
import { freeDevnetBasePort } from '../../network-config/devnetPorts.js';

describe('Besu refuses a generated configuration: the error carries Besu\'s own words', function () {
  this.timeout(300_000);
  let dir = '';
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Clique files on Besu 26.8.0: start-up fails with Besu\'s refusal, and no node is left running', async () => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-besu-refusal-'));
    const besu = findBesu('26.8.0');
    let caught: Error | undefined;
    try {
      await startDevnet({ dir, client: 'besu', consensus: 'clique', validators: 1, basePort: await freeDevnetBasePort(1), besu, seed: 'refusal' });
    } catch (err) {
      caught = err as Error;
    }
    assert.ok(caught, 'Besu 26.8.0 started a Clique network');
    // Besu's refusal as it wrote it in the node's log, quoted in the error
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes in Besu's console log
    const log = readFileSync(join(dir, 'logs', 'v0.log'), 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
    // 26.8.0 no longer knows the CLIQUE JSON-RPC API the generated config.toml enables:
    // "Failed to start Besu: Invalid value for option '--rpc-http-api': invalid entries found [CLIQUE]"
    const refusal = log.split('\n').find((l) => /\| ERROR +\|.*Failed to start Besu/.test(l));
    assert.ok(refusal, `no refusal in the Besu log:\n${log.slice(-2000)}`);
    assert.match(refusal, /CLIQUE|Clique/);
    assert.ok(caught.message.includes(refusal.trim()), `the error does not quote Besu:\n${caught.message}`);
    assert.match(caught.message, /Besu v0 exited during start-up/);
    const state = JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8')) as { nodes: { pid: number | null }[] };
    assert.ok(state.nodes.every((n) => n.pid === null), 'a node pid is still recorded');
  });
});
