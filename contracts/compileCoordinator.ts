// The coordinators' build through the project's one solc wrapper (contracts/solc.ts): the
// bilateral DerCoordinator and the community-market PoolCoordinator, both with the IR pipeline,
// EVM "paris", cached under .derchain/build/. Agents do not compile: they import the generated
// ABI modules (contracts/derCoordinatorAbi.ts, contracts/poolCoordinatorAbi.ts); the operator's
// deployment and `verify`'s code check use the bytecode from here.
import { compileContract, type ContractArtifact } from './solc.js';

export type CoordinatorArtifact = ContractArtifact;

/** The bilateral coordinator (paper III-B). */
export function compileCoordinator(): CoordinatorArtifact {
  return compileContract({ file: 'DerCoordinator.sol', contract: 'DerCoordinator', viaIR: true });
}

/** The community (pool) market's coordinator. */
export function compilePoolCoordinator(): CoordinatorArtifact {
  return compileContract({ file: 'PoolCoordinator.sol', contract: 'PoolCoordinator', viaIR: true });
}
