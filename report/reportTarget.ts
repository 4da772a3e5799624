// Where a report may be written. derchain never deletes what it did not create: --out may name a
// new path, an empty folder, or a folder that already holds a derchain report (it has the marker
// file, or only report files); anything else (a file, the working directory, a folder with other
// things in it) is refused as bad input before anything is solved.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DerchainInputError } from '../errors/inputError.js';

/** The files of a report, and the marker that says derchain wrote the folder. */
export const REPORT_FILES = ['report.html', 'summary.json', 'schedules.csv', 'trades.csv'] as const;
export const REPORT_MARKER = '.derchain-report';

/** Checks that `outDir` may receive a report; throws DerchainInputError (field `out`) if not. */
export function checkReportTarget(outDir: string): string {
  const target = resolve(outDir);
  if (!existsSync(target)) return target;
  const st = statSync(target);
  if (!st.isDirectory()) {
    throw new DerchainInputError('is a file, not a folder; give a new or empty folder for the report', { file: outDir, field: 'out' });
  }
  const entries = readdirSync(target);
  if (entries.length === 0 || entries.includes(REPORT_MARKER)) return target;
  const known = new Set<string>(REPORT_FILES);
  if (entries.every((e) => known.has(e))) return target;
  throw new DerchainInputError(
    `the folder is not empty and is not a derchain report (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); ` +
      'give a new or empty folder, derchain does not overwrite what it did not write',
    { file: outDir, field: 'out' },
  );
}
