/**
 * Bookkeeping shared by every transport: listener sets, pending-write rejection and
 * the single place where a link reports that it closed. It holds no I/O of its own.
 */

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
