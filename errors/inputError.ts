// The error a user can cause (a bad input file, an impossible parameter, an infeasible prosumer).
// Every layer throws this one class so the CLI can print it without a stack trace and exit 2; the
// message names the file, line, prosumer and field that are known.
import { DerchainError, type DerchainErrorOptions } from './base.js';

export interface DerchainInputErrorContext {
  /** input file the value came from */
  file?: string;
  /** 1-based line in that file */
  line?: number;
  /** prosumer identifier, e.g. "H01" */
  prosumer?: string;
  /** field path, e.g. "battery.aMin" */
  field?: string;
}

export class DerchainInputError extends DerchainError {
  override name = 'DerchainInputError';
  readonly file?: string;
  readonly line?: number;
  readonly prosumer?: string;
  readonly field?: string;
  /** the message without the location prefix */
  readonly reason: string;

  constructor(reason: string, context: DerchainInputErrorContext = {}, options: DerchainErrorOptions = {}) {
    super(DerchainInputError.format(reason, context), options);
    this.reason = reason;
    if (context.file !== undefined) this.file = context.file;
    if (context.line !== undefined) this.line = context.line;
    if (context.prosumer !== undefined) this.prosumer = context.prosumer;
    if (context.field !== undefined) this.field = context.field;
  }

  /** "file data.csv, line 12, prosumer H01, field battery.aMin: reason" */
  static format(reason: string, context: DerchainInputErrorContext): string {
    const where: string[] = [];
    if (context.file !== undefined) where.push(`file ${context.file}`);
    if (context.line !== undefined) where.push(`line ${context.line}`);
    if (context.prosumer !== undefined) where.push(`prosumer ${context.prosumer}`);
    if (context.field !== undefined) where.push(`field ${context.field}`);
    return where.length > 0 ? `${where.join(', ')}: ${reason}` : reason;
  }
}
