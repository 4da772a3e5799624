// The storage slots the QBFT genesis generator writes (governance/qbftGenesis.ts) must not move:
// a network generated with one version keeps its genesis state. Pinned twice: in solc's layout,
// and by reading raw slots of a constructor-deployed contract on a real EVM (anvil).
import assert from 'node:assert/strict';
import { encodeAbiParameters, getAddress, keccak256, numberToHex, padHex, type Address, type Hex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { compileGovernance } from '../../governance/compile.js';
import { deployGovernance } from '../../governance/deployGovernance.js';
import { startAnvil, type AnvilChain } from './anvilChain.js';

const word = (n: bigint): Hex => padHex(numberToHex(n), { size: 32 });
const mappingSlot = (slot: bigint, key: Address): Hex =>
  keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [key, slot]));
const arrayElement = (slot: bigint, i: number): Hex => word(BigInt(keccak256(word(slot))) + BigInt(i));

describe('governance storage layout (what QBFT contract mode writes)', function () {
  this.timeout(60000);

  it('keeps every pre-existing variable at its slot and offset; new state is appended', () => {
    const { storage, types } = compileGovernance().storageLayout;
    const at = (label: string) => {
      const e = storage.find((x) => x.label === label);
      assert.ok(e, `no ${label}`);
      return { slot: Number(e.slot), offset: e.offset, type: types[e.type]!.label, bytes: Number(types[e.type]!.numberOfBytes) };
    };
    // slots 0-6: written by the genesis generator
    assert.deepEqual(at('members'), { slot: 0, offset: 0, type: 'struct EnumerableSets.AddressSet', bytes: 64 });
    assert.deepEqual(at('memberNames'), { slot: 2, offset: 0, type: 'mapping(address => string)', bytes: 32 });
    assert.deepEqual(at('validators'), { slot: 3, offset: 0, type: 'struct EnumerableSets.AddressSet', bytes: 64 });
    assert.deepEqual(at('validatorInfos'), { slot: 5, offset: 0, type: 'mapping(address => struct Governance.ValidatorInfo)', bytes: 32 });
    assert.deepEqual(at('votingPeriod'), { slot: 6, offset: 0, type: 'uint64', bytes: 8 });
    assert.deepEqual(at('coordinator'), { slot: 6, offset: 8, type: 'address', bytes: 20 });
    // slots 7-9: empty in a genesis, but a deployed contract holds them
    assert.equal(at('proposals').slot, 7);
    assert.equal(at('ballots').slot, 8);
    assert.equal(at('validatorChanges').slot, 9);
    const known = new Set(['members', 'memberNames', 'validators', 'validatorInfos', 'votingPeriod', 'coordinator', 'proposals', 'ballots', 'validatorChanges']);
    for (const e of storage) if (!known.has(e.label)) assert.ok(Number(e.slot) >= 10, `${e.label} at slot ${e.slot} is not appended after slot 9`);
  });

  describe('raw slots of a deployed contract', () => {
    let chain: AnvilChain;
    before(async () => {
      chain = await startAnvil(1);
    });
    after(async () => chain?.stop());

    it('array lengths at 0 and 3, elements at keccak(slot)+i, 1-based positions at keccak(key . slot+1), period and coordinator packed in 6', async () => {
      const members = [0, 1, 2].map(() => privateKeyToAccount(generatePrivateKey()).address);
      const validators = [0, 1].map(() => privateKeyToAccount(generatePrivateKey()).address);
      const coordinator = privateKeyToAccount(generatePrivateKey()).address;
      const { publicClient, walletClient } = chain.accounts[0]!;
      const address = await deployGovernance(publicClient, walletClient!, {
        members: members.map((a, i) => ({ address: a, name: `m${i}` })),
        validators: validators.map((a, i) => ({ address: a, enode: '', label: `v${i}` })),
        votingPeriodSeconds: 3600,
        coordinator,
      });
      const slot = async (s: Hex) => BigInt(await publicClient.getStorageAt({ address, slot: s }) ?? '0x0');
      assert.equal(await slot(word(0n)), 3n);
      assert.equal(await slot(word(3n)), 2n);
      for (const [i, m] of members.entries()) {
        assert.equal(getAddress(numberToHex(await slot(arrayElement(0n, i)), { size: 20 })), m);
        assert.equal(await slot(mappingSlot(1n, m)), BigInt(i + 1));
      }
      for (const [i, v] of validators.entries()) {
        assert.equal(getAddress(numberToHex(await slot(arrayElement(3n, i)), { size: 20 })), v);
        assert.equal(await slot(mappingSlot(4n, v)), BigInt(i + 1));
      }
      assert.equal(await slot(word(6n)), (BigInt(coordinator) << 64n) | 3600n);
    });
  });
});
