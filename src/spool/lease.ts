/**
 * The worker's lease on its printer: taken before any job is claimed, renewed every third of its
 * time-to-live, given back at a clean stop. Taking it resets jobs left in doubt by the previous
 * holder (or by this worker before a restart), so they print again, marked. The lease records
 * the holder's host and pid: a holder on this host whose process is gone (a crash) is replaced
 * at once instead of after its time-to-live. The holder also leaves a heartbeat (`health` tells a
 * live worker from a dead one by it).
 */
import { hostname } from 'node:os';
import type { LeaseOwner } from './store.js';
import type { WorkerContext } from './worker-context.js';

/** How often the heartbeat is written at most: every write wakes the store's other watchers. */
const HEARTBEAT_EVERY_MS = 1000;

/** Whether process `pid` on this host still exists (EPERM: it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  // pid 0 or below would address a process group, not the holder: never signal those.
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LeaseHolder {
  #held = false;
  #renewTimer: unknown;
  #renewing = false;
  #lastHeartbeat = -Infinity;
  /** When the last acquire or renewal that succeeded was sent (the lease runs from then at the latest). */
  #renewedAt = -Infinity;
  readonly #owner: LeaseOwner;

  /** `onLost`: the lease was taken, or could not be renewed for a whole TTL (another host may hold the printer). */
  constructor(
    private readonly context: WorkerContext,
    readonly holderId: string,
    readonly ttlMs: number,
    owner: LeaseOwner = { host: hostname(), pid: process.pid },
    private readonly onLost: () => void = () => {},
  ) {
    this.#owner = owner;
  }

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
    const sentAt = clock.now();
    const acquired = (await store.acquireLease(printer, this.holderId, this.ttlMs, clock.now(), this.#owner)) || (await this.#takeOverDeadHolder());
    if (!acquired) return false;
    await store.resetInDoubt(printer, `in doubt: the attempt was interrupted; ${this.holderId} took the printer and reprints it marked`, clock.now());
    this.#held = true;
    this.#renewedAt = sentAt;
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
    this.#renewTimer = this.context.clock.setTimeout(
      () => {
        void this.#renew().finally(() => this.#scheduleRenewal());
      },
      Math.max(10, this.ttlMs / 3),
    );
  }

  /** Gives the lease back (when `handBack`, i.e. nothing is left in flight), else lets it expire. */
  async release(handBack: boolean): Promise<void> {
    if (handBack && this.#held) await this.context.store.releaseLease(this.context.printer, this.holderId).catch(() => {});
    this.#held = false;
  }

  /** Records that this worker is alive and serving the printer (throttled; no fsync). */
  heartbeat(): void {
    const { store, printer, clock, report } = this.context;
    const now = clock.now();
    if (!this.#held || now - this.#lastHeartbeat < HEARTBEAT_EVERY_MS) return;
    this.#lastHeartbeat = now;
    store.recordHeartbeat(printer, this.holderId, now).catch(report);
  }

  /** The holder runs on this host and its process is gone: it crashed, its lease is ours now. */
  async #takeOverDeadHolder(): Promise<boolean> {
    const { store, printer, clock } = this.context;
    const lease = await store.readLease(printer);
    if (!lease || lease.host !== this.#owner.host || lease.pid === undefined || lease.pid === this.#owner.pid) return false;
    if (processAlive(lease.pid)) return false;
    return store.acquireLease(printer, this.holderId, this.ttlMs, clock.now(), { ...this.#owner, replacing: lease.holder });
  }

  async #renew(): Promise<void> {
    if (!this.#held) return;
    const { store, printer, clock } = this.context;
    const sentAt = clock.now();
    try {
      this.#held = await store.acquireLease(printer, this.holderId, this.ttlMs, sentAt, this.#owner);
      if (!this.#held) return this.onLost();
      this.#renewedAt = sentAt;
      this.heartbeat();
    } catch (error) {
      this.context.report(error); // the claim checks the lease's expiry itself, so a missed renewal is safe
      if (sentAt - this.#renewedAt >= this.ttlMs) {
        this.#held = false;
        this.onLost();
      }
    }
  }
}
