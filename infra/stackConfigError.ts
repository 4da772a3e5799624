// The error a pilot team sees when its stack configuration is wrong: it names the full config key
// (`derchain:validators.count`) so `pulumi config set <key> ...` fixes it. Thrown before any
// resource is registered.

export class StackConfigError extends Error {
  /** the full key, e.g. "derchain:validators.count" or "aws:region" */
  readonly key: string;

  constructor(key: string, problem: string) {
    super(`stack config ${key}: ${problem}`);
    this.name = 'StackConfigError';
    this.key = key;
  }
}
