// Readable tables (cli-table3) of a consortium snapshot: members, proposals, the signer set, the
// progress of decided validator changes, and approved releases. Plain strings, so the CLI prints
// them and tests read them. Every cell is escaped: text from the chain (labels, names, enodes) is
// written by other members and must not steer this member's terminal.
import Table from 'cli-table3';
import { getAddress } from 'viem';
import { changeProgress, type ConsortiumView } from './consortiumView.js';
import type { ProposalView, ReleaseView } from './governanceClient.js';
import { isReleaseKind } from './proposalKinds.js';
import { escapeForTerminal } from './textRules.js';

const short = (text: string, max = 42): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** UTC "YYYY-MM-DD HH:MM:SS", or the raw value when the date is out of range. */
export function utc(date: Date | undefined): string {
  if (date === undefined) return '';
  return Number.isNaN(date.getTime()) ? `(${date.getTime()} ms)` : date.toISOString().replace('T', ' ').slice(0, 19);
}

function render(head: string[], rows: string[][]): string {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => escapeForTerminal(cell)));
  return table.toString();
}

export function membersTable(view: ConsortiumView): string {
  return render(
    ['#', 'member account', 'organisation'],
    view.members.map((m, i) => [String(i + 1), m.address, m.name]),
  );
}

export function proposalsTable(proposals: ProposalView[], majority: number): string {
  if (proposals.length === 0) return '(no proposals)';
  return render(
    ['id', 'kind', 'subject', 'label / enode', 'yes', 'no', 'needed', 'status', 'deadline (UTC)'],
    proposals.map((p) => [
      String(p.id),
      p.kind,
      isReleaseKind(p.kind) ? (p.artifactSha256 ?? '') : p.subject,
      short(escapeForTerminal([p.label, p.enode].filter((s) => s !== '').join(' '))),
      String(p.yes),
      String(p.no),
      String(majority),
      p.status,
      utc(p.deadline),
    ]),
  );
}

export function releasesTable(releases: ReleaseView[]): string {
  if (releases.length === 0) return '(no approved releases)';
  return render(
    ['artifact sha256', 'label', 'approved by', 'since (UTC)'],
    releases.map((r) => [r.artifactSha256, short(escapeForTerminal(r.label)), r.proposalId === undefined ? '' : `#${r.proposalId}`, utc(r.decidedAt)]),
  );
}

export function signersTable(view: ConsortiumView): string {
  const labels = new Map(view.validators.map((v) => [getAddress(v.address), v.label]));
  const inContract = new Set(labels.keys());
  const addresses = [...(view.signers ?? [])];
  for (const a of inContract) if (!addresses.some((s) => getAddress(s) === a)) addresses.push(a);
  if (addresses.length === 0) return '(no signers)';
  const signerSet = view.signers ? new Set(view.signers.map((a) => getAddress(a))) : undefined;
  return render(
    ['signer', 'label', view.signerSource === 'qbft' ? 'QBFT validator' : 'clique signer', 'governance', "this node's vote"],
    addresses.map((raw) => {
      const a = getAddress(raw);
      const vote = view.nodeVotes?.get(a);
      return [
        a,
        labels.get(a) ?? '',
        signerSet === undefined ? 'unknown' : signerSet.has(a) ? 'yes' : 'no',
        inContract.has(a) ? 'validator' : 'not a validator',
        vote === undefined ? '' : vote ? 'add' : 'remove',
      ];
    }),
  );
}

export function changesTable(view: ConsortiumView): string {
  const rows = changeProgress(view).filter((r) => r.current);
  if (rows.length === 0) return '(no decided validator changes)';
  return render(
    ['proposal', 'change', 'validator', 'in force'],
    rows.map((r) => [
      `#${r.change.proposalId}`,
      r.change.add ? 'add' : 'remove',
      r.change.validator,
      r.inForce === undefined ? 'unknown' : r.inForce ? 'yes' : 'not yet (bridges voting)',
    ]),
  );
}
