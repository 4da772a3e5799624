// Writes a run's report folder: schedules.csv, trades.csv, summary.json, report.html and the
// marker that says derchain wrote it. The files are written into a fresh temporary sibling folder
// first and then renamed one by one into the target, so an error never leaves a half-written file
// and nothing else in the target is touched; a target that is a file or a folder derchain did not
// write is refused (report/reportTarget.ts). A failed write (disk full, no permission) names the path.
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CoordinationResult } from '../admm/types.js';
import type { Scenario } from '../model/scenario.js';
import { buildChartSpecs } from './chartSpecs.js';
import { renderReportHtml } from './htmlPage.js';
import { checkReportTarget, REPORT_FILES, REPORT_MARKER } from './reportTarget.js';
import { buildSummary, type ReportExtras } from './reportSummary.js';
import { schedulesCsv } from './scheduleCsv.js';
import { tradesCsv } from './tradesCsv.js';
import { ReportWriteError } from './reportWriteError.js';

export { REPORT_FILES } from './reportTarget.js';

export interface WrittenReport {
  outDir: string;
  files: string[];
}

export function writeReport(result: CoordinationResult, scenario: Scenario, outDir: string, extras: ReportExtras = {}): WrittenReport {
  const target = checkReportTarget(outDir);
  const parent = dirname(target);
  let staging: string | undefined;
  let step = target;
  try {
    mkdirSync(parent, { recursive: true });
    step = parent;
    staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
    chmodSync(staging, 0o755);
    const summary = buildSummary(result, scenario, extras);
    const charts = buildChartSpecs(result, scenario, extras);
    const contents: Record<(typeof REPORT_FILES)[number], string> = {
      'schedules.csv': schedulesCsv(result, scenario),
      'trades.csv': tradesCsv(result),
      'summary.json': `${JSON.stringify(summary, null, 2)}\n`,
      'report.html': renderReportHtml(summary, charts),
    };
    for (const name of REPORT_FILES) {
      step = join(target, name);
      writeFileSync(join(staging, name), contents[name]);
    }
    step = join(target, REPORT_MARKER);
    writeFileSync(join(staging, REPORT_MARKER), 'written by derchain; the folder may be replaced by the next run with the same --out\n');
    step = target;
    mkdirSync(target, { recursive: true });
    for (const name of [...REPORT_FILES, REPORT_MARKER]) {
      step = join(target, name);
      renameSync(join(staging, name), join(target, name));
    }
  } catch (err) {
    if (typeof (err as { code?: unknown })?.code === 'string') throw new ReportWriteError(step, err);
    throw err;
  } finally {
    if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
  }
  return { outDir: target, files: REPORT_FILES.map((f) => join(target, f)) };
}
