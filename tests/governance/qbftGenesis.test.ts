// The QBFT genesis alloc entry: loaded as a genesis account (anvil --init), the contract must hold
// exactly the state its constructor would have written, answer getValidators() for Besu's
// contract validator selection, and keep working (a majority adds a validator).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { deployGovernance, type GovernanceGenesis } from '../../governance/deployGovernance.js';
import { GovernanceClient } from '../../governance/governanceClient.js';
import { connectNode } from '../../chain/rpc.js';
import { DEFAULT_GOVERNANCE_GENESIS_ADDRESS, qbftContractModeGenesis } from '../../governance/qbftGenesis.js';
import { startAnvil, type AnvilChain } from './anvilChain.js';

const key = () => generatePrivateKey();
const addressOf = (k: Hex): Address => privateKeyToAccount(k).address;

describe('QBFT genesis alloc for the governance contract', function () {
  this.timeout(60000);
  const memberKeys = [key(), key(), key()];
  const genesis: GovernanceGenesis = {
    members: memberKeys.map((k, i) => ({ address: addressOf(k), name: i === 0 ? 'A municipal utility with a long name, over 32 bytes' : `Org ${i}` })),
    validators: [0, 1, 2, 3].map((i) => ({
      address: addressOf(key()),
      enode: `enode://${'c3'.repeat(64)}@127.0.0.1:${30303 + i}`,
      label: i === 3 ? '' : `validator-${i}`,
    })),
    votingPeriodSeconds: 86400,
    coordinator: addressOf(key()),
  };
  const parts = qbftContractModeGenesis(genesis, { blockPeriodSeconds: 2 });
  const contract = getAddress(DEFAULT_GOVERNANCE_GENESIS_ADDRESS);
  let reference: AnvilChain;
  let fromGenesis: AnvilChain;
  let referenceAddress: Address;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'derchain-qbft-'));
    const genesisFile = join(dir, 'genesis.json');
    const alloc: Record<string, unknown> = { ...parts.alloc };
    for (const k of memberKeys) alloc[addressOf(k).toLowerCase()] = { balance: '0x3635c9adc5dea00000' };
    writeFileSync(
      genesisFile,
      JSON.stringify({
        config: { chainId: 31337, homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0, byzantiumBlock: 0, constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0, berlinBlock: 0, londonBlock: 0, qbft: parts.qbft },
        nonce: '0x0',
        timestamp: '0x0',
        extraData: '0x',
        gasLimit: '0x1c9c380',
        difficulty: '0x1',
        alloc,
      }),
    );
    fromGenesis = await startAnvil(0, ['--init', genesisFile]);
    reference = await startAnvil(1);
    const deployer = reference.accounts[0]!;
    referenceAddress = await deployGovernance(deployer.publicClient, deployer.walletClient!, genesis);
  });
  after(async () => {
    await fromGenesis?.stop();
    await reference?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the contract in the qbft config (contract validator selection)', () => {
    assert.equal(parts.qbft.validatorcontractaddress, contract.toLowerCase());
    assert.equal(parts.qbft.blockperiodseconds, 2);
    assert.equal(parts.qbft.epochlength, 30000);
  });

  it('writes the same storage slots as the constructor, and the same runtime code', async () => {
    const entry = parts.alloc[contract.toLowerCase()]!;
    const { publicClient } = await connectNode(reference.rpcUrl);
    assert.equal(await publicClient.getCode({ address: referenceAddress }), entry.code);
    const slots = Object.entries(entry.storage);
    assert.ok(slots.length >= 30, `only ${slots.length} slots`);
    for (const [slot, value] of slots) {
      assert.equal(await publicClient.getStorageAt({ address: referenceAddress, slot: slot as Hex }), value, `slot ${slot}`);
    }
  });

  it('serves getValidators(), members and labels from the genesis state', async () => {
    const { publicClient } = await connectNode(fromGenesis.rpcUrl);
    const g = new GovernanceClient(publicClient, contract);
    const r = new GovernanceClient((await connectNode(reference.rpcUrl)).publicClient, referenceAddress);
    assert.deepEqual(await g.validators(), await r.validators());
    assert.deepEqual((await g.validators()).map((v) => v.address), genesis.validators.map((v) => getAddress(v.address)));
    assert.deepEqual(await g.members(), await r.members());
    assert.equal((await g.members())[0]!.name, genesis.members[0]!.name);
    assert.equal(await g.coordinator(), getAddress(genesis.coordinator!));
    assert.equal(await g.majority(), 2);
  });

  it('lets the genesis members decide: 2 of 3 add a fifth validator', async () => {
    const [a, b] = await Promise.all(memberKeys.slice(0, 2).map((k) => connectNode(fromGenesis.rpcUrl, k)));
    const ga = new GovernanceClient(a!.publicClient, contract, a!.walletClient);
    const gb = new GovernanceClient(b!.publicClient, contract, b!.walletClient);
    const fifth = addressOf(key());
    const { id } = await ga.propose('add-validator', fifth, { label: 'fifth' });
    assert.equal((await gb.vote(id, true)).status, 'executed');
    assert.equal((await ga.validators()).length, 5);
  });

  it('rejects a genesis with duplicate validators', () => {
    const v = genesis.validators[0]!;
    assert.throws(() => qbftContractModeGenesis({ ...genesis, validators: [v, v] }, { blockPeriodSeconds: 2 }), /appears twice among the validators/);
  });
});
