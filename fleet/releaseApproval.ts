// Whether the consortium has approved an artifact hash (an executed approve-release proposal) and
// not revoked it since (an executed revoke-release proposal). Gateways answer meters from a
// ReleaseApprovalSource; the chain-backed one reads the governance contract (fleet/chainApprovals.ts).

export interface ReleaseApprovalStatus {
  /** artifact sha256, 64 lowercase hex digits */
  hash: string;
  approved: boolean;
  revoked: boolean;
}

export interface ReleaseApprovalSource {
  status(hash: string): Promise<ReleaseApprovalStatus>;
}

/** approved and not revoked */
export const mayRun = (s: ReleaseApprovalStatus): boolean => s.approved && !s.revoked;

export function assertSha256Hex(hash: string, what = 'hash'): string {
  const h = hash.toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`${what} must be a sha256 (64 hex digits), got "${hash}"`);
  return h;
}
