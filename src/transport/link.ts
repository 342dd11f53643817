/**
 * Bookkeeping shared by every transport: listener sets, pending-write rejection and
 * the single place where a link reports that it closed. It holds no I/O of its own.
 */
import { TransportClosedError } from '../errors.js';

export class Listeners<T extends unknown[]> {
  readonly #listeners = new Set<(...args: T) => void>();

  add(listener: (...args: T) => void): () => void {
    // Wrapped so the same function may subscribe twice and unsubscribe each copy alone.
    const entry = (...args: T) => listener(...args);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Calls every listener; a listener that throws must not stop the link, so its error is re-thrown later. */
  emit(...args: T): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/** Writes that have not settled yet, so `close()` or a drop can reject all of them at once. */
export class PendingWrites {
  readonly #rejecters = new Set<(error: Error) => void>();

  /** Runs `start` and tracks the returned promise until it settles. */
  track(start: (resolve: () => void, reject: (error: Error) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        this.#rejecters.delete(rejectOnce);
        action();
      };
      const rejectOnce = (error: Error) => settle(() => reject(error));
      this.#rejecters.add(rejectOnce);
      try {
        start(() => settle(resolve), rejectOnce);
      } catch (error) {
        rejectOnce(error as Error);
      }
    });
  }

  rejectAll(error: Error): void {
    for (const reject of [...this.#rejecters]) reject(error);
  }

  get size(): number {
    return this.#rejecters.size;
  }
}

/**
 * What every transport does the same way: `onData`/`onClose` subscriptions, writes tracked
 * until they settle (optionally sent one after another), one open attempt shared by concurrent
 * `open()` calls, and one way to report that the link ended.
 */
export abstract class TransportBase {
  protected readonly pending = new PendingWrites();
  protected readonly dataListeners = new Listeners<[Uint8Array]>();
  protected readonly closeListeners = new Listeners<[Error | undefined]>();
  #writeChain: Promise<void> = Promise.resolve();
  #opening: Promise<void> | undefined;

  onData(listener: (bytes: Uint8Array) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  /** Concurrent `open()` calls share the attempt in progress. */
  protected openOnce(start: () => Promise<void>): Promise<void> {
    this.#opening ??= start().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  /** The open attempt in progress, settled either way, so a close() during open() closes what it produces. */
  protected get openInProgress(): Promise<void> | undefined {
    return this.#opening?.catch(() => {});
  }

  /** Tracks a write that starts only after every earlier queued write has settled. */
  protected writeInOrder(send: () => Promise<void>): Promise<void> {
    return this.pending.track((resolve, reject) => {
      const run = () => send().then(resolve, reject);
      this.#writeChain = this.#writeChain.then(run, run);
    });
  }

  /**
   * The link ended: forget queued writes, reject every pending one (`TransportClosedError` after
   * `close()`, else `error`) and tell the `onClose` listeners with `error`.
   */
  protected ended(error: Error | undefined): void {
    this.#writeChain = Promise.resolve();
    this.pending.rejectAll(error ?? new TransportClosedError());
    this.closeListeners.emit(error);
  }
}

/** Copies bytes out of a (possibly reused) buffer so listeners may keep them. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const result = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}
