// `derchain verify` is not ok when the code at the address is not the coordinator's source
// (issue 14, defect 10): a round whose events replay clean, at an address whose code differs from
// the source (anvil setCode), gives ok false and exit 1. The clean case is in tests/cli/pilot.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startDevChain, type DevChain } from '../../chain/localChain.js';
import { encodeRow } from '../../contracts/rowCodec.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

function verify(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'derchain.mjs'), 'verify', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: derchain verify checks the code at the address', function () {
  this.timeout(120_000);
  let dev: DevChain;
  before(async () => {
    dev = await startDevChain({ accounts: 3 });
  });
  after(async () => dev?.stop());

  it('ok false and exit 1 when the code differs, although the events replay clean', async () => {
    const t = 2;
    for (const k of [1, 2]) await dev.as(0).admitProsumer(dev.accounts[k]);
    await dev.as(0).openRound({
      participants: [dev.accounts[1], dev.accounts[2]],
      horizon: t,
      rho: 1_000_000n,
      epsAbs: 1n,
      epsDual: 1n,
      epsRelPpm: 0n,
      balanceRho: false,
      maxIterations: 1,
      deadlineBlocks: 5,
      maxAbsTrade: 10_000_000n,
    });
    const round = await dev.as(0).currentRound();
    await dev.as(1).submit(round, 1, 0, encodeRow([500_000n, -200_000n]));
    await dev.as(2).submit(round, 1, 1, encodeRow([-500_000n, 200_000n]));
    const args = ['--rpc', dev.anvil.rpcUrl, '--round', String(round), '--contract', dev.address, '--json'];
    const code = await dev.publicClient.getCode({ address: dev.address });
    await dev.publicClient.request({ method: 'anvil_setCode' as never, params: [dev.address, `${code}00`] as never });
    const other = verify(args);
    assert.equal(other.code, 1, other.stderr);
    const report = JSON.parse(other.stdout);
    assert.equal(report.codeMatchesSource, false);
    assert.equal(report.ok, false);
    assert.deepEqual(report.mismatches, []);
    assert.deepEqual(report.oscillating, [], 'the oscillation check runs (one honest iteration: none)');
  });
});
