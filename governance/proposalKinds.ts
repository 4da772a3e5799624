// The proposal kinds and statuses of contracts/Governance.sol as names the CLI and logs use
// (the contract's enum order; a test checks it against the ABI's use).

export const PROPOSAL_KINDS = [
  'add-validator',
  'remove-validator',
  'add-member',
  'remove-member',
  'admit-prosumer',
  'remove-prosumer',
  'set-coordinator',
  'approve-release',
  'revoke-release',
] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

/** Kinds whose subject is an address (`propose`); the release kinds carry a sha256 instead. */
export const ADDRESS_PROPOSAL_KINDS = PROPOSAL_KINDS.filter((k) => k !== 'approve-release' && k !== 'revoke-release') as Exclude<
  ProposalKind,
  'approve-release' | 'revoke-release'
>[];
export type AddressProposalKind = (typeof ADDRESS_PROPOSAL_KINDS)[number];
export type ReleaseProposalKind = 'approve-release' | 'revoke-release';

export function isReleaseKind(kind: ProposalKind): kind is ReleaseProposalKind {
  return kind === 'approve-release' || kind === 'revoke-release';
}

export const PROPOSAL_STATUSES = ['none', 'open', 'executed', 'rejected', 'expired', 'obsolete'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export function kindCode(kind: ProposalKind): number {
  return PROPOSAL_KINDS.indexOf(kind);
}

export function kindName(code: number): ProposalKind {
  const name = PROPOSAL_KINDS[code];
  if (name === undefined) throw new Error(`unknown proposal kind code ${code}`);
  return name;
}

export function statusName(code: number): ProposalStatus {
  const name = PROPOSAL_STATUSES[code];
  if (name === undefined) throw new Error(`unknown proposal status code ${code}`);
  return name;
}

export function isProposalKind(value: string): value is ProposalKind {
  return (PROPOSAL_KINDS as readonly string[]).includes(value);
}

export function isAddressProposalKind(value: string): value is AddressProposalKind {
  return (ADDRESS_PROPOSAL_KINDS as readonly string[]).includes(value);
}
