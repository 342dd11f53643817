/**
 * What the worker knows of its printer between jobs: the last observed health (so `health()`
 * answers without I/O), when the printer went into `needs-attention`, and resuming the jobs that
 * wait on it once it reports it is ready again.
 */
import type { PrinterLink, PrinterStatus } from '../printer/types.js';
import { healthFromStatus, healthUnreachable, sameHealth } from './health.js';
import { errorCode } from './retry-policy.js';
import { decide } from './state-machine.js';
import type { Job, PrinterHealth } from './types.js';
import type { WorkerContext } from './worker-context.js';

export class PrinterWatch {
  #health: PrinterHealth | undefined;
  #healthRecorded = false;
  #lastStatusPoll = -Infinity;
  #attentionSince: number | undefined;

  constructor(
    private readonly context: WorkerContext,
    private readonly statusPollMs: number,
    /** Called when the printer becomes ready: the loop may have jobs to take. */
    private readonly wake: () => void,
  ) {}

  get health(): PrinterHealth | undefined {
    return this.#health;
  }

  /** When the printer went into `needs-attention` (undefined: it is not, or it recovered). */
  get attentionSince(): number | undefined {
    return this.#attentionSince;
  }

  /** The printer needs a person since `at` (kept if it already did). */
  needsAttentionSince(at: number): void {
    this.#attentionSince ??= at;
  }

  /** Listener for the link's unsolicited status. */
  readonly onStatus = (status: PrinterStatus): void => {
    this.#observe(healthFromStatus(this.context.printer, status, this.context.clock.now()));
  };

  /** Asks the printer for its status when the last poll is `statusPollMs` old. */
  async pollIfDue(link: PrinterLink): Promise<void> {
    if (this.context.clock.now() - this.#lastStatusPoll < this.statusPollMs) return;
    const { printer, clock } = this.context;
    this.#lastStatusPoll = clock.now();
    try {
      if (!link.connected) await link.connect();
      this.#observe(healthFromStatus(printer, await link.status(), clock.now()));
    } catch (error) {
      const reason = errorCode(error) === 'OFFLINE' ? 'offline' : 'not connected';
      this.#observe(healthUnreachable(printer, reason, clock.now()));
    }
  }

  msUntilNextPoll(now: number): number {
    return this.#lastStatusPoll + this.statusPollMs - now;
  }

  /**
   * Jobs waiting on the printer go again once it reports it is ready after the fault. True when
   * the printer recovered or jobs were resumed (the loop then claims again at once).
   */
  async resumeIfRecovered(head: Job | undefined): Promise<boolean> {
    const health = this.#health;
    if (!health?.ready || health.observedAt === null) return false;
    const waitingForPrinter = head !== undefined && decide(head, { kind: 'printer-ready', observedAt: health.observedAt }).transition === 'resume';
    const wasInAttention = this.#attentionSince !== undefined && health.observedAt >= this.#attentionSince;
    if (!waitingForPrinter && !wasInAttention) return false;
    const { store, printer, clock, emit } = this.context;
    if (wasInAttention) {
      this.#attentionSince = undefined;
      emit('recovered', { printer });
    }
    if (waitingForPrinter) await store.resumePrinter(printer, clock.now());
    return true;
  }

  #observe(health: PrinterHealth): void {
    const previous = this.#health;
    this.#health = health;
    const changed = !sameHealth(previous, health);
    if (!changed && this.#healthRecorded) return;
    // A write the store refused is tried again with the next observation.
    this.#healthRecorded = true;
    this.context.store.recordHealth(health).catch((error: unknown) => {
      this.#healthRecorded = false;
      this.context.report(error);
    });
    if (!changed) return;
    this.context.emit('status', health);
    if (health.ready && !previous?.ready) this.wake();
  }
}
