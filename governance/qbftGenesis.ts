// QBFT mode: Besu's contract-based validator selection reads `getValidators()` (address[]) from
// the contract at `config.qbft.validatorcontractaddress`, from the genesis block on
// (besu.hyperledger.org, "Configure QBFT consensus", contract validator selection; in that mode
// the genesis extraData carries no validators, besu-eth/besu#2744). So the governance contract
// must already exist in the genesis state: this module produces its `alloc` entry (runtime code
// plus the storage the constructor would have written) and the `qbft` config fragment.
// Storage slots come from solc's storageLayout, so a reordered contract is caught, not mis-encoded.
import { encodeAbiParameters, getAddress, keccak256, numberToHex, padHex, stringToHex, type Address, type Hex } from 'viem';
import { compileGovernance, type StorageLayout } from './compile.js';
import { assertGenesisRules, ZERO_ADDRESS, type GovernanceGenesis } from './deployGovernance.js';

export interface GenesisAllocEntry {
  balance: Hex;
  code: Hex;
  storage: Record<Hex, Hex>;
}

/** Conventional address for the validator contract in a derchain QBFT genesis. */
export const DEFAULT_GOVERNANCE_GENESIS_ADDRESS: Address = '0x0000000000000000000000000000000000009999';

const word = (n: bigint): Hex => padHex(numberToHex(n), { size: 32 });

class StorageWriter {
  readonly storage: Record<Hex, Hex> = {};

  set(slot: bigint, value: bigint | Hex): void {
    const v = typeof value === 'bigint' ? word(value) : padHex(value, { size: 32 });
    if (BigInt(v) === 0n) return; // absent = zero
    this.storage[word(slot)] = v;
  }

  /** A `string` / `bytes` value at `slot` (short: inline with length*2; long: length*2+1 and data at keccak(slot)). */
  setString(slot: bigint, text: string): void {
    const data = stringToHex(text);
    const length = BigInt((data.length - 2) / 2);
    if (length < 32n) {
      const inline = padHex(data === '0x' ? '0x00' : data, { size: 32, dir: 'right' });
      this.set(slot, BigInt(inline) | (length * 2n));
      return;
    }
    this.set(slot, length * 2n + 1n);
    const base = BigInt(keccak256(word(slot)));
    const body = data.slice(2).padEnd(Math.ceil(Number(length) / 32) * 64, '0');
    for (let i = 0; i * 64 < body.length; i++) this.set(base + BigInt(i), `0x${body.slice(i * 64, i * 64 + 64)}`);
  }

  /** An address[] at `slot`: length there, element i at keccak(slot) + i (one per slot). */
  setAddressArray(slot: bigint, items: readonly Address[]): void {
    this.set(slot, BigInt(items.length));
    const base = BigInt(keccak256(word(slot)));
    items.forEach((a, i) => this.set(base + BigInt(i), BigInt(a)));
  }
}

/** Slot of mapping(address => ...) at `slot` for `key`. */
function mappingSlot(slot: bigint, key: Address): bigint {
  return BigInt(keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [key, slot])));
}

function variable(layout: StorageLayout, label: string, type: string): { slot: bigint; offset: number } {
  const entry = layout.storage.find((e) => e.label === label);
  if (!entry) throw new Error(`Governance storage layout has no ${label}; update governance/qbftGenesis.ts`);
  const actual = layout.types[entry.type]?.label;
  if (actual !== type) throw new Error(`Governance.${label} is ${actual}, qbftGenesis.ts expects ${type}`);
  return { slot: BigInt(entry.slot), offset: entry.offset };
}

/**
 * An EnumerableSets.AddressSet: its values array at the set's slot, then the 1-based position
 * mapping at the next slot, read from the layout (so a changed library is caught).
 */
function addressSet(layout: StorageLayout, label: string): { values: bigint; positions: bigint } {
  const { slot } = variable(layout, label, 'struct EnumerableSets.AddressSet');
  const entry = layout.storage.find((e) => e.label === label)!;
  const inner = layout.types[entry.type]?.members?.find((m) => m.label === 'inner');
  const innerMembers = inner ? layout.types[inner.type]?.members : undefined;
  const values = innerMembers?.find((m) => m.label === 'values');
  const positions = innerMembers?.find((m) => m.label === 'positions');
  if (!inner || !values || !positions || layout.types[values.type]?.label !== 'bytes32[]' || layout.types[positions.type]?.label !== 'mapping(bytes32 => uint256)') {
    throw new Error(`Governance.${label}: EnumerableSets.AddressSet changed; update governance/qbftGenesis.ts`);
  }
  const base = slot + BigInt(inner.slot);
  return { values: base + BigInt(values.slot), positions: base + BigInt(positions.slot) };
}


function checkGenesis(genesis: GovernanceGenesis): void {
  const unique = (list: Address[], what: string) => {
    const seen = new Set<string>();
    for (const a of list) {
      const k = getAddress(a);
      if (k === ZERO_ADDRESS) throw new Error(`zero address among the ${what}`);
      if (seen.has(k)) throw new Error(`${k} appears twice among the ${what}`);
      seen.add(k);
    }
  };
  if (genesis.members.length === 0) throw new Error('the governance genesis needs at least one member');
  if (genesis.validators.length === 0) throw new Error('a QBFT genesis needs at least one validator');
  assertGenesisRules(genesis);
  unique(genesis.members.map((m) => m.address), 'members');
  unique(genesis.validators.map((v) => v.address), 'validators');
}

/** The storage the Governance constructor writes for `genesis`. */
export function governanceGenesisStorage(genesis: GovernanceGenesis): Record<Hex, Hex> {
  checkGenesis(genesis);
  const layout = compileGovernance().storageLayout;
  const w = new StorageWriter();
  const members = genesis.members.map((m) => getAddress(m.address));
  const validators = genesis.validators.map((v) => getAddress(v.address));

  // a set's positions mapping is keyed by the address as a bytes32 word: the same slot as an address key
  const memberSet = addressSet(layout, 'members');
  w.setAddressArray(memberSet.values, members);
  const memberNames = variable(layout, 'memberNames', 'mapping(address => string)').slot;
  genesis.members.forEach((m, i) => {
    w.set(mappingSlot(memberSet.positions, members[i]!), BigInt(i + 1));
    w.setString(mappingSlot(memberNames, members[i]!), m.name);
  });

  const validatorSet = addressSet(layout, 'validators');
  w.setAddressArray(validatorSet.values, validators);
  const validatorPosition = validatorSet.positions;
  const infos = variable(layout, 'validatorInfos', 'mapping(address => struct Governance.ValidatorInfo)').slot;
  genesis.validators.forEach((v, i) => {
    w.set(mappingSlot(validatorPosition, validators[i]!), BigInt(i + 1));
    const base = mappingSlot(infos, validators[i]!);
    w.setString(base, v.enode); // ValidatorInfo.enode: member slot 0
    w.setString(base + 1n, v.label); // ValidatorInfo.label: member slot 1
  });

  const period = variable(layout, 'votingPeriod', 'uint64');
  const coordinator = variable(layout, 'coordinator', 'address');
  if (period.slot !== coordinator.slot || period.offset !== 0 || coordinator.offset !== 8) {
    throw new Error('Governance votingPeriod/coordinator packing changed; update governance/qbftGenesis.ts');
  }
  w.set(period.slot, (BigInt(genesis.coordinator ?? ZERO_ADDRESS) << 64n) | BigInt(genesis.votingPeriodSeconds));
  return w.storage;
}

/** The genesis `alloc` entry: put it under the validator contract address. */
export function governanceGenesisAlloc(genesis: GovernanceGenesis): GenesisAllocEntry {
  return { balance: '0x0', code: compileGovernance().deployedBytecode, storage: governanceGenesisStorage(genesis) };
}

export interface QbftContractModeOptions {
  contractAddress?: Address;
  blockPeriodSeconds: number;
  epochLength?: number;
  requestTimeoutSeconds?: number;
}

/**
 * The pieces of a Besu QBFT genesis in contract validator selection mode: `config.qbft` and the
 * `alloc` entry. The genesis extraData must then carry an empty validator list.
 */
export function qbftContractModeGenesis(genesis: GovernanceGenesis, options: QbftContractModeOptions) {
  const address = getAddress(options.contractAddress ?? DEFAULT_GOVERNANCE_GENESIS_ADDRESS);
  return {
    qbft: {
      blockperiodseconds: options.blockPeriodSeconds,
      epochlength: options.epochLength ?? 30000,
      requesttimeoutseconds: options.requestTimeoutSeconds ?? Math.max(4, options.blockPeriodSeconds * 2),
      validatorcontractaddress: address.toLowerCase(),
    },
    alloc: { [address.toLowerCase()]: governanceGenesisAlloc(genesis) },
  };
}

