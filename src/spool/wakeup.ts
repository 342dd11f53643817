/** A sleep that ends early when woken; a wake with nobody asleep ends the next sleep at once. */
export class Wakeup {
  #pending = false;
  #wakeSleeper: (() => void) | undefined;

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
        clearTimeout(timer);
        this.#wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.#wakeSleeper = done;
    });
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
