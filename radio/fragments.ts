// Cutting a radio message into frames that fit a data rate, and putting it back together on the
// other side. A message that fits one frame is sent as it is; a larger one becomes FRAGMENT frames
// (4-byte header: type, message id, index, count; see docs/radio-frames.md). The reassembler keys
// partial messages by sender and message id, ignores duplicate fragments, drops a partial message
// when a fragment contradicts it, and forgets partial messages older than its timeout.
import { decodeMessage, encodeFragmentMessage, FrameError } from './frames.js';

export const FRAGMENT_HEADER_BYTES = 4;
export const MAX_FRAGMENTS = 255;

/** The frames that carry `message` when one frame holds at most `maxPayload` bytes. */
export function splitMessage(message: Uint8Array, maxPayload: number, messageId: number): Uint8Array[] {
  if (!Number.isInteger(maxPayload) || maxPayload <= FRAGMENT_HEADER_BYTES) {
    throw new FrameError('maxPayload', `${maxPayload} B frames cannot carry fragments (header ${FRAGMENT_HEADER_BYTES} B)`);
  }
  if (message.length <= maxPayload) return [message];
  const chunk = maxPayload - FRAGMENT_HEADER_BYTES;
  const count = Math.ceil(message.length / chunk);
  if (count > MAX_FRAGMENTS) throw new FrameError('count', `${message.length} B need ${count} fragments of ${chunk} B, at most ${MAX_FRAGMENTS}`);
  const out: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    out.push(encodeFragmentMessage({ messageId: messageId & 0xff, index: k, count, chunk: message.subarray(k * chunk, (k + 1) * chunk) }));
  }
  return out;
}

/** How many frames `messageBytes` take at `maxPayload` bytes per frame. */
export function framesNeeded(messageBytes: number, maxPayload: number): number {
  return messageBytes <= maxPayload ? 1 : Math.ceil(messageBytes / (maxPayload - FRAGMENT_HEADER_BYTES));
}

interface Partial {
  count: number;
  chunks: (Uint8Array | undefined)[];
  received: number;
  firstSeenMs: number;
}

export interface ReassemblerStats {
  fragments: number;
  duplicates: number;
  completed: number;
  expired: number;
  conflicts: number;
}

export class Reassembler {
  private readonly partials = new Map<string, Partial>();
  readonly stats: ReassemblerStats = { fragments: 0, duplicates: 0, completed: 0, expired: 0, conflicts: 0 };
  constructor(private readonly timeoutMs = 600_000) {}

  /**
   * Takes one frame from `source`; returns the whole message when this frame completes it (or is a
   * whole message by itself), undefined while fragments are missing.
   */
  accept(source: string, frame: Uint8Array, nowMs: number): Uint8Array | undefined {
    this.expire(nowMs);
    const m = decodeMessage(frame);
    if (m.type !== 'fragment') return frame;
    this.stats.fragments++;
    const key = `${source}/${m.messageId}`;
    let p = this.partials.get(key);
    if (p !== undefined && p.count !== m.count) {
      // a new message reusing the id (wrapped counter, or the old one never completed)
      this.stats.conflicts++;
      p = undefined;
    }
    if (p === undefined) {
      p = { count: m.count, chunks: new Array(m.count), received: 0, firstSeenMs: nowMs };
      this.partials.set(key, p);
    }
    const had = p.chunks[m.index];
    if (had !== undefined) {
      if (had.length === m.chunk.length && had.every((b, k) => b === m.chunk[k])) {
        this.stats.duplicates++;
        return undefined;
      }
      this.stats.conflicts++;
      p = { count: m.count, chunks: new Array(m.count), received: 0, firstSeenMs: nowMs };
      this.partials.set(key, p);
    }
    p.chunks[m.index] = m.chunk;
    p.received++;
    if (p.received < p.count) return undefined;
    this.partials.delete(key);
    this.stats.completed++;
    const total = p.chunks.reduce((s, c) => s + c!.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of p.chunks) {
      out.set(c!, at);
      at += c!.length;
    }
    return out;
  }

  /** Partial messages still waiting for fragments. */
  get pending(): number {
    return this.partials.size;
  }

  private expire(nowMs: number): void {
    for (const [k, p] of this.partials) {
      if (nowMs - p.firstSeenMs > this.timeoutMs) {
        this.partials.delete(k);
        this.stats.expired++;
      }
    }
  }
}
