// Errors a user can cause with a consortium description (bad YAML, bad values): the message names
// the file, the key path inside it and, when known, the line.
export class ConsortiumSpecError extends Error {
  constructor(
    readonly file: string,
    readonly keyPath: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${keyPath === '' ? '(top level)' : keyPath}: ${detail}`);
    this.name = 'ConsortiumSpecError';
  }
}
