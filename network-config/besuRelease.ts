// Which Besu release the generated files target, and why.
// Clique: Besu's CHANGELOG, section 26.4.0 "Breaking Changes": "Clique consensus has been removed.
//   Besu can no longer start or mine on pure Clique networks" (besu-eth/besu#9852). The release
//   before it is 26.2.0 (no 26.3.0 release; 26.3.0-RC0 was only a tag), whose changelog still lists
//   Clique block production under "Upcoming Breaking Changes" (deprecated since 25.12.0 there).
//   So 26.2.0 is the newest release that still produces Clique blocks.
// QBFT: supported by every current release; pinned to 26.8.0, the newest release tag available
//   when this was written. Its genesis uses `emptyblockperiodseconds`, the name 26.8.0 gave to the
//   former `xemptyblockperiodseconds` (CHANGELOG 26.8.0).
import type { ConsortiumSpec } from './spec.js';

export const BESU_CLIQUE_IMAGE = 'hyperledger/besu:26.2.0';
export const BESU_QBFT_IMAGE = 'hyperledger/besu:26.8.0';

export function besuImageOf(spec: ConsortiumSpec): string {
  return spec.besuImage ?? (spec.consensus === 'clique' ? BESU_CLIQUE_IMAGE : BESU_QBFT_IMAGE);
}
