/**
 * One claimed job's attempt: render it (marked when an earlier attempt may have printed), print
 * it, wait for the confirmation, then ask the state machine (state-machine.ts) which transition
 * follows and record it. Every record goes through the context's `persist`, so an outcome is
 * never dropped.
 */
import { DisconnectedError, RenderError, StoreError } from '../errors.js';
import type { PrinterLink, PrintResult } from '../printer/types.js';
import { describeCause } from './health.js';
import type { JobRenderer } from './job-renderer.js';
import { backoffDelay, errorCode, mayHavePrinted, type RetryOptions } from './retry-policy.js';
import { decide, DEFAULT_UNREACHABLE_AFTER_MS } from './state-machine.js';
import type { AttemptError, AttemptRef } from './store.js';
import type { Job } from './types.js';
import type { Claim, Claimed, PrintTarget, WorkerContext } from './worker-context.js';

export interface AttemptSetup {
  context: WorkerContext;
  renderer: JobRenderer;
  retry: RetryOptions;
  /** The printer needs a person since `at` (the fallback's wait starts then). */
  needsAttentionSince(at: number): void;
  /** How to claim the next job in the commit that records this one; undefined when the worker must not. */
  nextClaim(): Claim | undefined;
  /** The printed job is recorded; `claimedNext` says whether the same commit claimed the next one. */
  recorded(claimedNext: boolean): void;
}

type Outcome = { guarantee: PrintResult['guarantee']; bytesSent: number; printedOn: string };

export class AttemptRunner {
  /** Consecutive transient failures on this printer: the backoff grows with it. */
  #failureStreak = 0;
  /** Since when every attempt found the printer away, as the state machine last answered; undefined once one got through. */
  #printerAwaySince: number | undefined;

  constructor(private readonly setup: AttemptSetup) {}

  /** Prints one claimed job and records the outcome; returns the next job when it was claimed with it. */
  async run(job: Job, target: PrintTarget): Promise<Claimed | undefined> {
    const { context, renderer } = this.setup;
    const ref: AttemptRef = { jobId: job.id, attempt: job.attempts };
    context.emit('printing', job);
    try {
      await this.#connect(target.link, job);
    } catch (error) {
      await this.#recordFailure(job, ref, error, target);
      return;
    }
    // Rendered once connected: a profile chosen from the printer's answers needs the printer.
    let bytes: Uint8Array;
    try {
      bytes = renderer.takeRenderedAhead(job, target) ?? (await renderer.render(job, target));
    } catch (error) {
      const failure = new RenderError(`cannot render ${job.transactionId}: ${(error as Error).message}`, { cause: error });
      await this.#recordFailure(job, ref, failure, target, false);
      return;
    }
    let result: PrintResult;
    try {
      result = await this.#print(target, bytes, job, ref);
    } catch (error) {
      await this.#recordFailure(job, ref, error, target);
      return;
    }
    this.#failureStreak = 0;
    this.#printerAwaySince = undefined;
    const outcome = { guarantee: result.guarantee, bytesSent: result.bytesSent, printedOn: target.name };
    const { printed, next } = await this.#recordPrinted(ref, outcome);
    this.setup.recorded(next !== undefined);
    if (printed) {
      context.emit('printed', printed);
      if (printed.marked) context.emit('reprinted', { job: printed, reason: printed.kind === 'reprint' ? 'operator' : 'in-doubt' });
    }
    return next;
  }

  async #connect(link: PrinterLink, job: Job): Promise<void> {
    if (link.connected) return;
    try {
      await link.connect();
    } catch (error) {
      // Nothing was written: connecting failed before the job.
      throw new DisconnectedError((error as Error).message, { transactionId: job.transactionId, mayHavePrinted: false, cause: error });
    }
  }

  async #print(target: PrintTarget, bytes: Uint8Array, job: Job, ref: AttemptRef): Promise<PrintResult> {
    const { context, renderer } = this.setup;
    await this.#connect(target.link, job); // the link may have dropped while rendering
    return target.link.print(bytes, {
      jobId: job.transactionId,
      ...(context.options.confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs: context.options.confirmTimeoutMs }),
      allowUnconfirmed: context.options.allowUnconfirmed ?? false,
      onSent: (bytesSent) => {
        // Informational (completeJob accepts `sending` too): it may land late or never.
        context.persist(() => context.store.markConfirming(ref, bytesSent, context.clock.now())).catch((error: unknown) => context.report(error));
        renderer.renderAhead(job, target);
      },
    });
  }

  /**
   * Records a confirmed print, claiming the next job in the same commit while the worker goes on.
   * The confirmation stays in memory until the store takes it: the job is never printed again
   * for a write the store refused. If the combined write fails, only the record is retried (it is
   * the smaller write, and the one that must land).
   */
  async #recordPrinted(ref: AttemptRef, outcome: Outcome): Promise<{ printed: Job | undefined; next: Claimed | undefined }> {
    const { store, clock, persist, report } = this.setup.context;
    const claim = this.setup.nextClaim();
    if (claim) {
      try {
        const { printed, next } = await store.completeAndClaim(ref, outcome, claim.request, clock.now());
        return { printed, next: next && { job: next, target: claim.target } };
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        report(error);
      }
    }
    const printed = await persist(() => store.completeJob(ref, outcome, clock.now()));
    return { printed, next: undefined };
  }

  /** Asks the state machine what follows the failure and records what it answers. */
  async #recordFailure(job: Job, ref: AttemptRef, error: unknown, target: PrintTarget, printed = mayHavePrinted(error)): Promise<void> {
    const { clock, options } = this.setup.context;
    const failure = error instanceof Error ? error : new Error(String(error));
    const attemptError: AttemptError = { code: errorCode(error), message: failure.message, mayHavePrinted: printed };
    const policy = {
      maxFailures: this.setup.retry.maxFailures,
      watchesRecovery: target.watchesRecovery,
      unreachableAfterMs: options.unreachableAfterMs ?? DEFAULT_UNREACHABLE_AFTER_MS,
    };
    const now = clock.now();
    const decision = decide(job, { kind: 'attempt-failed', error: attemptError, policy, at: now, printerAwaySince: this.#printerAwaySince });
    if (decision.transition === 'none') throw new Error(`the state machine answered none for a failed attempt of job ${job.id} in ${job.state}`);
    this.#printerAwaySince = decision.printerAwaySince;
    switch (decision.transition) {
      case 'needsAttention':
        return this.#waitForRecovery(ref, decision.error, now);
      case 'fail':
        return this.#fail(ref, decision.error, failure);
      case 'retry':
        return this.#retry(ref, decision.error, failure, decision.countsTowardGiveUp, now);
    }
  }

  async #waitForRecovery(ref: AttemptRef, attemptError: AttemptError, now: number): Promise<void> {
    const { store, clock, persist, emit, printer } = this.setup.context;
    const waiting = await persist(() => store.markNeedsAttention(ref, attemptError, clock.now()));
    this.setup.needsAttentionSince(now);
    if (waiting) {
      emit('needs-attention', { printer, job: waiting, code: attemptError.code, cause: describeCause(attemptError.code, printer) });
    }
  }

  async #fail(ref: AttemptRef, attemptError: AttemptError, failure: Error): Promise<void> {
    const { store, clock, persist, emit } = this.setup.context;
    const failed = await persist(() => store.failJob(ref, attemptError, clock.now()));
    if (failed) emit('failed', { job: failed, error: failure });
  }

  async #retry(ref: AttemptRef, attemptError: AttemptError, failure: Error, countsTowardGiveUp: boolean, now: number): Promise<void> {
    const { store, clock, persist, emit, options } = this.setup.context;
    this.#failureStreak++;
    const delayMs = backoffDelay(this.#failureStreak, this.setup.retry, options.random);
    const retrying = await persist(() => store.retryJob(ref, attemptError, { nextAttemptAt: now + delayMs, countsTowardGiveUp }, clock.now()));
    if (retrying) emit('retrying', { job: retrying, error: failure, delayMs });
  }
}
