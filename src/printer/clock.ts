/** Time as a parameter, so tests can drive timeouts and backoff deterministically (the interface: src/clock.ts). */
import { delay, type Clock } from '../clock.js';

export { delay, type Clock };

/** The printer's real clock: its timers never keep a process alive on their own. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // Timers of the printer link never keep a process alive on their own.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves with the promise's value, or undefined after `ms` or when it rejects. */
export function settleWithin<T>(clock: Clock, promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: unknown;
  return Promise.race([promise.catch(() => undefined), new Promise<undefined>((resolve) => (timer = clock.setTimeout(() => resolve(undefined), ms)))]).finally(() =>
    clock.clearTimeout(timer),
  );
}
