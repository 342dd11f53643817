/**
 * The worker's lease on its printer: taken before any job is claimed, renewed every third of its
 * time-to-live, given back at a clean stop. Taking it resets jobs left in doubt by the previous
 * holder (or by this worker before a restart), so they print again, marked.
 */
import type { WorkerContext } from './worker-context.js';

export class LeaseHolder {
  #held = false;
  #renewTimer: unknown;
  #renewing = false;

  constructor(
    private readonly context: WorkerContext,
    readonly holderId: string,
    readonly ttlMs: number,
  ) {}

  get held(): boolean {
    return this.#held;
  }

  /** True once this worker holds the lease (taking it now if it is free). */
  async hold(): Promise<boolean> {
    if (this.#held) return true;
    return this.resetInDoubt();
  }

  /**
   * Takes (or renews) the lease and, holding it, re-queues the printer's jobs left in doubt by
   * whoever held it before (or by this worker before a restart, or an attempt whose outcome was
   * lost): they print again, marked. False, and nothing reset, if another holder has the printer:
   * the lease's fencing leaves that holder's job alone.
   */
  async resetInDoubt(): Promise<boolean> {
    const { store, printer, clock } = this.context;
    this.#held = false;
    const acquired = await store.acquireLease(printer, this.holderId, this.ttlMs, clock.now());
    if (!acquired) return false;
    await store.resetInDoubt(
      printer,
      `in doubt: the attempt was interrupted; ${this.holderId} took the printer and reprints it marked`,
      clock.now(),
    );
    this.#held = true;
    return true;
  }

  /** Renews every third of the time-to-live on the worker's clock (a test advances it). */
  startRenewing(): void {
    this.#renewing = true;
    this.#scheduleRenewal();
  }

  stopRenewing(): void {
    this.#renewing = false;
    this.context.clock.clearTimeout(this.#renewTimer);
  }

  #scheduleRenewal(): void {
    if (!this.#renewing) return;
    this.#renewTimer = this.context.clock.setTimeout(() => {
      void this.#renew().finally(() => this.#scheduleRenewal());
    }, Math.max(10, this.ttlMs / 3));
  }

  /** Gives the lease back (when `handBack`, i.e. nothing is left in flight), else lets it expire. */
  async release(handBack: boolean): Promise<void> {
    if (handBack && this.#held) await this.context.store.releaseLease(this.context.printer, this.holderId).catch(() => {});
    this.#held = false;
  }

  async #renew(): Promise<void> {
    if (!this.#held) return;
    const { store, printer, clock } = this.context;
    try {
      this.#held = await store.acquireLease(printer, this.holderId, this.ttlMs, clock.now());
    } catch (error) {
      this.context.report(error); // the claim checks the lease's expiry itself, so a missed renewal is safe
    }
  }
}
