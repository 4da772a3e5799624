// Writes a run's report directory: schedules.csv, trades.csv, summary.json and report.html.
// Everything is written into a fresh temporary sibling directory first and renamed into place at
// the end, so an error never leaves a half-written report (an existing directory is replaced).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CoordinationResult } from '../admm/types.js';
import type { Scenario } from '../model/scenario.js';
import { buildChartSpecs } from './chartSpecs.js';
import { renderReportHtml } from './htmlPage.js';
import { buildSummary, type ReportExtras } from './reportSummary.js';
import { schedulesCsv } from './scheduleCsv.js';
import { tradesCsv } from './tradesCsv.js';

export const REPORT_FILES = ['report.html', 'summary.json', 'schedules.csv', 'trades.csv'] as const;

export interface WrittenReport {
  outDir: string;
  files: string[];
}

export function writeReport(result: CoordinationResult, scenario: Scenario, outDir: string, extras: ReportExtras = {}): WrittenReport {
  const target = resolve(outDir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    chmodSync(staging, 0o755);
    const summary = buildSummary(result, scenario, extras);
    const charts = buildChartSpecs(result, scenario, extras);
    writeFileSync(join(staging, 'schedules.csv'), schedulesCsv(result, scenario));
    writeFileSync(join(staging, 'trades.csv'), tradesCsv(result));
    writeFileSync(join(staging, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(staging, 'report.html'), renderReportHtml(summary, charts));
    if (existsSync(target)) {
      const old = `${staging}.old`;
      renameSync(target, old);
      renameSync(staging, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, target);
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { outDir: target, files: REPORT_FILES.map((f) => join(target, f)) };
}
