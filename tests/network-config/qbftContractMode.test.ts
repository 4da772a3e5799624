// QBFT with contract validator selection, from the consortium spec: the Besu genesis names the
// governance contract in config.qbft, its extraData lists no validator, and the pre-deployed
// contract (loaded by a real EVM from that genesis's alloc) answers getValidators() with the
// spec's validators, which is what Besu reads.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicClient, fromRlp, getAddress, http, type Address, type Hex } from 'viem';
import { startAnvil, type AnvilHandle } from '../../chain/localChain.js';
import { governanceAbi } from '../../governance/governanceAbi.js';
import { generateNetwork } from '../../network-config/generate.js';
import { ConsortiumSpecError } from '../../network-config/errors.js';
import { parseConsortiumSpec } from '../../network-config/spec.js';

const MEMBERS = ['0x1000000000000000000000000000000000000001', '0x2000000000000000000000000000000000000002'];

function qbftSpecText(extra: string): string {
  const base = readFileSync('network-config/examples/pilot.yaml', 'utf8').replace(/^consensus: clique\b.*$/m, 'consensus: qbft');
  return `${base}\n${extra}`;
}

describe('network-config: QBFT contract validator selection', () => {
  const spec = parseConsortiumSpec(
    qbftSpecText(`governance:\n  validatorSelection: contract\n  members:\n    - { address: "${MEMBERS[0]}", name: Utility }\n    - { address: "${MEMBERS[1]}", name: Coop }\n`),
    'qbft.yaml',
  );
  const net = generateNetwork(spec, { seed: 'qbft-contract' });
  const genesis = net.besuGenesis as { config: { qbft: Record<string, unknown>; chainId: number }; extraData: Hex; alloc: Record<string, { code?: Hex }> };
  const validators = net.nodes.filter((n) => n.role === 'validator').map((n) => getAddress(n.signerAddress!));
  let anvil: AnvilHandle | undefined;
  let dir: string | undefined;
  after(async () => {
    await anvil?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names the contract in config.qbft and lists no validator in extraData', () => {
    assert.equal(spec.consensus, 'qbft');
    const address = genesis.config.qbft.validatorcontractaddress as string;
    assert.match(address, /^0x[0-9a-f]{40}$/);
    assert.ok(genesis.alloc[address.slice(2)]?.code, 'the contract is pre-deployed in the genesis alloc');
    const [, listed] = fromRlp(genesis.extraData, 'hex') as [Hex, Hex[]];
    assert.deepEqual(listed, []);
  });

  it('the pre-deployed contract answers getValidators() with the spec validators, and the members', async () => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-qbft-contract-'));
    const file = join(dir, 'genesis.json');
    // anvil loads the alloc of a genesis file; the consensus block itself is Besu's business
    writeFileSync(file, JSON.stringify({ ...genesis, config: { chainId: genesis.config.chainId, londonBlock: 0 } }));
    anvil = await startAnvil({ extraArgs: ['--init', file] });
    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    const address = getAddress(genesis.config.qbft.validatorcontractaddress as string) as Address;
    const onChain = (await client.readContract({ address, abi: governanceAbi, functionName: 'getValidators' })) as readonly Address[];
    assert.deepEqual([...onChain].map((a) => getAddress(a)).sort(), [...validators].sort());
    for (const m of MEMBERS) {
      assert.equal(await client.readContract({ address, abi: governanceAbi, functionName: 'isMember', args: [getAddress(m)] }), true);
    }
  });

  it('refuses contract selection on Clique and without members, naming the key', () => {
    assert.throws(
      () => parseConsortiumSpec(`${readFileSync('network-config/examples/pilot.yaml', 'utf8')}\ngovernance:\n  validatorSelection: contract\n  members: [{ address: "${MEMBERS[0]}", name: U }]\n`, 'c.yaml'),
      (e: unknown) => e instanceof ConsortiumSpecError && /governance\.validatorSelection/.test(e.message) && /QBFT/.test(e.message),
    );
    assert.throws(
      () => parseConsortiumSpec(qbftSpecText('governance:\n  validatorSelection: contract\n'), 'q.yaml'),
      (e: unknown) => e instanceof ConsortiumSpecError && /governance\.members/.test(e.message),
    );
  });
});
