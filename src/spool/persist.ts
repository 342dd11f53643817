/** Keeps an outcome from being dropped: a store write is tried until the store takes it. */
import { delay, type Clock } from '../clock.js';
import { StoreError } from '../errors.js';

/**
 * Retries `write` while it fails with a `StoreError` (other errors are thrown). Gives up, with
 * `undefined`, only once the worker was abandoned at stop: its caller may close the store, and
 * the job stays in doubt for whoever takes the printer next.
 */
export async function persistUntilStored<T>(write: () => Promise<T>, report: (error: unknown) => void, abandoned: () => boolean, clock: Clock): Promise<T | undefined> {
  for (let failures = 0; ; failures++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      report(error);
      if (abandoned()) return undefined;
      await delay(clock, Math.min(5000, 50 * 2 ** Math.min(failures, 7)));
      if (abandoned()) return undefined;
    }
  }
}
