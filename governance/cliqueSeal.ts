// The signer of a Clique block, recovered from its seal (EIP-225): the last 65 bytes of extraData
// sign keccak256(RLP(header with those 65 bytes cut off)). Besu has no clique_getSigner, so the
// kit reads the sealer this way on Besu; geth answers clique_getSigner with the same address.
import { getAddress, keccak256, recoverAddress, toRlp, type Address, type Hex } from 'viem';

/** The header fields of an eth_getBlockBy* answer that the seal covers. */
export interface SealedHeader {
  parentHash: Hex;
  sha3Uncles: Hex;
  miner: Hex;
  stateRoot: Hex;
  transactionsRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  difficulty: Hex;
  number: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  timestamp: Hex;
  extraData: Hex;
  mixHash: Hex;
  nonce: Hex;
  baseFeePerGas?: Hex;
}

const SEAL_BYTES = 65;

/** A quantity as RLP wants it: minimal big-endian bytes, zero as the empty string. */
function quantity(q: Hex): Hex {
  const n = BigInt(q);
  if (n === 0n) return '0x';
  const hex = n.toString(16);
  return `0x${hex.length % 2 === 0 ? hex : `0${hex}`}`;
}

/** keccak256 of the header without its seal: what the signer signed. */
export function cliqueSealHash(h: SealedHeader): Hex {
  const extra = h.extraData.slice(0, h.extraData.length - SEAL_BYTES * 2) as Hex;
  const fields: Hex[] = [
    h.parentHash,
    h.sha3Uncles,
    h.miner,
    h.stateRoot,
    h.transactionsRoot,
    h.receiptsRoot,
    h.logsBloom,
    quantity(h.difficulty),
    quantity(h.number),
    quantity(h.gasLimit),
    quantity(h.gasUsed),
    quantity(h.timestamp),
    extra,
    h.mixHash,
    h.nonce,
    ...(h.baseFeePerGas !== undefined ? [quantity(h.baseFeePerGas)] : []),
  ];
  return keccak256(toRlp(fields));
}

export async function cliqueSealerOf(h: SealedHeader): Promise<Address> {
  if ((h.extraData.length - 2) / 2 < 32 + SEAL_BYTES) throw new Error(`block ${BigInt(h.number)} has no Clique seal in its extraData`);
  const seal = `0x${h.extraData.slice(h.extraData.length - SEAL_BYTES * 2)}` as Hex;
  return getAddress(await recoverAddress({ hash: cliqueSealHash(h), signature: seal }));
}
