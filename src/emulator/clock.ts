/** Timers behind the print speed and timed faults; tests inject `ManualClock` to stay deterministic. */

import type { Clock } from '../clock.js';

/** The one clock interface and the manual clock live in src/clock.ts. */
export { ManualClock, type Clock } from '../clock.js';

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
