// `derchain pilot` runs the community (pool) market by default: on an existing anvil (--rpc, the
// operator's key in a file) with the households' agents and the in-process batching relay, stdout
// holds one JSON object with market "pool", matchesInMemory, the settlement on chain equal to the
// report's, gas figures; trades.csv carries the settlement per household and slot. `derchain verify`
// finds the round's pool coordinator by itself and replays it (clearings, settlement, signers).
// Bad pool flags exit 2 before anything starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startAnvil } from '../../chain/localChain.js';
import { rpcCall } from '../../chain/rpc.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LAUNCHER = join(ROOT, 'bin', 'derchain.mjs');

function derchain(command: string, args: string[]) {
  const r = spawnSync(process.execPath, [LAUNCHER, command, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DERCHAIN_DATA_DIR: '' }, timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: derchain pilot (community market, the default)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-cli-pool-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the pool on chain, matches the in-memory engine and settles; verify replays it', async () => {
    const anvil = await startAnvil({ accounts: 1, gasLimit: 100_000_000n });
    try {
      const key = generatePrivateKey();
      await rpcCall(anvil.rpcUrl, 'anvil_setBalance', [privateKeyToAccount(key).address, '0x3635c9adc5dea00000']);
      const keyFile = join(dir, 'operator.key');
      writeFileSync(keyFile, key, { mode: 0o600 });
      const out = join(dir, 'report');
      const r = derchain('pilot', ['--rpc', anvil.rpcUrl, '--operator-key-file', keyFile, '--prosumers', '3', '--households-per-process', '3', '--batch-size', '2', '--json', '--out', out]);
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      const j = JSON.parse(r.stdout.trim());
      assert.equal(j.market, 'pool');
      assert.equal(j.matchesInMemory, true);
      assert.equal(j.settlementMatches, true);
      assert.equal(j.stopRuleMet, true);
      assert.ok(j.iterations >= 2 && j.iterations <= 40, `${j.iterations} iterations`);
      assert.equal(j.batchSize, 2);
      assert.ok(j.gasPerIteration > 0 && j.gasPerProsumerIteration > 0);
      assert.equal(j.signaturesChecked, 3 * j.iterations);
      const amounts = (j.settlement as { amount: string }[]).map((s) => BigInt(s.amount));
      assert.equal(amounts.reduce((a, b) => a + b, 0n), 0n);
      const csv = readFileSync(join(out, 'trades.csv'), 'utf8').trim().split('\n');
      assert.equal(csv[0], 'prosumer,partner,slot,timestamp,trade_kW,price_per_kWh,settlement');
      assert.equal(csv.length, 1 + 3 * 24);
      assert.doesNotMatch(r.stdout + r.stderr, /"0x[0-9a-f]{64}"/, 'a private key in the output');

      const v = derchain('verify', ['--rpc', anvil.rpcUrl, '--round', '1', '--json']);
      assert.equal(v.code, 0, v.stderr);
      const rep = JSON.parse(v.stdout);
      assert.equal(rep.ok, true);
      assert.equal(rep.market, 'pool');
      assert.equal(rep.contract.toLowerCase(), j.contract.toLowerCase());
      assert.equal(rep.codeMatchesSource, true);
      assert.equal(rep.iterations, j.iterations);
      assert.deepEqual(rep.settlement, (j.settlement as { amount: string }[]).map((s) => s.amount));
    } finally {
      await anvil.stop();
    }
  });

  it('exits 2 on bad pool flags before starting a chain', () => {
    const submit = derchain('pilot', ['--submit', 'carrier-pigeon']);
    assert.equal(submit.code, 2);
    assert.match(submit.stderr, /--submit must be relay or own/);
    const batch = derchain('pilot', ['--batch-size', '0']);
    assert.equal(batch.code, 2);
    assert.match(batch.stderr, /--batch-size must be a whole number from 1 to 200/);
    const big = derchain('pilot', ['--market', 'bilateral', '--generator', '--prosumers', '65']);
    assert.equal(big.code, 2);
    assert.match(big.stderr, /the bilateral market takes at most 64 prosumers/);
  });
});
