// The identity of an agent release artifact in governance: the sha256 of the artifact file,
// as the 0x-prefixed bytes32 the release proposals and IReleaseRegistry take.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Hex } from 'viem';

/** sha256 of a file, streamed (artifacts may be large). */
export async function sha256OfFile(path: string): Promise<Hex> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `0x${hash.digest('hex')}`;
}
