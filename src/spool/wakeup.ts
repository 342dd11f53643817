/** A sleep that ends early when woken; a wake with nobody asleep ends the next sleep at once. */
import type { Clock } from '../clock.js';

export class Wakeup {
  #pending = false;
  #wakeSleeper: (() => void) | undefined;

  /** Sleeps run on `clock`'s timers: a test drives them by advancing its clock. */
  constructor(private readonly clock: Clock) {}

  wake(): void {
    if (this.#wakeSleeper) this.#wakeSleeper();
    else this.#pending = true;
  }

  sleep(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        this.clock.clearTimeout(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      const timer = this.clock.setTimeout(done, Math.max(0, ms));
      this.#wakeSleeper = done;
    });
  }
}
