/**
 * Answers that hold across processes: `spool.watch()` reads the store's history in order (rows
 * have increasing ids) and `spool.waitFor()` re-reads a transaction, each time the store says
 * something changed. Wake-ups come from the store's `watch()` (other processes' commits), from
 * this process's own workers, and from a slow safety poll; none of them carries the answer, the
 * store does.
 */
import { JobCancelledError, UnknownTransactionError, WaitTimeoutError } from '../errors.js';
import type { SpoolStore } from './store.js';
import type { HistoryEntry, Job } from './types.js';

/** Safety net when no wake-up arrives (e.g. a store whose watch cannot see every writer). */
const SAFETY_POLL_MS = 1000;
const PAGE = 200;

/** Resolves `next()` at the next wake-up after it was asked for (or one that came in between). */
export class ChangeSignal {
  #pending = false;
  #waiters: (() => void)[] = [];
  readonly #unwatch: () => void;
  readonly #timer: NodeJS.Timeout;

  constructor(store: SpoolStore, localChanges: Set<() => void>, pollMs = SAFETY_POLL_MS) {
    const wake = () => this.wake();
    const unwatchStore = store.watch(wake);
    localChanges.add(wake);
    this.#timer = setInterval(wake, pollMs);
    this.#unwatch = () => {
      unwatchStore();
      localChanges.delete(wake);
      clearInterval(this.#timer);
    };
  }

  wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    if (waiters.length === 0) this.#pending = true;
    for (const resolve of waiters) resolve();
  }

  next(): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.#unwatch();
    this.wake();
  }
}

export interface WatchOptions {
  /** Start after this history id (default: the newest now, i.e. only changes from now on). */
  after?: number;
  /** Ends the iteration. */
  signal?: AbortSignal;
}

/** Every history row (state change, attempt, operator action) from `after` on, in order, across processes. */
export async function* watchHistory(store: SpoolStore, localChanges: Set<() => void>, options: WatchOptions = {}): AsyncGenerator<HistoryEntry> {
  const changes = new ChangeSignal(store, localChanges);
  const stop = () => changes.close();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    let last = options.after ?? (await store.lastHistoryId());
    while (!options.signal?.aborted) {
      const rows = await store.historySince(last, PAGE);
      for (const row of rows) {
        last = row.id;
        yield row;
        if (options.signal?.aborted) return;
      }
      if (rows.length < PAGE) await changes.next();
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    changes.close();
  }
}

export interface WaitForOptions {
  /** Reject with `WaitTimeoutError` after this long (default: wait for as long as it takes). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The transaction's original job once it printed, whoever printed it. */
export async function waitForPrinted(store: SpoolStore, localChanges: Set<() => void>, transactionId: string, options: WaitForOptions = {}): Promise<Job> {
  const changes = new ChangeSignal(store, localChanges);
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          changes.wake();
        }, options.timeoutMs);
  const abort = () => changes.wake();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const job = await store.findJob(transactionId);
      if (!job) throw new UnknownTransactionError(transactionId);
      if (job.state === 'printed') return job;
      if (job.state === 'cancelled') throw new JobCancelledError(transactionId);
      if (timedOut) throw new WaitTimeoutError(transactionId, options.timeoutMs!);
      if (options.signal?.aborted) throw options.signal.reason;
      await changes.next();
    }
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', abort);
    changes.close();
  }
}
