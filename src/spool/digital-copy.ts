/**
 * The digital copy: when the printer's head job has waited in `needs-attention` for
 * `digitalCopyAfterMs`, the worker says so once (`digital-copy-due`) so the POS can send the
 * customer a picture of the receipt (`renderReceipt` marks it as a copy). The job keeps waiting
 * to print. Once per job and worker: a restarted worker may say it again.
 */
import type { Job } from './types.js';
import type { Emit } from './worker-context.js';

export class DigitalCopyWatch {
  readonly #announced = new Set<number>();

  constructor(
    private readonly printer: string,
    private readonly afterMs: number,
    private readonly emit: Emit,
  ) {}

  /** Announces the head job when it has waited long enough; returns ms until it is due (Infinity: nothing to wait for). */
  check(head: Job | undefined, now: number): number {
    if (!head || head.state !== 'needs-attention' || this.#announced.has(head.id)) return Infinity;
    const waitingMs = now - head.updatedAt;
    if (waitingMs < this.afterMs) return this.afterMs - waitingMs;
    this.#announced.add(head.id);
    this.emit('digital-copy-due', { printer: this.printer, job: head, waitingMs });
    return Infinity;
  }
}
