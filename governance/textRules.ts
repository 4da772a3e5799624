// The governance contract's rules for text and periods, mirrored for the client so bad input is
// refused before anything is sent (contracts/Governance.sol enforces the same on chain), and the
// escaping applied to any text read from the chain before it reaches a terminal: a member's label
// must not be able to move another member's cursor, clear lines or set the window title.

/** Bytes of a label, member name, release label or revocation reason (Governance.MAX_LABEL_BYTES). */
export const MAX_LABEL_BYTES = 100;
/** Bytes of an enode URL (Governance.MAX_ENODE_BYTES). */
export const MAX_ENODE_BYTES = 512;
/** Governance.MIN_VOTING_PERIOD and MAX_VOTING_PERIOD, in seconds. */
export const MIN_VOTING_PERIOD_SECONDS = 1;
export const MAX_VOTING_PERIOD_SECONDS = 366 * 24 * 3600;

// C0 controls, DEL, C1 controls; plus the bidirectional overrides and isolates, which reorder what
// a terminal shows (text that looks like one address but is another).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_GLOBAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** Index of the first control (or bidi override) character, or -1. */
export function controlCharacterIndex(text: string): number {
  const m = UNSAFE.exec(text);
  return m ? m.index : -1;
}

/** Why `text` is refused as `what` (a flag or field name), or undefined when it is fine. */
export function textProblem(what: string, text: string, maxBytes: number): string | undefined {
  const at = controlCharacterIndex(text);
  if (at >= 0) {
    const code = text.codePointAt(at)!.toString(16).padStart(4, '0');
    return `${what} holds a control character (U+${code.toUpperCase()}) at position ${at}; only printable text is accepted`;
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) return `${what} is ${bytes} bytes long; at most ${maxBytes} are accepted`;
  return undefined;
}

/** Chain text made safe for a terminal: control and bidi characters become visible \u{..} escapes. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_GLOBAL, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** JSON.stringify escapes C0 controls in strings but leaves DEL, C1 and bidi characters raw:
 * escape those too (still valid JSON; its own line breaks stay). */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
