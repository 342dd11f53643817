/**
 * The spool's public face: `openSpool()` gives a `Spool` that accepts receipts (durably,
 * idempotently), answers questions about them, takes operator commands and creates workers.
 */
import { CardDataError, InvalidDocumentError, StoreError, UnknownTransactionError, type ValidationIssue } from '../errors.js';
import { SafeEmitter } from '../safe-emitter.js';
import type { ReceiptDocument } from '../document/types.js';
import type { DocumentWarning } from '../document/warnings.js';
import { DEFAULT_WORKER_STALE_MS, judgeHealth } from './health.js';
import { isPostgresUrl } from './postgres/connect.js';
import { PostgresStore } from './postgres/store.js';
import { SqliteStore } from './sqlite/store.js';
import type { NewJob, OperatorRequest, SpoolStore, WaitingPrinter } from './store.js';
import {
  DEFAULT_PRINTER,
  systemClock,
  type Clock,
  type HistoryEntry,
  type Job,
  type ListFilter,
  type PrinterHealth,
  type ReprintRecord,
  type SpoolEvents,
  type SubmitResult,
} from './types.js';
import { watchHistory, waitForPrinted, type WaitForOptions, type WatchOptions } from './watch.js';
import { handOffFrom, Worker, type HandOff, type WorkerEvents, type WorkerOptions } from './worker.js';

export { DEFAULT_PRINTER };
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface SpoolOptions {
  /** The SQLite store file (created mode 0600): the embedded default. Give this or `url`. */
  path?: string;
  /**
   * A shared PostgreSQL store, `postgres://user@host/db` (optionally `?schema=name`, default
   * `receipt_spool`). Connects on first use; tables are created by numbered migrations.
   */
  url?: string;
  /** Keep full card numbers in documents (default false: masked to first 6 / last 4, with a warning). */
  allowCardNumbers?: boolean;
  clock?: Clock;
  /** How long a write waits for another process's lock before `StoreLockedError` (default 5000). */
  busyTimeoutMs?: number;
  /** Cap on the store file's size; submits past it fail with `StoreFullError` (default: the disk's). */
  maxSizeBytes?: number;
  /** A worker whose heartbeat is older than this no longer serves its printer for `health()` (default 15000). */
  workerStaleMs?: number;
}

export interface SubmitOptions {
  allowCardNumbers?: boolean;
  /**
   * Development and CI: refuse the document when reading it needed any change (the warnings
   * become `InvalidDocumentError` issues, `CardDataError` when all are card data). Default false:
   * after a payment a receipt is never refused for its content.
   */
  strict?: boolean;
  /** Where relative image file paths in the document are read from (default the working directory). */
  baseDir?: string;
}

export interface Spool {
  on<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
  once<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
  off<E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]): this;
}

/** Opens (creating and migrating if needed) the SQLite store at `options.path`, or the PostgreSQL store at `options.url`. */
export function openSpool(options: SpoolOptions): Spool {
  return new Spool(openStore(options), options);
}

function openStore(options: SpoolOptions): SpoolStore {
  if (options.url !== undefined && options.path !== undefined) {
    throw new StoreError('openSpool: give either path (SQLite file) or url (postgres://...), not both');
  }
  if (options.url !== undefined) {
    if (!isPostgresUrl(options.url)) {
      throw new StoreError(`openSpool: url must start with postgres:// or postgresql:// (for a SQLite file use path): "${options.url}"`);
    }
    return new PostgresStore(options.url);
  }
  if (options.path === undefined) throw new StoreError('openSpool: give path (a SQLite file) or url (postgres://...)');
  return new SqliteStore(options.path, {
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    ...(options.maxSizeBytes === undefined ? {} : { maxSizeBytes: options.maxSizeBytes }),
  });
}

export class Spool extends SafeEmitter {
  readonly #store: SpoolStore;
  readonly #clock: Clock;
  readonly #allowCardNumbers: boolean;
  readonly #workers = new Set<Worker>();
  readonly #workerStaleMs: number;
  /** Wakes `watch()`/`waitFor()` in this process: its own writes do not show in the store's `watch()`. */
  readonly #localChanges = new Set<() => void>();

  constructor(store: SpoolStore, options: { allowCardNumbers?: boolean; clock?: Clock; workerStaleMs?: number } = {}) {
    super();
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
    this.#allowCardNumbers = options.allowCardNumbers ?? false;
    this.#workerStaleMs = options.workerStaleMs ?? DEFAULT_WORKER_STALE_MS;
  }

  get path(): string {
    return this.#store.path;
  }

  /**
   * Reads the receipt leniently (card numbers masked, content problems degraded, each with a
   * warning) and commits it with its warnings; resolves only once the commit is durable. Refuses
   * (`InvalidDocumentError`) only what is not a receipt: not an object, no usable
   * `transactionId`, a bad `printer` name, no `content` array. The same `transactionId` again
   * returns the stored job (`created: false`) and prints nothing more.
   */
  async submit(input: unknown, options: SubmitOptions = {}): Promise<SubmitResult> {
    const { inlineImageFilesLeniently, readReceiptLeniently } = await loadReader();
    const inlined = await inlineImageFilesLeniently(input, options.baseDir ?? process.cwd());
    const read = readReceiptLeniently(inlined.document, { allowCardNumbers: options.allowCardNumbers ?? this.#allowCardNumbers });
    if (!read.ok) throw read.error;
    const { document } = read;
    const warnings = explainImageFiles(read.warnings, inlined.issues);
    if (options.strict && warnings.length > 0) throw strictError(warnings);
    const newJob: NewJob = { transactionId: document.transactionId, printer: document.printer ?? DEFAULT_PRINTER, document, kind: 'original', warnings };
    const { job, created } = await this.#insert(newJob);
    if (created) this.#queued(job);
    const documentDiffers = !created && (job.document === null || canonicalJson(job.document) !== canonicalJson(document));
    return { job, created, documentDiffers, warnings };
  }

  /**
   * The insert, and with it the claim of an idle worker of this process that prints on the job's
   * printer: one commit, so the worker starts printing without a durable write of its own. The
   * job is durable before the worker has it either way.
   */
  async #insert(newJob: NewJob): Promise<{ job: Job; created: boolean }> {
    const now = this.#clock.now();
    const insertAndClaim = this.#store.insertAndClaim?.bind(this.#store);
    const handOff = insertAndClaim && this.#idleWorkerOf(newJob.printer);
    if (!handOff) return this.#store.insertJob(newJob, now);
    let claimed: Job | undefined;
    try {
      const inserted = await insertAndClaim(newJob, handOff.request, now);
      claimed = inserted.claimed;
      return inserted;
    } finally {
      handOff.deliver(claimed);
    }
  }

  #idleWorkerOf(printer: string): HandOff | undefined {
    for (const worker of this.#workers) {
      if (worker.printer !== printer) continue;
      const handOff = handOffFrom(worker);
      if (handOff) return handOff;
    }
    return undefined;
  }

  /** Queues a marked copy (behind the original if that has not printed yet) and records who and why. */
  async reprint(transactionId: string, request: { by: string; reason: string; printer?: string }): Promise<Job> {
    const { job } = await this.#store.insertReprint(transactionId, request, this.#clock.now());
    this.#queued(job);
    return job;
  }

  /**
   * Withdraws the transaction's unprinted jobs (original and copies): state `cancelled`, with who
   * and why in the history. Refused with `JobBusyError` while one is being sent or confirmed.
   * Returns the cancelled jobs (none when everything had printed).
   */
  async cancel(transactionId: string, request: OperatorRequest): Promise<Job[]> {
    const jobs = await this.#store.cancelJobs(transactionId, request, this.#clock.now());
    this.#changed();
    return jobs;
  }

  /** Sends the transaction's unprinted jobs to another printer (queued there now), audited like `cancel`. */
  async move(transactionId: string, printer: string, request: OperatorRequest): Promise<Job[]> {
    const jobs = await this.#store.moveJobs(transactionId, printer, request, this.#clock.now());
    this.#changed();
    for (const worker of this.#workers) if (worker.printer === printer) worker.wake();
    return jobs;
  }

  /** Re-queues the transaction's jobs that gave up (`failed`); who asked and why go into the history. */
  async retry(transactionId: string, request?: OperatorRequest): Promise<Job[]> {
    if (!(await this.#store.findJob(transactionId))) throw new UnknownTransactionError(transactionId);
    const jobs = await this.#store.requeueFailed(transactionId, this.#clock.now(), request);
    jobs.forEach((job) => this.#queued(job));
    return jobs;
  }

  async retryAll(): Promise<Job[]> {
    const jobs = await this.#store.requeueFailed(undefined, this.#clock.now());
    jobs.forEach((job) => this.#queued(job));
    return jobs;
  }

  /** Drops the documents of jobs printed before the retention period; jobs, history and reprint audit stay. */
  purge(options: { olderThanMs?: number } = {}): Promise<number> {
    const now = this.#clock.now();
    return this.#store.purgeDocuments(now - (options.olderThanMs ?? DEFAULT_RETENTION_MS), now);
  }

  /** The original job of a transaction. */
  get(transactionId: string): Promise<Job | undefined> {
    return this.#store.findJob(transactionId);
  }

  list(filter: ListFilter = {}): Promise<Job[]> {
    return this.#store.listJobs(filter);
  }

  history(transactionId: string): Promise<HistoryEntry[]> {
    return this.#store.history(transactionId);
  }

  reprints(transactionId: string): Promise<ReprintRecord[]> {
    return this.#store.reprints(transactionId);
  }

  /**
   * Whether a receipt can print on `printer` now, as its worker last observed it (from this
   * process's running worker, else from the store, and then only while a worker serves the
   * printer: reason `no worker` otherwise). No printer I/O: safe to call before taking a payment.
   */
  async health(printer: string = DEFAULT_PRINTER): Promise<PrinterHealth> {
    for (const worker of this.#workers) {
      if (worker.printer === printer && worker.running && worker.health) return { ...worker.health, servedBy: worker.holderId };
    }
    const [stored, lease] = await Promise.all([this.#store.readHealth(printer), this.#store.readLease(printer)]);
    return judgeHealth(printer, stored, lease, this.#clock.now(), this.#workerStaleMs);
  }

  /** `health()` of every printer a worker has reported on through this store, and of every printer with jobs waiting. */
  async healthAll(): Promise<PrinterHealth[]> {
    const [recorded, waiting] = await Promise.all([this.#store.listHealth(), this.#store.waitingPrinters()]);
    const printers = [...new Set([...recorded.map((health) => health.printer), ...waiting.map((entry) => entry.printer)])].sort();
    return Promise.all(printers.map((printer) => this.health(printer)));
  }

  /**
   * The printer as the worker holding it last saw it: `health()` plus its identity, confirmation
   * mode, URI and `observedAt` (the observation's age). No printer I/O, so no second connection to
   * a printer a worker holds; `reason: 'no worker'` when no live worker serves it.
   */
  status(printer: string = DEFAULT_PRINTER): Promise<PrinterHealth> {
    return this.health(printer);
  }

  /** Printers with unfinished jobs: how many and since when (with `health()`, who waits in vain). */
  waitingPrinters(): Promise<WaitingPrinter[]> {
    return this.#store.waitingPrinters();
  }

  /** A worker for one printer; call `start()`. Events are re-emitted on the spool. */
  createWorker(options: WorkerOptions): Worker {
    const worker = new Worker(this.#store, options, (event, ...args) => {
      this.emit(event, ...args);
      this.#changed();
    });
    this.#workers.add(worker);
    return worker;
  }

  /** Stops this process's workers (graceful, up to `timeoutMs` each) and closes the store. */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    await Promise.all([...this.#workers].map((worker) => worker.stop(options)));
    this.#workers.clear();
    await this.#store.close();
  }

  /**
   * Every state change from the store, in order, across processes (history rows, each with its
   * `id`); pass `after` to resume from a row already seen. Ends when `signal` aborts.
   */
  watch(options: WatchOptions = {}): AsyncGenerator<HistoryEntry> {
    return watchHistory(this.#store, this.#localChanges, options);
  }

  /**
   * Resolves with the transaction's original job once it printed, whether this process's worker
   * or another process's printed it. Rejects with `WaitTimeoutError` after `timeoutMs`,
   * `JobCancelledError` when it was cancelled, `UnknownTransactionError` when it is not in the store.
   */
  waitFor(transactionId: string, options: WaitForOptions = {}): Promise<Job> {
    return waitForPrinted(this.#store, this.#localChanges, transactionId, options);
  }

  #changed(): void {
    for (const wake of [...this.#localChanges]) wake();
  }

  #queued(job: Job): void {
    this.#changed();
    this.emit('queued', job);
    for (const worker of this.#workers) if (worker.printer === job.printer) worker.wake();
  }
}

export type { SpoolEvents };

/**
 * The document reader, loaded at the first submit: a program (or CLI command) that only reads the
 * spool never loads it. Kept once loaded: every `import()` goes through the module loader again
 * (0.1 ms a submit built, 0.7 ms under tsx's loader hooks, measured on the 2-core VM).
 */
let reader: Promise<Pick<typeof import('./inline-images.js'), 'inlineImageFilesLeniently'> & Pick<typeof import('../document/lenient.js'), 'readReceiptLeniently'>> | undefined;

function loadReader(): NonNullable<typeof reader> {
  reader ??= Promise.all([import('./inline-images.js'), import('../document/lenient.js')]).then(([images, lenient]) => ({
    inlineImageFilesLeniently: images.inlineImageFilesLeniently,
    readReceiptLeniently: lenient.readReceiptLeniently,
  }));
  return reader;
}

const CARD_WARNINGS = new Set(['CARD_NUMBER_MASKED', 'CARD_DATA_REMOVED']);

/** Strict submit: every warning is an error at its path; `CardDataError` when all of them are card data. */
function strictError(warnings: readonly DocumentWarning[]): InvalidDocumentError {
  const issues: ValidationIssue[] = warnings.map(({ path, message }) => ({ path, message: `${message} (when not strict)` }));
  return warnings.every((w) => CARD_WARNINGS.has(w.code)) ? new CardDataError(issues) : new InvalidDocumentError(issues);
}

/** An image left out because its file could not be used says which file and why. */
function explainImageFiles(warnings: DocumentWarning[], fileIssues: readonly ValidationIssue[]): DocumentWarning[] {
  if (fileIssues.length === 0) return warnings;
  const byPath = new Map(fileIssues.map((issue) => [issue.path, issue.message]));
  return warnings.map((w) => (w.code === 'IMAGE_DROPPED' && byPath.has(w.path) ? { ...w, message: `${byPath.get(w.path)}: left out` } : w));
}

/** JSON with object keys sorted, so equal documents compare equal whatever their key order. */
function canonicalJson(document: ReceiptDocument): string {
  return JSON.stringify(document, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}
