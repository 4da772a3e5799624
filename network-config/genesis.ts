// Genesis files for the same chain in two client dialects.
// Besu: `config.clique` {blockperiodseconds, epochlength, createemptyblocks} or `config.qbft`
//   {blockperiodseconds, epochlength, requesttimeoutseconds}, and the engine's extraData
//   (Besu docs, "Configure Clique consensus" / "Configure QBFT consensus", genesis examples).
// geth 1.13: `config.clique` {period, epoch} (params.CliqueConfig), same extraData, alloc, gas
//   limit, difficulty and timestamps. Both activate every fork up to London at block 0 and stop
//   there: geth 1.13's Clique refuses Shanghai headers, so the chain is London-level for both.
import { numberToHex, type Hex } from 'viem';
import { qbftContractModeGenesis } from '../governance/qbftGenesis.js';
import { cliqueExtraData, qbftExtraData } from './extraData.js';
import type { ConsortiumSpec } from './spec.js';

/** Forks activated at block 0, named identically by geth and Besu. */
export const GENESIS_FORKS = [
  'homesteadBlock',
  'eip150Block',
  'eip155Block',
  'eip158Block',
  'byzantiumBlock',
  'constantinopleBlock',
  'petersburgBlock',
  'istanbulBlock',
  'muirGlacierBlock',
  'berlinBlock',
  'londonBlock',
] as const;

/** EIP-1559 initial base fee (1 gwei), written explicitly so neither client picks its own default. */
export const GENESIS_BASE_FEE: Hex = '0x3b9aca00';
/** Besu's BFT genesis mixHash ("Istanbul" digest) from the QBFT genesis example. */
export const BFT_MIX_HASH: Hex = '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365';
const ZERO32: Hex = `0x${'00'.repeat(32)}`;
const ZERO20: Hex = `0x${'00'.repeat(20)}`;

export interface GenesisAccount {
  address: `0x${string}`;
  balanceWei: string;
}

function forks(): Record<string, number> {
  return Object.fromEntries(GENESIS_FORKS.map((f) => [f, 0]));
}

function alloc(accounts: readonly GenesisAccount[]): Record<string, { balance: Hex }> {
  const out: Record<string, { balance: Hex }> = {};
  for (const a of accounts) out[a.address.slice(2).toLowerCase()] = { balance: numberToHex(BigInt(a.balanceWei)) };
  return out;
}

function qbftRequestTimeout(spec: ConsortiumSpec): number {
  return spec.requestTimeoutSeconds ?? Math.max(10, 2 * spec.blockPeriodSeconds);
}

function header(extraData: Hex, spec: ConsortiumSpec, mixHash: Hex, accounts: readonly GenesisAccount[]) {
  return {
    nonce: '0x0',
    timestamp: numberToHex(spec.genesisTimestamp ?? 0),
    extraData,
    gasLimit: numberToHex(spec.gasLimit),
    difficulty: '0x1',
    mixHash,
    coinbase: ZERO20,
    baseFeePerGas: GENESIS_BASE_FEE,
    alloc: alloc(accounts),
    number: '0x0',
    gasUsed: '0x0',
    parentHash: ZERO32,
  };
}

/** A validator as the genesis needs it: signer address, and enode and name for contract mode. */
export interface GenesisValidator {
  address: `0x${string}`;
  enode: string;
  name: string;
}

export function besuGenesisOf(spec: ConsortiumSpec, validators: readonly GenesisValidator[], accounts: readonly GenesisAccount[]): object {
  const validatorAddresses = validators.map((v) => v.address);
  if (spec.consensus === 'clique') {
    return {
      config: {
        chainId: spec.chainId,
        ...forks(),
        clique: {
          blockperiodseconds: spec.blockPeriodSeconds,
          epochlength: spec.epoch,
          createemptyblocks: spec.createEmptyBlocks,
        },
      },
      ...header(cliqueExtraData(validatorAddresses), spec, ZERO32, accounts),
    };
  }
  const qbft = {
    blockperiodseconds: spec.blockPeriodSeconds,
    epochlength: spec.epoch,
    requesttimeoutseconds: qbftRequestTimeout(spec),
    ...(spec.createEmptyBlocks ? {} : { emptyblockperiodseconds: Math.max(60, spec.blockPeriodSeconds) }),
  };
  if (spec.governance?.validatorSelection === 'contract') {
    // validators come from the pre-deployed governance contract; the extraData lists none
    const mode = qbftContractModeGenesis(
      {
        members: spec.governance.members,
        validators: validators.map((v) => ({ address: v.address, enode: v.enode, label: v.name })),
        votingPeriodSeconds: spec.governance.votingPeriodSeconds,
      },
      { blockPeriodSeconds: spec.blockPeriodSeconds, epochLength: spec.epoch, requestTimeoutSeconds: qbft.requesttimeoutseconds, ...(spec.governance.contractAddress ? { contractAddress: spec.governance.contractAddress as `0x${string}` } : {}) },
    );
    const base = header(qbftExtraData([]), spec, BFT_MIX_HASH, accounts);
    const contractAlloc = Object.fromEntries(Object.entries(mode.alloc).map(([a, entry]) => [a.slice(2), entry]));
    return {
      config: { chainId: spec.chainId, ...forks(), qbft: { ...qbft, validatorcontractaddress: mode.qbft.validatorcontractaddress } },
      ...base,
      alloc: { ...base.alloc, ...contractAlloc },
    };
  }
  return {
    config: { chainId: spec.chainId, ...forks(), qbft },
    ...header(qbftExtraData(validatorAddresses), spec, BFT_MIX_HASH, accounts),
  };
}

/**
 * geth 1.13 genesis for the same chain. Only Clique exists in geth; for a QBFT spec the geth file
 * is still a Clique chain with the same id, validators and allocations, for local tests only.
 */
export function gethGenesisOf(spec: ConsortiumSpec, validatorAddresses: readonly `0x${string}`[], accounts: readonly GenesisAccount[]): object {
  return {
    config: {
      chainId: spec.chainId,
      ...forks(),
      clique: { period: spec.blockPeriodSeconds, epoch: spec.epoch },
    },
    ...header(cliqueExtraData(validatorAddresses), spec, ZERO32, accounts),
  };
}
