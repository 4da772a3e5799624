// Genesis extraData for the two proof-of-authority engines.
// Clique (EIP-225): 32 vanity bytes, the initial signer addresses concatenated in ascending order,
//   65 zero bytes where a block's seal would go.
// QBFT (Besu): RLP([32 vanity bytes, [validator addresses], vote = [], round = 0 (RLP integer,
//   encoded 0x80), seals = []]); see QbftExtraDataCodec.encode in Besu and the QBFT genesis example
//   in Besu's "Configure QBFT consensus" page (both quoted as test vectors in tests/network-config).
import { concatHex, hexToBytes, padHex, toRlp, type Hex } from 'viem';

const VANITY_BYTES = 32;
const SEAL_BYTES = 65;
const ZERO_VANITY = `0x${'00'.repeat(VANITY_BYTES)}` as Hex;

function vanityOf(vanity: Hex | undefined): Hex {
  if (vanity === undefined) return ZERO_VANITY;
  const n = hexToBytes(vanity).length;
  if (n > VANITY_BYTES) throw new Error(`vanity is ${n} bytes, at most ${VANITY_BYTES}`);
  return padHex(vanity, { size: VANITY_BYTES, dir: 'right' });
}

function checkAddress(a: string): Hex {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new Error(`not an address: ${a}`);
  return a.toLowerCase() as Hex;
}

/** Clique signers sorted ascending by address bytes, as Clique's snapshot orders them. */
export function sortSigners(signers: readonly string[]): Hex[] {
  return signers.map(checkAddress).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function cliqueExtraData(signers: readonly string[], vanity?: Hex): Hex {
  if (signers.length === 0) throw new Error('clique needs at least one signer');
  return concatHex([vanityOf(vanity), ...sortSigners(signers), `0x${'00'.repeat(SEAL_BYTES)}`]);
}

/** Inverse of cliqueExtraData: the signer list inside a Clique genesis extraData. */
export function cliqueSignersOf(extraData: Hex): Hex[] {
  const body = extraData.slice(2);
  const signersHex = body.slice(VANITY_BYTES * 2, body.length - SEAL_BYTES * 2);
  if (signersHex.length % 40 !== 0 || body.length < (VANITY_BYTES + SEAL_BYTES) * 2) throw new Error('malformed clique extraData');
  const out: Hex[] = [];
  for (let i = 0; i < signersHex.length; i += 40) out.push(`0x${signersHex.slice(i, i + 40)}`);
  return out;
}

/** Validators are kept in the given order (Besu orders them itself when it builds its validator set). */
export function qbftExtraData(validators: readonly string[], vanity?: Hex): Hex {
  return toRlp([vanityOf(vanity), validators.map(checkAddress), [], '0x', []]);
}
