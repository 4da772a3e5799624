// `fleet status`: a rollout's progress per wave, per gateway and per version (the version each
// meter runs as far as the controller knows), from the state file; as tables or JSON.
import Table from 'cli-table3';
import { countProgress, type ProgressCounts, type RolloutState } from './rolloutState.js';

export interface RolloutStatusView {
  release: RolloutState['release'];
  status: RolloutState['status'];
  abortReason?: string;
  totals: ProgressCounts;
  waves: (ProgressCounts & { index: number; name: string; status: string; ratePerMinute: number; seconds?: number })[];
  gateways: (ProgressCounts & { gateway: string })[];
  versions: { version: string; meters: number }[];
  elapsedSeconds?: number;
  events: RolloutState['events'];
}

const seconds = (from?: string, to?: string) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined);

export function rolloutStatusView(s: RolloutState): RolloutStatusView {
  const meters = Object.entries(s.meters);
  const gatewayIds = [...new Set(meters.map(([, m]) => m.gateway))].sort();
  const versions = new Map<string, number>();
  for (const [, m] of meters) {
    const v = m.progress === 'updated' ? s.release.version : (m.fromVersion ?? '(none)');
    versions.set(v, (versions.get(v) ?? 0) + 1);
  }
  const first = s.waves.find((w) => w.startedAt)?.startedAt;
  const last = [...s.waves].reverse().find((w) => w.finishedAt)?.finishedAt;
  const view: RolloutStatusView = {
    release: s.release,
    status: s.status,
    totals: countProgress(meters.map(([, m]) => m)),
    waves: s.waves.map((w) => ({
      index: w.index,
      name: w.name,
      status: w.status,
      ratePerMinute: w.ratePerMinute,
      ...countProgress(w.meters.map((id) => s.meters[id]!)),
      ...(seconds(w.startedAt, w.finishedAt) !== undefined ? { seconds: seconds(w.startedAt, w.finishedAt)! } : {}),
    })),
    gateways: gatewayIds.map((g) => ({ gateway: g, ...countProgress(meters.filter(([, m]) => m.gateway === g).map(([, m]) => m)) })),
    versions: [...versions].map(([version, n]) => ({ version, meters: n })).sort((a, b) => (a.version < b.version ? -1 : 1)),
    events: s.events.slice(-20),
  };
  if (s.abortReason) view.abortReason = s.abortReason;
  const elapsed = seconds(first, last);
  if (elapsed !== undefined) view.elapsedSeconds = elapsed;
  return view;
}

function countsTable(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

export function rolloutStatusText(v: RolloutStatusView): string {
  const c = (x: ProgressCounts) => [x.total, x.updated, x.failed, x.refused, x.reverted, x.pending + x.dispatched];
  return [
    `Rollout of ${v.release.version} (${v.release.hash.slice(0, 16)}…): ${v.status.toUpperCase()}${v.abortReason ? ` (${v.abortReason})` : ''}` +
      (v.elapsedSeconds !== undefined ? `, ${v.elapsedSeconds.toFixed(1)} s from first to last wave` : ''),
    'Per wave',
    countsTable(['wave', 'status', 'rate/min', 'meters', 'updated', 'failed', 'refused', 'reverted', 'open', 'seconds'], v.waves.map((w) => [w.name, w.status, w.ratePerMinute, ...c(w), w.seconds?.toFixed(1) ?? '-'])),
    'Per gateway',
    countsTable(['gateway', 'meters', 'updated', 'failed', 'refused', 'reverted', 'open'], v.gateways.map((g) => [g.gateway, ...c(g)])),
    'Per version',
    countsTable(['version', 'meters'], v.versions.map((x) => [x.version, x.meters])),
  ].join('\n');
}
