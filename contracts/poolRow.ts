// The community (pool) market's signed compact row (POOL-INTERFACE.md, fixed): a prosumer's net
// trade per slot as T big-endian int16 in units of the round's resolution (1e-6 kW per step),
// an optional `slice` of big-endian int64 values, and the EIP-712 typed data
//   domain  { name: "derchain PoolCoordinator", version: "1", chainId, verifyingContract }
//   PoolRow(uint64 round,uint32 iteration,address participant,bytes row,bytes slice)
// that the prosumer's own key signs. The contract (contracts/PoolCoordinator.sol), the agents,
// the radio gateway relay and `derchain verify` all use these helpers, so there is one encoding.
import {
  bytesToHex,
  getAddress,
  hashTypedData,
  hexToBytes,
  recoverTypedDataAddress,
  type Address,
  type Hex,
  type LocalAccount,
  type TypedDataDomain,
} from 'viem';

export const INT16_MIN = -32768;
export const INT16_MAX = 32767;

export const POOL_DOMAIN_NAME = 'derchain PoolCoordinator';
export const POOL_DOMAIN_VERSION = '1';

/** The EIP-712 types of a pool row (the order of the fields is part of the type hash). */
export const POOL_ROW_TYPES = {
  PoolRow: [
    { name: 'round', type: 'uint64' },
    { name: 'iteration', type: 'uint32' },
    { name: 'participant', type: 'address' },
    { name: 'row', type: 'bytes' },
    { name: 'slice', type: 'bytes' },
  ],
} as const;

/** keccak256("PoolRow(uint64 round,uint32 iteration,address participant,bytes row,bytes slice)"), as the contract has it. */
export const POOL_ROW_TYPE_STRING = 'PoolRow(uint64 round,uint32 iteration,address participant,bytes row,bytes slice)';

/** Where a signature is valid: one chain, one contract. */
export interface PoolDomainRef {
  chainId: number;
  contract: Address;
}

/** The fields a prosumer signs. */
export interface PoolRowMessage {
  round: bigint;
  iteration: number;
  participant: Address;
  /** packed int16 BE (encodeRow) */
  row: Hex;
  /** packed int64 BE (encodeSlice), '0x' when the round uses none */
  slice: Hex;
}

export function poolDomain(ref: PoolDomainRef): TypedDataDomain {
  return { name: POOL_DOMAIN_NAME, version: POOL_DOMAIN_VERSION, chainId: ref.chainId, verifyingContract: getAddress(ref.contract) };
}

/** Encodes T integer steps (each within int16; never wrapped) as the packed row bytes. */
export function encodeRow(row: ArrayLike<number | bigint>): Hex {
  const bytes = new Uint8Array(row.length * 2);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < row.length; k++) {
    const v = Number(row[k]);
    if (!Number.isInteger(v) || v < INT16_MIN || v > INT16_MAX) throw new RangeError(`row value ${String(row[k])} at slot ${k} is not an int16`);
    view.setInt16(k * 2, v, false);
  }
  return bytesToHex(bytes);
}

/** Decodes packed row bytes (length 2T) into int16 steps. */
export function decodeRow(hex: Hex): Int16Array {
  const bytes = hexToBytes(hex);
  if (bytes.length % 2 !== 0) throw new Error(`row of ${bytes.length} bytes is not a whole number of int16`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = view.getInt16(k * 2, false);
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Encodes int64 values as packed big-endian bytes (the `slice`, and the contract's price/sbar rows). */
export function encodeSlice(values: ArrayLike<bigint>): Hex {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v < INT64_MIN || v > INT64_MAX) throw new RangeError(`value ${v} at position ${k} is not an int64`);
    view.setBigInt64(k * 8, v, false);
  }
  return bytesToHex(bytes);
}

/** Decodes packed big-endian int64 bytes. */
export function decodeSlice(hex: Hex): BigInt64Array {
  const bytes = hexToBytes(hex);
  if (bytes.length % 8 !== 0) throw new Error(`${bytes.length} bytes are not a whole number of int64`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new BigInt64Array(bytes.length / 8);
  for (let k = 0; k < out.length; k++) out[k] = view.getBigInt64(k * 8, false);
  return out;
}

function typedData(ref: PoolDomainRef, m: PoolRowMessage) {
  return {
    domain: poolDomain(ref),
    types: POOL_ROW_TYPES,
    primaryType: 'PoolRow' as const,
    message: { round: m.round, iteration: m.iteration, participant: getAddress(m.participant), row: m.row, slice: m.slice },
  };
}

/** The EIP-712 digest the contract recovers the signer from. */
export function poolRowDigest(ref: PoolDomainRef, m: PoolRowMessage): Hex {
  return hashTypedData(typedData(ref, m));
}

/** Signs a row with the prosumer's own key (a viem local account; the key never leaves it). */
export function signPoolRow(account: LocalAccount, ref: PoolDomainRef, m: Omit<PoolRowMessage, 'participant'> & { participant?: Address }): Promise<Hex> {
  return account.signTypedData(typedData(ref, { ...m, participant: m.participant ?? account.address }));
}

/** The address that signed `signature` over the row (any other address means: not this row, not this signer). */
export function recoverPoolRowSigner(ref: PoolDomainRef, m: PoolRowMessage, signature: Hex): Promise<Address> {
  return recoverTypedDataAddress({ ...typedData(ref, m), signature });
}

/** A relayed row as the contract's SignedRow tuple (submitSigned / submitBatch). */
export interface SignedPoolRow {
  participant: Address;
  row: Hex;
  slice: Hex;
  /** the participant's last row in the round ('0x' before its first), unsigned: the contract checks its hash */
  prevRow: Hex;
  signature: Hex;
}

/** Signs `row` for (round, iteration) with the prosumer's own key and returns the relayable tuple. */
export async function makeSignedPoolRow(
  account: LocalAccount,
  ref: PoolDomainRef,
  m: { round: bigint; iteration: number; row: Hex; prevRow: Hex; slice?: Hex },
): Promise<SignedPoolRow> {
  const slice = m.slice ?? '0x';
  const signature = await signPoolRow(account, ref, { round: m.round, iteration: m.iteration, row: m.row, slice });
  return { participant: account.address, row: m.row, slice, prevRow: m.prevRow, signature };
}
