import { measureSyntheticGas } from './contracts/syntheticRound.js';
import { compileCoordinator } from './contracts/compileCoordinator.js';
const g = await measureSyntheticGas(10, 24, 3);
console.log('N=10 T=24 steady', g.perIteration.at(-1)!.toLocaleString('en-US'), 'first', g.perIteration[0].toLocaleString('en-US'), 'deploy', g.deployGas.toLocaleString('en-US'), 'code bytes', (compileCoordinator().deployedBytecode.length - 2) / 2);
