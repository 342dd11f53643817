/**
 * Matches anonymous replies (a DLE EOT byte, a GS r byte, a GS I block) to the requests that
 * asked for them, in order. A request that timed out leaves a tombstone that swallows its late
 * reply, so that reply is never taken for the next request's answer; a tombstone expires after
 * `lateWindowMs`, in case the printer never answers it at all.
 */
import { ReplyTimeoutError } from '../errors.js';
import type { Clock } from './clock.js';

interface Entry<T> {
  resolve?: (value: T) => void;
  reject?: (error: Error) => void;
  timer?: unknown;
  /** Set once the request timed out: the entry only absorbs a late reply until then. */
  expiresAt?: number;
}

/** Re-exported where the printer layer always found it; the class lives in errors.ts. */
export { ReplyTimeoutError };

export interface PendingReply<T> {
  promise: Promise<T>;
  abandon(): void;
  /**
   * Leaves the line without a tombstone: for a request the printer proved it ignores (a later
   * in-order reply came first), or whose silence is being learned; its late reply would be
   * taken by the next request, so use it only where none can come.
   */
  cancel(): void;
}

export class ReplyQueue<T> {
  private entries: Entry<T>[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly lateWindowMs: number,
  ) {}

  /**
   * Registers a request sent (or about to be sent). The promise resolves with its reply and
   * rejects with `ReplyTimeoutError` after `timeoutMs` (no timer when omitted). `abandon()`
   * gives up on the reply but keeps the place in line, so the late reply is still swallowed.
   */
  expect(timeoutMs?: number, options: { tombstone?: boolean } = {}): PendingReply<T> {
    const entry: Entry<T> = {};
    const cancel = () => {
      this.clock.clearTimeout(entry.timer);
      this.entries = this.entries.filter((e) => e !== entry);
    };
    const abandon = () => {
      if (entry.expiresAt !== undefined) return;
      this.clock.clearTimeout(entry.timer);
      delete entry.resolve;
      delete entry.reject;
      entry.expiresAt = this.clock.now() + this.lateWindowMs;
    };
    const promise = new Promise<T>((resolve, reject) => {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    promise.catch(() => {}); // a caller that stopped waiting must not cause an unhandled rejection
    if (timeoutMs !== undefined) {
      entry.timer = this.clock.setTimeout(() => {
        const reject = entry.reject;
        if (options.tombstone === false) cancel();
        else abandon();
        reject?.(new ReplyTimeoutError(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
    }
    this.entries.push(entry);
    return { promise, abandon, cancel };
  }

  /** Hands a reply to the oldest request. Returns false when nobody was waiting (a stale reply). */
  deliver(value: T): boolean {
    const now = this.clock.now();
    while (this.entries.length > 0) {
      const entry = this.entries.shift()!;
      if (entry.expiresAt !== undefined) {
        if (entry.expiresAt >= now) return false; // the late reply of a timed-out request
        continue;
      }
      this.clock.clearTimeout(entry.timer);
      entry.resolve?.(value);
      return true;
    }
    return false;
  }

  /** Rejects every waiting request and forgets tombstones (the connection is gone). */
  failAll(error: Error): void {
    const entries = this.entries;
    this.entries = [];
    for (const entry of entries) {
      this.clock.clearTimeout(entry.timer);
      entry.reject?.(error);
    }
  }
}
