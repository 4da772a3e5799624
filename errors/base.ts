// The one error base of derchain, after viem's errors/base.ts: a short message a person reads
// first, optional details (the underlying reason in a line), the cause kept for debugging, and a
// `walk` to find a given error along the cause chain. Every error the project defines extends it.

export interface DerchainErrorOptions {
  /** one line with the underlying reason (e.g. the system error's text) */
  details?: string;
  /** the error this one wraps */
  cause?: unknown;
  /** extra lines shown after the short message */
  metaMessages?: string[];
}

export class DerchainError extends Error {
  override name = 'DerchainError';
  /** the sentence without details, e.g. "cannot write the report to out/x" */
  readonly shortMessage: string;
  readonly details?: string;
  readonly metaMessages?: string[];

  constructor(shortMessage: string, options: DerchainErrorOptions = {}) {
    const lines = [shortMessage, ...(options.metaMessages ?? []), ...(options.details !== undefined ? [`Details: ${options.details}`] : [])];
    super(lines.join('\n'), options.cause !== undefined ? { cause: options.cause } : undefined);
    this.shortMessage = shortMessage;
    if (options.details !== undefined) this.details = options.details;
    if (options.metaMessages !== undefined) this.metaMessages = options.metaMessages;
  }

  /** The first error along the cause chain (this one included) that `predicate` accepts, else null. */
  walk(predicate: (err: unknown) => boolean): unknown {
    let err: unknown = this;
    const seen = new Set<unknown>();
    while (err !== undefined && err !== null && !seen.has(err)) {
      if (predicate(err)) return err;
      seen.add(err);
      err = (err as { cause?: unknown }).cause;
    }
    return null;
  }
}
