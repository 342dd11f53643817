/**
 * One worker drives one printer: it holds the printer's lease (lease.ts), takes the printer's
 * head job and runs one attempt at it (attempt.ts), and between jobs watches the printer so
 * `health()` answers without I/O and waiting jobs resume on recovery (printer-watch.ts). After a
 * long `needs-attention` its jobs go to the fallback (fallback.ts). This file is the lifecycle
 * and the loop; every store write that records an outcome goes through `#persist`.
 * Which transition follows what happened is decide()'s answer (state-machine.ts): the worker and
 * its helpers ask and apply it, nothing here decides. Events go out through safe-emitter.ts; time
 * is the injected clock (src/clock.ts).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { StoreError } from '../errors.js';
import { SafeEmitter, type ListenerErrorReport } from '../safe-emitter.js';
import type { PrinterLink } from '../printer/types.js';
import { AttemptRunner } from './attempt.js';
import { DigitalCopyWatch } from './digital-copy.js';
import { Fallback } from './fallback.js';
import { JobRenderer, TargetRenderer } from './job-renderer.js';
import { LeaseHolder } from './lease.js';
import { persistUntilStored } from './persist.js';
import { PrinterWatch } from './printer-watch.js';
import { DEFAULT_RETRY } from './retry-policy.js';
import { claimTransition, decide, leavesFrom } from './state-machine.js';
import type { SpoolStore } from './store.js';
import { systemClock, type Clock, type Job, type PrinterHealth } from './types.js';
import { Wakeup } from './wakeup.js';
import type { Claim, Claimed, ClaimRequest, Emit, PrintTarget, WorkerContext } from './worker-context.js';
import type { WorkerEvents, WorkerOptions } from './worker-options.js';

export type { FallbackOptions, WorkerEvents, WorkerOptions } from './worker-options.js';

export interface Worker {
  on<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
  once<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
  off<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
}

/**
 * A job this worker would claim next, offered to the spool's submit while the worker sleeps idle:
 * the submit claims it in its own commit and delivers what it took (or nothing). Until then the
 * loop waits for the delivery before touching the store, so it never sees the job half-handed.
 */
export interface HandOff {
  readonly request: ClaimRequest;
  deliver(job: Job | undefined): void;
}

/** Set in Worker's static block: the spool offers a submit to an idle worker without widening Worker's public face. */
let offerIdle: (worker: Worker) => HandOff | undefined;

/** A hand-off from `worker` when it sleeps idle holding its printer, undefined otherwise (busy, stopping, one already offered). */
export function handOffFrom(worker: Worker): HandOff | undefined {
  return offerIdle(worker);
}

export class Worker extends SafeEmitter {
  readonly printer: string;
  readonly holderId: string;
  readonly #store: SpoolStore;
  readonly #options: WorkerOptions;
  readonly #clock: Clock;
  readonly #forward: Emit;
  readonly #wakeup: Wakeup;
  readonly #pollMs: number;
  readonly #lease: LeaseHolder;
  readonly #watch: PrinterWatch;
  readonly #fallback: Fallback | undefined;
  readonly #digitalCopy: DigitalCopyWatch | undefined;
  readonly #attempts: AttemptRunner;
  /** The printer's own link, and the fallback's (when configured). */
  readonly #primary: PrintTarget;
  readonly #fallbackTarget: PrintTarget | undefined;
  #link: PrinterLink | undefined;
  #loop: Promise<void> | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #abandoned = false;
  #unwatch: (() => void) | undefined;
  /** The lease was lost: the link is closed before the next claim (see #run). */
  #freePrinter = false;
  /**
   * Whether a submit may claim this worker's next job in its own commit (a hand-off): only while
   * nothing of the printer is in flight and `#idle` is not judging the queue (a job claimed for
   * this worker but not yet delivered would look like an attempt whose outcome was lost there).
   */
  #offerable = true;
  #handOff: Promise<Claimed | undefined> | undefined;

  static {
    offerIdle = (worker) => worker.#offerIdle();
  }

  constructor(store: SpoolStore, options: WorkerOptions, forward: Emit = () => {}) {
    super();
    this.#store = store;
    this.#options = options;
    this.printer = options.printer;
    this.holderId = options.holderId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#clock = options.clock ?? systemClock;
    this.#wakeup = new Wakeup(this.#clock);
    this.#forward = forward;
    this.#pollMs = options.pollMs ?? 1000;
    const context: WorkerContext = {
      printer: this.printer,
      store,
      clock: this.#clock,
      options,
      emit: this.#emit,
      report: (error) => this.#report(error),
      persist: (write) => this.#persist(write),
    };
    const freePrinter = (): void => {
      this.#freePrinter = true;
      this.#wakeup.wake();
    };
    this.#lease = new LeaseHolder(context, this.holderId, options.leaseMs ?? 15_000, { host: options.host ?? hostname(), pid: process.pid }, freePrinter);
    this.#watch = new PrinterWatch(context, options.statusPollMs ?? 3000, () => this.#wakeup.wake());
    this.#fallback = options.fallback && new Fallback(options.fallback, this.printer);
    if (options.digitalCopyAfterMs !== undefined) this.#digitalCopy = new DigitalCopyWatch(this.printer, options.digitalCopyAfterMs, this.#emit);
    const primaryLink = (): PrinterLink => this.#link!;
    this.#primary = {
      name: this.printer,
      get link() {
        return primaryLink();
      },
      renderer: new TargetRenderer(primaryLink, options.render, options.profile),
      watchesRecovery: true,
    };
    const fallback = this.#fallback;
    this.#fallbackTarget = fallback && {
      name: fallback.name,
      get link() {
        return fallback.link;
      },
      renderer: new TargetRenderer(() => fallback.link, options.render, options.fallback?.profile),
      watchesRecovery: false,
    };
    this.#attempts = new AttemptRunner({
      context,
      renderer: new JobRenderer(context),
      retry: { ...DEFAULT_RETRY, ...options.retry },
      needsAttentionSince: (at) => this.#watch.needsAttentionSince(at),
      nextClaim: () => (!this.#stopping && this.#lease.held ? this.#claim() : undefined),
      recorded: (claimedNext) => (this.#offerable = !claimedNext),
    });
  }

  /** Last observed health of the printer, without I/O. */
  get health(): PrinterHealth | undefined {
    return this.#watch.health;
  }

  /**
   * Resolves with the worker's first observation of the printer (its status polled once it holds
   * the printer): `health()` before it answers `unknown`/`no worker`.
   */
  observed(): Promise<PrinterHealth> {
    return this.#watch.firstObservation;
  }

  get running(): boolean {
    return this.#loop !== undefined && !this.#stopping;
  }

  start(): this {
    if (this.#loop) return this;
    const link = this.#options.link;
    this.#link = typeof link === 'function' ? link() : link;
    this.#link.on('status', this.#watch.onStatus);
    this.#unwatch = this.#store.watch(() => this.#wakeup.wake());
    this.#lease.startRenewing();
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
    this.#lease.stopRenewing();
    this.#wakeup.wake();
    let timer: unknown;
    const timedOut = new Promise<boolean>((resolve) => (timer = this.#clock.setTimeout(() => resolve(false), timeoutMs)));
    const finished = await Promise.race([this.#loop.then(() => true), timedOut]);
    this.#clock.clearTimeout(timer);
    this.#abandoned = !finished;
    this.#unwatch?.();
    this.#link?.off('status', this.#watch.onStatus);
    await this.#lease.release(finished);
    if (typeof this.#options.link === 'function') await this.#link?.close().catch(() => {});
    await this.#fallback?.close();
  }

  /** A failure of this worker's own listener is announced on the spool too. */
  protected override listenerFailed(report: ListenerErrorReport): void {
    super.listenerFailed(report);
    this.#forward('listener-error', report);
  }

  #emit: Emit = (event, ...args) => {
    this.emit(event, ...args);
    this.#forward(event, ...args);
  };

  async #run(): Promise<void> {
    let storeFailures = 0;
    // A job claimed in the transaction that recorded the previous one, or the submit's (no second commit).
    let next: Claimed | undefined;
    while (!this.#stopping) {
      try {
        next ??= await this.#takeHandOff();
        if (next) {
          next = await this.#attempt(next);
          continue;
        }
        if (this.#freePrinter) {
          // A printer that serves one connection at a time (port 9100, "other users wait") must be
          // free for the host taking it over; closed between jobs, and the next attempt reconnects.
          this.#freePrinter = false;
          await this.#link?.close().catch(() => {});
        }
        this.#store.check();
        if (!(await this.#lease.hold())) {
          await this.#wakeup.sleep(Math.min(this.#pollMs, this.#lease.ttlMs / 3));
          continue;
        }
        const claim = this.#claim();
        const job = await this.#store.claimJob(claim.request, this.#clock.now());
        storeFailures = 0;
        if (job) next = await this.#attempt({ job, target: claim.target });
        // Checked in the same turn as #idle starts: no hand-off can slip in between.
        else if (this.#handOff) next = await this.#takeHandOff();
        else await this.#idle();
      } catch (error) {
        storeFailures++;
        this.#report(error);
        await this.#wakeup.sleep(Math.min(5000, 100 * 2 ** Math.min(storeFailures, 6)));
      }
    }
    // Stopped with a job claimed but not sent: it goes back untouched (no mark for it).
    next ??= await this.#takeHandOff();
    if (next && decide(next.job, { kind: 'not-sent' }).transition === 'return') {
      const ref = { jobId: next.job.id, attempt: next.job.attempts };
      await this.#persist(() => this.#store.returnJob(ref, this.#clock.now())).catch((error: unknown) => this.#report(error));
    }
  }

  /** One attempt; no hand-off is offered while its job is in flight. */
  async #attempt(claimed: Claimed): Promise<Claimed | undefined> {
    this.#offerable = false;
    const next = await this.#attempts.run(claimed.job, claimed.target);
    this.#offerable = next === undefined;
    return next;
  }

  #offerIdle(): HandOff | undefined {
    if (!this.#offerable || this.#stopping || this.#handOff || !this.#lease.held) return undefined;
    const claim = this.#claim();
    let resolve!: (claimed: Claimed | undefined) => void;
    const handOff = new Promise<Claimed | undefined>((settle) => (resolve = settle));
    this.#handOff = handOff;
    const deliver = (job: Job | undefined): void => {
      // Nothing claimed: the next submit may offer again at once. A claimed job stays until the loop takes it.
      if (!job && this.#handOff === handOff) this.#handOff = undefined;
      resolve(job && { job, target: claim.target });
    };
    return { request: claim.request, deliver };
  }

  /** The job a submit claimed for this worker, once delivered; undefined when none was offered. */
  async #takeHandOff(): Promise<Claimed | undefined> {
    const handOff = this.#handOff;
    if (!handOff) return undefined;
    const claimed = await handOff;
    if (this.#handOff === handOff) this.#handOff = undefined;
    return claimed;
  }

  /** The claim for the printer's next job: from the fallback, with the jobs waiting on the printer, once it took over. */
  #claim(): Claim {
    const onFallback = this.#fallbackTarget !== undefined && claimTransition(this.#watch.attentionSince, this.#fallback!.afterMs, this.#clock.now()) === 'claimForFallback';
    const target = onFallback ? this.#fallbackTarget! : this.#primary;
    return { request: { printer: this.printer, holder: this.holderId, includeAttention: onFallback }, target };
  }

  /** No job to take: watch the printer, resume jobs waiting on it, and sleep until something may change. */
  async #idle(): Promise<void> {
    this.#offerable = false;
    try {
      await this.#judgeQueue();
    } finally {
      this.#offerable = true;
    }
  }

  /** Reads the printer's head and acts on it; resolves after sleeping when there is nothing to do. */
  async #judgeQueue(): Promise<void> {
    const head = await this.#store.headJob(this.printer);
    if (head && decide(head, { kind: 'outcome-lost' }).transition === 'inDoubt') {
      // Nothing is in flight while idle, so its outcome was lost (not a store error: those are
      // retried by persistUntilStored): re-queued in doubt, marked, instead of blocking the queue.
      await this.#lease.resetInDoubt();
      return;
    }
    if (head?.state === 'needs-attention') this.#watch.needsAttentionSince(head.updatedAt);
    this.#lease.heartbeat();
    await this.#watch.pollIfDue(this.#link!);
    if (await this.#watch.resumeIfRecovered(head)) return;

    const now = this.#clock.now();
    let waitMs = Math.min(this.#pollMs, this.#watch.msUntilNextPoll(now));
    if (head && leavesFrom('claim', head.state) && head.nextAttemptAt !== null) {
      waitMs = Math.min(waitMs, head.nextAttemptAt - now);
    }
    if (this.#fallback) waitMs = Math.min(waitMs, this.#fallback.msUntilActive(this.#watch.attentionSince, now));
    if (this.#digitalCopy) waitMs = Math.min(waitMs, this.#digitalCopy.check(head, now));
    if (this.#stopping) return;
    this.#offerable = true;
    await this.#wakeup.sleep(Math.max(1, waitMs));
  }

  /** Every store write that records an outcome: retried until it lands, or the worker was abandoned at stop. */
  #persist<T>(write: () => Promise<T>): Promise<T | undefined> {
    return persistUntilStored(
      write,
      (error) => this.#report(error),
      () => this.#abandoned,
      this.#clock,
    );
  }

  #report(error: unknown): void {
    const asError = error instanceof Error ? error : new Error(String(error));
    if (error instanceof StoreError) this.#emit('store-error', asError);
    else this.#emit('worker-error', asError);
  }
}
