// Errors a user can cause with a consortium description (bad YAML, bad values): a
// DerchainInputError whose message names the file, the line (when known) and the key path, e.g.
// "file pilot.yaml, line 14, field validators[2].host: must be the IPv4 address of ...".
import { DerchainInputError } from '../errors/inputError.js';

export class ConsortiumSpecError extends DerchainInputError {
  readonly keyPath: string;

  constructor(file: string, keyPath: string, detail: string, line?: number) {
    super(detail, { file, ...(line !== undefined ? { line } : {}), field: keyPath === '' ? '(top level)' : keyPath });
    this.name = 'ConsortiumSpecError';
    this.keyPath = keyPath;
  }
}
