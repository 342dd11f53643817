/**
 * What the worker knows of its printer between jobs: the last observed health (so `health()`
 * answers without I/O), when the printer went into `needs-attention`, and resuming the jobs that
 * wait on it once it reports it is ready again (whether a job waits for its printer is decide()'s
 * answer, state-machine.ts).
 */
import type { PrinterIdentity, PrinterLink, PrinterStatus } from '../printer/types.js';
import { healthFromStatus, healthUnreachable, sameHealth } from './health.js';
import { errorCode } from './retry-policy.js';
import { decide } from './state-machine.js';
import type { Job, PrinterHealth } from './types.js';
import type { WorkerContext } from './worker-context.js';

export class PrinterWatch {
  #health: PrinterHealth | undefined;
  #lastStatusPoll = -Infinity;
  #attentionSince: number | undefined;
  #identity: PrinterIdentity | undefined;
  #announceFirst!: (health: PrinterHealth) => void;
  /** Resolves with the first observation of the printer. */
  readonly firstObservation = new Promise<PrinterHealth>((resolve) => (this.#announceFirst = resolve));
  #confirmation: PrinterLink['confirmation'] = 'unknown';

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
      this.#confirmation = link.confirmation;
      // Once: `status` shows it from this observation instead of opening a second connection.
      this.#identity ??= await link.identify().catch((): PrinterIdentity => ({}));
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

  #observe(observed: PrinterHealth): void {
    const { uri } = this.context.options;
    const health: PrinterHealth = {
      ...observed,
      ...(uri === undefined ? {} : { uri }),
      identity: this.#identity ?? null,
      confirmation: this.#confirmation,
    };
    const previous = this.#health;
    this.#health = health;
    this.#announceFirst(health);
    // Every observation is recorded (no fsync), so its age in `health` is the poll's, not the last change's.
    this.context.store.recordHealth(health).catch((error: unknown) => this.context.report(error));
    if (sameHealth(previous, health)) return;
    this.context.emit('status', health);
    if (health.ready && !previous?.ready) this.wake();
  }
}
