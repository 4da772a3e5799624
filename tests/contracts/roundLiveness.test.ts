// A bilateral round can always be closed (issue 14, defect 2): openRound refuses sizes whose
// one-row transaction cannot fit the block gas limit (and that bound holds on measured gas),
// advance() works in chunks, the operator can cancel a stuck round (event, then a new round
// opens), the operator role moves in two steps, and reverts read as sentences.
import assert from 'node:assert/strict';
import { BaseError, ContractFunctionRevertedError, decodeEventLog, type Hex } from 'viem';
import { startDevChain, type DevChain } from '../../chain/localChain.js';
import { ROUND_STATUS, type OpenRoundArgs, worstRowTxGas } from '../../contracts/coordinatorClient.js';
import { CoordinatorRevertError, explainCoordinatorError } from '../../contracts/coordinatorErrors.js';
import { encodeRow } from '../../contracts/rowCodec.js';
import { verifyRound } from '../../node-agent/roundReplay.js';

async function reverts(p: Promise<unknown>, name: string): Promise<unknown> {
  let caught: unknown;
  await assert.rejects(p, (err: unknown) => {
    const rev = err instanceof BaseError ? (err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null) : null;
    assert.equal(rev?.data?.errorName, name, `expected ${name}, got ${String(err).slice(0, 300)}`);
    caught = err;
    return true;
  });
  return caught;
}

describe('coordinator contract: a round can always be closed', function () {
  this.timeout(120_000);
  let dev: DevChain;
  const n = 3;
  const t = 24;
  let base: OpenRoundArgs;
  const row = (v: bigint) => encodeRow(Array.from({ length: (n - 1) * t }, (_, k) => v + BigInt(k * 1013)));
  const mine = (blocks: number) => dev.publicClient.request({ method: 'anvil_mine' as never, params: [`0x${blocks.toString(16)}`] as never });
  before(async () => {
    dev = await startDevChain({ accounts: 6 });
    for (let k = 1; k <= n; k++) await dev.as(0).admitProsumer(dev.accounts[k]);
    base = {
      participants: dev.accounts.slice(1, 1 + n),
      horizon: t,
      rho: 100_000n,
      epsAbs: 1n,
      epsDual: 1n,
      epsRelPpm: 0n,
      balanceRho: false,
      maxIterations: 5,
      deadlineBlocks: 2,
      maxAbsTrade: 10_000_000n,
    };
  });
  after(async () => dev?.stop());

  it('measured one-row transactions stay under the bound; a size whose row cannot fit a block is refused', async () => {
    await dev.as(0).openRound(base);
    const round = await dev.as(0).currentRound();
    for (let i = 0; i < n; i++) {
      const r = await dev.as(1 + i).submit(round, 1, i, row(BigInt(i + 1) * 700_001n));
      assert.ok(r.gasUsed <= worstRowTxGas(n, t), `submit ${i} used ${r.gasUsed} > bound ${worstRowTxGas(n, t)}`);
    }
    await dev.as(0).cancelRound(round);
    // a 2 M gas block cannot carry one row of 3 x 100 slots (150k + 10k * 2 * 100 = 2.15 M)
    await dev.publicClient.request({ method: 'evm_setBlockGasLimit' as never, params: ['0x1e8480'] as never });
    const err = await reverts(dev.as(0).openRound({ ...base, horizon: 100 }), 'RoundTooBigForBlock');
    const explained = explainCoordinatorError(err);
    assert.ok(explained instanceof CoordinatorRevertError);
    assert.match(explained.message, /one row's transaction could need 2150000 gas, more than the block gas limit 2000000/);
    await dev.publicClient.request({ method: 'evm_setBlockGasLimit' as never, params: ['0x3938700'] as never });
  });

  it('advance() fills missing rows in chunks, and the replay agrees', async () => {
    await dev.as(0).openRound(base);
    const round = await dev.as(0).currentRound();
    const r0 = row(1_000_000n);
    await dev.as(1).submit(round, 1, 0, r0);
    await mine(3);
    await reverts(dev.as(5).advance(round, 1, []), 'WrongLength');
    await reverts(dev.as(5).advance(round, 1, ['0x', '0x', '0x']), 'WrongLength');
    await dev.as(5).advance(round, 1, ['0x']); // participant 1 only
    let st = await dev.as(0).roundState(round);
    assert.equal(st.iteration, 1);
    assert.equal(st.count, 2);
    await dev.as(5).advance(round, 1, ['0x']); // participant 2 completes the iteration
    st = await dev.as(0).roundState(round);
    assert.equal(st.iteration, 2);
    assert.equal(st.count, 0);
    const report = await verifyRound(dev.publicClient, dev.address, round);
    assert.equal(report.iterations, 1);
    assert.deepEqual(report.mismatches, []);
  });

  it('the operator cancels a stuck round with an event; a new round opens; others cannot cancel', async () => {
    const round = await dev.as(0).currentRound();
    await reverts(dev.as(0).openRound(base), 'RoundStillOpen');
    await reverts(dev.as(1).cancelRound(round), 'NotOperator');
    const cancelled = await dev.as(0).cancelRound(round);
    const receipt = await dev.publicClient.getTransactionReceipt({ hash: cancelled.hash });
    const names = receipt.logs.map((l) => decodeEventLog({ abi: dev.as(0).abi, data: l.data, topics: l.topics }).eventName);
    assert.deepEqual(names, ['RoundCancelled', 'RoundEnded']);
    assert.equal((await dev.as(0).roundState(round)).status, ROUND_STATUS.cancelled);
    await reverts(dev.as(1).submit(round, 2, 0, row(0n)), 'RoundClosed');
    await reverts(dev.as(0).cancelRound(round), 'RoundClosed');
    await dev.as(0).openRound(base);
    assert.equal(await dev.as(0).currentRound(), round + 1n);
  });

  it('hands the operator role over in two steps', async () => {
    await dev.as(0).write('transferOperator', [dev.accounts[4]]);
    assert.equal((await dev.publicClient.readContract({ address: dev.address, abi: dev.as(0).abi, functionName: 'operator' })) as Hex, dev.accounts[0]);
    await reverts(dev.as(5).write('acceptOperator', []), 'NotProposed');
    await dev.as(4).write('acceptOperator', []);
    const round = await dev.as(0).currentRound();
    await reverts(dev.as(0).cancelRound(round), 'NotOperator');
    await dev.as(4).write('transferOperator', [dev.accounts[0]]);
    await dev.as(0).write('acceptOperator', []);
    await dev.as(0).cancelRound(round);
  });
});
