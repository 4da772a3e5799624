// The error a pilot team sees when its stack configuration is wrong: a DerchainInputError whose
// field is the full config key (`derchain:validators.count`, `aws:region`), so one
// `pulumi config set <key> ...` fixes it. Thrown before any resource is registered.
import { DerchainInputError } from '../errors/inputError.js';

export class StackConfigError extends DerchainInputError {
  /** the full key, e.g. "derchain:validators.count" or "aws:region" */
  readonly key: string;

  constructor(key: string, problem: string) {
    super(problem, { field: key });
    this.message = `stack config ${key}: ${problem}`;
    this.name = 'StackConfigError';
    this.key = key;
  }
}
