// Where input data comes from when the user names no file: the shared real-data extract at
// ../shared/data relative to the repository root (DERCHAIN_DATA_DIR overrides; an empty value
// turns the lookup off), else the built-in generator.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DerchainInputError } from '../errors/inputError.js';
import { isExtractDirectory } from './extractReader.js';

export const DATA_DIR_ENV = 'DERCHAIN_DATA_DIR';

/** The repository root (the folder holding data/). */
export function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** The extract directory to use by default, or null when none is present. */
export function locateExtract(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env[DATA_DIR_ENV];
  if (override !== undefined) {
    if (override.trim() === '') return null;
    const dir = resolve(override);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new DerchainInputError(`${DATA_DIR_ENV} names ${dir}, which is not a directory`, { field: DATA_DIR_ENV });
    }
    if (!isExtractDirectory(dir)) {
      throw new DerchainInputError(
        `${DATA_DIR_ENV} names ${dir}, which lacks the extract's files (households.csv, load_kW.csv, pv_kW.csv, weather.csv, tariff_carbon.csv)`,
        { field: DATA_DIR_ENV },
      );
    }
    return dir;
  }
  const dir = resolve(repoRoot(), '..', 'shared', 'data');
  return isExtractDirectory(dir) ? dir : null;
}
