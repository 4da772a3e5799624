// Entry point of the Pulumi program (Pulumi.yaml `main`): runs the pilot stack and returns its
// outputs. Pulumi loads this ES module through tsx (`nodeargs: --import tsx`) and calls the default
// export; a bad stack config throws here before any resource is registered.
import { pilotStack } from './pilotStack.js';

export default async function main(): Promise<ReturnType<typeof pilotStack>> {
  return pilotStack();
}
