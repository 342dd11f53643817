/**
 * One worker drives one printer: it holds the printer's lease, takes the printer's head job,
 * renders it (marked when an earlier attempt may have printed), prints it, waits for the
 * confirmation and records the outcome. Between jobs it watches the printer so `health()`
 * answers without I/O. Every store write goes through `#persist`, which keeps trying while the
 * store is unusable, so an outcome is never dropped.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DisconnectedError, isReceiptSpoolError, RenderError, StoreError } from '../errors.js';
import { profileForModel, type PrinterProfile } from '../escpos/profiles.js';
import type { PrinterLink, PrinterStatus, PrintResult } from '../printer/types.js';
import { describeCause, healthFromStatus, healthUnreachable, sameHealth } from './health.js';
import { encoderRenderer, type Renderer, type ReprintMark } from './render.js';
import {
  backoffDelay,
  DEFAULT_RETRY,
  errorCode,
  failureAction,
  FAILURE_POLICY,
  mayHavePrinted,
  type RetryOptions,
} from './retry-policy.js';
import type { AttemptError, AttemptRef, SpoolStore } from './store.js';
import { systemClock, type Clock, type Job, type PrinterHealth, type SpoolEvents } from './types.js';
import { delay, Wakeup } from './wakeup.js';

export interface FallbackOptions {
  link: PrinterLink | (() => PrinterLink);
  /** How long the printer must stay in `needs-attention` before its jobs go here. */
  afterMs: number;
  /** Recorded as `printedOn` (default `<printer>:fallback`). */
  name?: string;
  profile?: PrinterProfile | string;
}

export interface WorkerOptions {
  printer: string;
  /** The printer link, or a factory the worker calls once (the worker then owns and closes it). */
  link: PrinterLink | (() => PrinterLink);
  /** Encoder profile; default: from the printer's reported model, else `generic-80`. */
  profile?: PrinterProfile | string;
  /** Replaces the encoder (tests, custom output). Receives the mark when the copy must carry one. */
  render?: Renderer;
  /** Mark text (default the encoder's `*** REPRINT ***`). */
  markText?: string;
  fallback?: FallbackOptions;
  retry?: Partial<RetryOptions>;
  /** Safety-net re-read of the store while idle (default 1000 ms); wake-ups normally come sooner. */
  pollMs?: number;
  /** Lease time-to-live; renewed every third of it (default 15000 ms). */
  leaseMs?: number;
  /** Status polling while idle or waiting for recovery (default 3000 ms). */
  statusPollMs?: number;
  confirmTimeoutMs?: number;
  /** Accept `sent` (one-way printers) as printed. */
  allowUnconfirmed?: boolean;
  clock?: Clock;
  /** Identifies this worker in the lease and history (default host:pid:random). */
  holderId?: string;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface WorkerEvents extends SpoolEvents {
  /** Anything unexpected inside the worker loop; the worker keeps running. */
  'worker-error': (error: Error) => void;
}

type Emit = <E extends keyof WorkerEvents>(event: E, ...args: Parameters<WorkerEvents[E]>) => void;

type Via = 'primary' | 'fallback';

interface Claimed {
  job: Job;
  via: Via;
}

export interface Worker {
  on<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
  once<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
  off<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
}

export class Worker extends EventEmitter {
  readonly printer: string;
  readonly holderId: string;
  readonly #store: SpoolStore;
  readonly #options: WorkerOptions;
  readonly #clock: Clock;
  readonly #retry: RetryOptions;
  readonly #forward: Emit;
  readonly #wakeup = new Wakeup();
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #statusPollMs: number;
  #link: PrinterLink | undefined;
  #fallbackLink: PrinterLink | undefined;
  #renderers = new Map<Via, Renderer>();
  #renderedAhead: { jobId: number; via: Via; bytes: Uint8Array } | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #abandoned = false;
  #leaseHeld = false;
  #leaseTimer: NodeJS.Timeout | undefined;
  #unwatch: (() => void) | undefined;
  #attentionSince: number | undefined;
  #failureStreak = 0;
  #lastStatusPoll = -Infinity;
  #health: PrinterHealth | undefined;
  #healthRecorded = false;

  constructor(store: SpoolStore, options: WorkerOptions, forward: Emit = () => {}) {
    super();
    this.#store = store;
    this.#options = options;
    this.printer = options.printer;
    this.holderId = options.holderId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#clock = options.clock ?? systemClock;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#forward = forward;
    this.#pollMs = options.pollMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 15_000;
    this.#statusPollMs = options.statusPollMs ?? 3000;
  }

  /** Last observed health of the printer, without I/O. */
  get health(): PrinterHealth | undefined {
    return this.#health;
  }

  get running(): boolean {
    return this.#loop !== undefined && !this.#stopping;
  }

  start(): this {
    if (this.#loop) return this;
    const link = this.#options.link;
    this.#link = typeof link === 'function' ? link() : link;
    this.#link.on('status', this.#onStatus);
    this.#unwatch = this.#store.watch(() => this.#wakeup.wake());
    this.#leaseTimer = setInterval(() => void this.#renewLease(), Math.max(10, this.#leaseMs / 3));
    this.#leaseTimer.unref();
    this.#loop = this.#run();
    return this;
  }

  /** Wakes the loop now (a job for this printer was queued in this process). */
  wake(): void {
    this.#wakeup.wake();
  }

  /**
   * Takes no new job, waits up to `timeoutMs` for the job in flight to be confirmed and recorded,
   * then releases the printer. A job still unconfirmed at the timeout stays in doubt in the store:
   * whoever takes the printer next reprints it marked.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#stopped ??= this.#stop(options.timeoutMs ?? 10_000);
    return this.#stopped;
  }

  async #stop(timeoutMs: number): Promise<void> {
    if (!this.#loop) return;
    this.#stopping = true;
    this.#wakeup.wake();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const finished = await Promise.race([this.#loop.then(() => true), timedOut]);
    clearTimeout(timer);
    this.#abandoned = !finished;
    clearInterval(this.#leaseTimer);
    this.#unwatch?.();
    this.#link?.off('status', this.#onStatus);
    if (finished && this.#leaseHeld) await this.#store.releaseLease(this.printer, this.holderId).catch(() => {});
    this.#leaseHeld = false;
    if (typeof this.#options.link === 'function') await this.#link?.close().catch(() => {});
    if (typeof this.#options.fallback?.link === 'function') await this.#fallbackLink?.close().catch(() => {});
  }

  #emit: Emit = (event, ...args) => {
    this.emit(event, ...args);
    this.#forward(event, ...args);
  };

  async #run(): Promise<void> {
    let storeFailures = 0;
    // A job claimed in the transaction that recorded the previous one (no second commit).
    let next: Claimed | undefined;
    while (!this.#stopping) {
      try {
        if (next) {
          const claimed = next;
          next = undefined;
          next = await this.#process(claimed.job, claimed.via);
          continue;
        }
        this.#store.check();
        if (!(await this.#holdLease())) {
          await this.#wakeup.sleep(Math.min(this.#pollMs, this.#leaseMs / 3));
          continue;
        }
        const via = this.#via();
        const job = await this.#store.claimJob(this.#claimRequest(via), this.#clock.now());
        storeFailures = 0;
        if (job) next = await this.#process(job, via);
        else await this.#idle();
      } catch (error) {
        storeFailures++;
        this.#report(error);
        await this.#wakeup.sleep(Math.min(5000, 100 * 2 ** Math.min(storeFailures, 6)));
      }
    }
    // Stopped with a job claimed but not sent: it goes back untouched (no mark for it).
    if (next) {
      const ref = { jobId: next.job.id, attempt: next.job.attempts };
      await this.#persist(() => this.#store.returnJob(ref, this.#clock.now())).catch((error: unknown) => this.#report(error));
    }
  }

  #report(error: unknown): void {
    const asError = error instanceof Error ? error : new Error(String(error));
    if (error instanceof StoreError) this.#emit('store-error', asError);
    else this.#emit('worker-error', asError);
  }

  // ---------------------------------------------------------------- lease

  async #holdLease(): Promise<boolean> {
    if (this.#leaseHeld) return true;
    const acquired = await this.#store.acquireLease(this.printer, this.holderId, this.#leaseMs, this.#clock.now());
    if (!acquired) return false;
    // Whoever held the printer before us (or we, before a restart) may have left jobs half done.
    await this.#store.resetInDoubt(
      this.printer,
      `in doubt: the attempt was interrupted; ${this.holderId} took the printer and reprints it marked`,
      this.#clock.now(),
    );
    this.#leaseHeld = true;
    return true;
  }

  async #renewLease(): Promise<void> {
    if (!this.#leaseHeld || this.#stopping) return;
    try {
      this.#leaseHeld = await this.#store.acquireLease(this.printer, this.holderId, this.#leaseMs, this.#clock.now());
    } catch (error) {
      this.#report(error); // the claim checks the lease's expiry itself, so a missed renewal is safe
    }
  }

  // ---------------------------------------------------------------- one job

  #via(): Via {
    return this.#fallbackActive() ? 'fallback' : 'primary';
  }

  #claimRequest(via: Via): { printer: string; holder: string; includeAttention: boolean } {
    return { printer: this.printer, holder: this.holderId, includeAttention: via === 'fallback' };
  }

  /** Prints one claimed job and records the outcome; returns the next job when it was claimed with it. */
  async #process(job: Job, via: Via): Promise<Claimed | undefined> {
    const ref: AttemptRef = { jobId: job.id, attempt: job.attempts };
    this.#emit('printing', job);
    const link = via === 'fallback' ? this.#fallback() : this.#link!;
    let bytes: Uint8Array;
    try {
      bytes = this.#takeRenderedAhead(job, via) ?? (await this.#render(job, via));
    } catch (error) {
      const failure = new RenderError(`cannot render ${job.transactionId}: ${(error as Error).message}`, { cause: error });
      const failed = await this.#persist(() =>
        this.#store.failJob(ref, { code: failure.code, message: failure.message, mayHavePrinted: false }, this.#clock.now()),
      );
      if (failed) this.#emit('failed', { job: failed, error: failure });
      return;
    }
    let result: PrintResult;
    try {
      result = await this.#print(link, bytes, job, ref, via);
    } catch (error) {
      await this.#recordFailure(job, ref, error, via);
      return;
    }
    this.#failureStreak = 0;
    const printedOn = via === 'fallback' ? (this.#options.fallback?.name ?? `${this.printer}:fallback`) : this.printer;
    const outcome = { guarantee: result.guarantee, bytesSent: result.bytesSent, printedOn };
    const { printed, next } = await this.#recordPrinted(ref, outcome);
    if (printed) {
      this.#emit('printed', printed);
      if (printed.marked) this.#emit('reprinted', { job: printed, reason: printed.kind === 'reprint' ? 'operator' : 'in-doubt' });
    }
    return next;
  }

  /**
   * Records a confirmed print, claiming the next job in the same commit while the worker goes on.
   * The confirmation stays in memory until the store takes it: the job is never printed again
   * for a write the store refused. If the combined write fails, only the record is retried (it is
   * the smaller write, and the one that must land).
   */
  async #recordPrinted(
    ref: AttemptRef,
    outcome: { guarantee: PrintResult['guarantee']; bytesSent: number; printedOn: string },
  ): Promise<{ printed: Job | undefined; next: Claimed | undefined }> {
    if (!this.#stopping && this.#leaseHeld) {
      const via = this.#via();
      try {
        const { printed, next } = await this.#store.completeAndClaim(ref, outcome, this.#claimRequest(via), this.#clock.now());
        return { printed, next: next && { job: next, via } };
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        this.#report(error);
      }
    }
    const printed = await this.#persist(() => this.#store.completeJob(ref, outcome, this.#clock.now()));
    return { printed, next: undefined };
  }

  async #print(link: PrinterLink, bytes: Uint8Array, job: Job, ref: AttemptRef, via: Via): Promise<PrintResult> {
    if (!link.connected) {
      try {
        await link.connect();
      } catch (error) {
        // Nothing was written: connecting failed before the job.
        throw new DisconnectedError((error as Error).message, { jobId: job.transactionId, mayHavePrinted: false, cause: error });
      }
    }
    return link.print(bytes, {
      jobId: job.transactionId,
      ...(this.#options.confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs: this.#options.confirmTimeoutMs }),
      allowUnconfirmed: this.#options.allowUnconfirmed ?? false,
      onSent: (bytesSent) => {
        // Informational (completeJob accepts `sending` too): it may land late or never.
        this.#persist(() => this.#store.markConfirming(ref, bytesSent, this.#clock.now())).catch((error: unknown) =>
          this.#report(error),
        );
        this.#renderAhead(job, via);
      },
    });
  }

  async #render(job: Job, via: Via): Promise<Uint8Array> {
    if (job.document === null) throw new Error('the document was purged');
    const mark: ReprintMark | undefined = job.marked
      ? { copy: job.copy, time: new Date(this.#clock.now()).toISOString(), ...(this.#options.markText ? { text: this.#options.markText } : {}) }
      : undefined;
    const render = this.#renderers.get(via) ?? (await this.#makeRenderer(via));
    this.#renderers.set(via, render);
    return render(job.document, mark);
  }

  /**
   * While the printer prints `current`, renders the job after it, so its bytes are ready the
   * moment it is claimed. Only an unmarked copy is rendered ahead (a mark's copy number and time
   * are decided at the claim); any failure here is left to the real render to report.
   */
  #renderAhead(current: Job, via: Via): void {
    this.#renderedAhead = undefined;
    const render = this.#renderers.get(via);
    if (!render) return;
    this.#store
      .jobAfter(this.printer, current.id)
      .then((next) => {
        if (!next || next.mustMark || next.document === null) return;
        this.#renderedAhead = { jobId: next.id, via, bytes: render(next.document, undefined) };
      })
      .catch(() => {});
  }

  #takeRenderedAhead(job: Job, via: Via): Uint8Array | undefined {
    const ahead = this.#renderedAhead;
    this.#renderedAhead = undefined;
    return ahead && ahead.jobId === job.id && ahead.via === via && !job.marked ? ahead.bytes : undefined;
  }

  async #makeRenderer(via: Via): Promise<Renderer> {
    if (this.#options.render) return this.#options.render;
    const profile = via === 'fallback' ? this.#options.fallback?.profile : this.#options.profile;
    if (profile !== undefined) return encoderRenderer(profile);
    const link = via === 'fallback' ? this.#fallback() : this.#link!;
    const identity = await link.identify().catch(() => undefined);
    return encoderRenderer(profileForModel(identity?.model, identity?.language));
  }

  async #recordFailure(job: Job, ref: AttemptRef, error: unknown, via: Via): Promise<void> {
    const failure = error instanceof Error ? error : new Error(String(error));
    const attemptError: AttemptError = { code: errorCode(error), message: failure.message, mayHavePrinted: mayHavePrinted(error) };
    let policy = failureAction(error);
    // The fallback has no recovery watch of its own: its faults back off instead.
    if (via === 'fallback' && policy.action === 'wait-for-recovery') policy = { action: 'backoff', countsTowardGiveUp: false };
    const now = this.#clock.now();

    if (policy.action === 'wait-for-recovery') {
      const waiting = await this.#persist(() => this.#store.markNeedsAttention(ref, attemptError, this.#clock.now()));
      this.#attentionSince ??= now;
      if (waiting) {
        this.#emit('needs-attention', {
          printer: this.printer,
          job: waiting,
          code: attemptError.code,
          cause: describeCause(attemptError.code, this.printer),
        });
      }
      return;
    }
    const counts = policy.action === 'backoff' && policy.countsTowardGiveUp;
    if (policy.action === 'give-up' || (counts && job.failures + 1 >= this.#retry.maxFailures)) {
      const failed = await this.#persist(() => this.#store.failJob(ref, attemptError, this.#clock.now()));
      if (failed) this.#emit('failed', { job: failed, error: failure });
      return;
    }
    this.#failureStreak++;
    const delayMs = backoffDelay(this.#failureStreak, this.#retry, this.#options.random);
    const retrying = await this.#persist(() =>
      this.#store.retryJob(ref, attemptError, { nextAttemptAt: now + delayMs, countsTowardGiveUp: counts }, this.#clock.now()),
    );
    if (retrying) this.#emit('retrying', { job: retrying, error: failure, delayMs });
  }

  /** Retries a store write until it lands (or the worker was abandoned at stop). */
  async #persist<T>(write: () => Promise<T>): Promise<T | undefined> {
    for (let failures = 0; ; failures++) {
      try {
        return await write();
      } catch (error) {
        if (!isReceiptSpoolError(error) || !(error instanceof StoreError)) throw error;
        this.#report(error);
        if (this.#abandoned) return undefined;
        await delay(Math.min(5000, 50 * 2 ** Math.min(failures, 7)));
        // A stopped worker leaves the store alone: its caller may close it; the job stays in doubt.
        if (this.#abandoned) return undefined;
      }
    }
  }

  #fallback(): PrinterLink {
    const option = this.#options.fallback!.link;
    this.#fallbackLink ??= typeof option === 'function' ? option() : option;
    return this.#fallbackLink;
  }

  #fallbackActive(): boolean {
    const fallback = this.#options.fallback;
    return (
      fallback !== undefined && this.#attentionSince !== undefined && this.#clock.now() - this.#attentionSince >= fallback.afterMs
    );
  }

  // ---------------------------------------------------------------- idle: waiting and watching

  async #idle(): Promise<void> {
    const head = await this.#store.headJob(this.printer);
    if (head && (head.state === 'sending' || head.state === 'confirming')) {
      // Nothing is in flight while idle, so its outcome was lost (not a store error: those are
      // retried in #persist). Taking the lease again re-queues it in doubt, marked, instead of
      // leaving it to block the queue; the lease's fencing leaves another holder's job alone.
      this.#leaseHeld = false;
      return;
    }
    if (head?.state === 'needs-attention') this.#attentionSince ??= head.updatedAt;
    if (this.#clock.now() - this.#lastStatusPoll >= this.#statusPollMs) await this.#pollStatus();
    if (await this.#resumeIfRecovered(head)) return;

    const now = this.#clock.now();
    let waitMs = Math.min(this.#pollMs, this.#lastStatusPoll + this.#statusPollMs - now);
    if (head && (head.state === 'queued' || head.state === 'retrying') && head.nextAttemptAt !== null) {
      waitMs = Math.min(waitMs, head.nextAttemptAt - now);
    }
    const fallback = this.#options.fallback;
    if (fallback && this.#attentionSince !== undefined) {
      waitMs = Math.min(waitMs, this.#attentionSince + fallback.afterMs - now);
    }
    if (this.#stopping) return;
    await this.#wakeup.sleep(Math.max(1, waitMs));
  }

  /** Jobs waiting on the printer go again once it reports it is ready after the fault. */
  async #resumeIfRecovered(head: Job | undefined): Promise<boolean> {
    const health = this.#health;
    if (!health?.ready || health.observedAt === null) return false;
    const waitingForPrinter =
      head !== undefined &&
      health.observedAt >= head.updatedAt &&
      (head.state === 'needs-attention' || (head.state === 'retrying' && waitsForPrinter(head.lastErrorCode)));
    const wasInAttention = this.#attentionSince !== undefined && health.observedAt >= this.#attentionSince;
    if (!waitingForPrinter && !wasInAttention) return false;
    if (wasInAttention) {
      this.#attentionSince = undefined;
      this.#emit('recovered', { printer: this.printer });
    }
    if (waitingForPrinter) await this.#store.resumePrinter(this.printer, this.#clock.now());
    return true;
  }

  async #pollStatus(): Promise<void> {
    this.#lastStatusPoll = this.#clock.now();
    const link = this.#link!;
    try {
      if (!link.connected) await link.connect();
      this.#observe(healthFromStatus(this.printer, await link.status(), this.#clock.now()));
    } catch (error) {
      const reason = errorCode(error) === 'OFFLINE' ? 'offline' : 'not connected';
      this.#observe(healthUnreachable(this.printer, reason, this.#clock.now()));
    }
  }

  #onStatus = (status: PrinterStatus): void => {
    this.#observe(healthFromStatus(this.printer, status, this.#clock.now()));
  };

  #observe(health: PrinterHealth): void {
    const previous = this.#health;
    this.#health = health;
    const changed = !sameHealth(previous, health);
    if (!changed && this.#healthRecorded) return;
    // A write the store refused is tried again with the next observation.
    this.#healthRecorded = true;
    this.#store.recordHealth(health).catch((error: unknown) => {
      this.#healthRecorded = false;
      this.#report(error);
    });
    if (!changed) return;
    this.#emit('status', health);
    if (health.ready && !previous?.ready) this.#wakeup.wake();
  }
}

/** Backoff for a printer that was away (not the job's fault): its return ends the wait. */
function waitsForPrinter(code: string | null): boolean {
  const policy = FAILURE_POLICY[code ?? ''];
  return policy?.action === 'backoff' && !policy.countsTowardGiveUp;
}
