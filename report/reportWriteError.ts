// A report that could not be written (disk full, no permission, read-only file system): the
// message names the path and the system's reason, e.g. "cannot write out/x/trades.csv: no space
// left on the device (ENOSPC)".
import { DerchainError } from '../errors/base.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder',
  EMFILE: 'too many open files',
};

export class ReportWriteError extends DerchainError {
  override name = 'ReportWriteError';
  readonly path: string;
  readonly code?: string;

  constructor(path: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    const codeText = typeof code === 'string' ? code : undefined;
    const reason = codeText !== undefined && REASONS[codeText] ? `${REASONS[codeText]} (${codeText})` : cause instanceof Error ? cause.message : String(cause);
    super(`cannot write ${path}: ${reason}`, { cause, ...(cause instanceof Error ? { details: cause.message } : {}) });
    this.path = path;
    if (codeText !== undefined) this.code = codeText;
  }
}
