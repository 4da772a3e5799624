// What a command writes on stderr while it runs, in one of two formats chosen by the one shared
// flag `--log-format text|json`: readable lines for a person (the default when stderr is a
// terminal), with progress entries ({ progress: true }) kept on one line that updates in place;
// or pino's JSON lines for machines and log collectors (the default when stderr is not a terminal).
// Both go through pino, so the log calls are the same; text is a small pino destination.
import type { Command } from 'commander';
import { pino, type Logger } from 'pino';
import { DerchainInputError } from '../errors/inputError.js';
import { escapeForTerminal } from '../governance/textRules.js';

export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where the lines go: process.stderr, or a capture in tests. */
export interface LogStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Registers `--log-format` on a command (the one definition every command shares). */
export function addLogFormatOption(cmd: Command): Command {
  return cmd.option('--log-format <format>', 'progress and log lines on stderr: text (default on a terminal) or json (default otherwise)');
}

/** The format from the flag, else from whether stderr is a terminal. */
export function logFormatOf(flag: string | undefined, stream: LogStream): LogFormat {
  if (flag === undefined) return stream.isTTY === true ? 'text' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(flag)) {
    throw new DerchainInputError(`--log-format must be text or json (got ${JSON.stringify(flag)})`, { field: 'log-format' });
  }
  return flag as LogFormat;
}

const LEVEL_LABEL: Record<number, string> = { 10: 'trace', 20: 'debug', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'progress']);

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One readable line for a pino entry: "12:01:02 pilot  clearing on chain  iteration=3 rows=10". */
export function textLine(entry: Record<string, unknown>): string {
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toISOString().slice(11, 19);
  const level = LEVEL_LABEL[entry.level as number];
  const fields = Object.entries(entry)
    .filter(([k]) => !OMIT.has(k))
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  // control characters from a peer (a label, a reason) never reach the terminal raw
  const raw = [time, ...(level ? [level] : []), String(entry.name ?? ''), String(entry.msg ?? ''), ...(fields.length ? [fields.join(' ')] : [])].filter((s) => s !== '').join('  ');
  return escapeForTerminal(raw);
}

/** A pino destination that writes readable lines; on a terminal, progress stays on one line. */
export class TextLogDestination {
  private pending = '';
  constructor(private readonly stream: LogStream) {}

  write(json: string): void {
    for (const piece of json.split('\n')) {
      if (piece.trim() === '') continue;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(piece) as Record<string, unknown>;
      } catch {
        entry = { msg: piece };
      }
      const line = textLine(entry);
      if (entry.progress === true && this.stream.isTTY === true) {
        this.stream.write(`\r\u001b[2K${line}`);
        this.pending = line;
      } else if (this.pending) {
        this.stream.write(`\r\u001b[2K${line}\n${this.pending}`);
      } else {
        this.stream.write(`${line}\n`);
      }
    }
  }

  /** Ends an open progress line (before the command's result goes to stdout). */
  end(): void {
    if (this.pending) this.stream.write('\n');
    this.pending = '';
  }
}

export interface CliLogger {
  log: Logger;
  format: LogFormat;
  /** ends an open progress line */
  end(): void;
}

/** The command's logger on `stream` in `format` (level from DERCHAIN_LOG_LEVEL, default info). */
export function cliLogger(o: { name: string; format: LogFormat; stream: LogStream; level?: string }): CliLogger {
  const level = o.level ?? 'info';
  if (o.format === 'json') {
    const log = pino({ name: o.name, level }, { write: (s: string) => o.stream.write(s) });
    return { log, format: 'json', end: () => {} };
  }
  const dest = new TextLogDestination(o.stream);
  const log = pino({ name: o.name, level }, dest);
  return { log, format: 'text', end: () => dest.end() };
}
