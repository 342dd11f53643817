/**
 * The one interface between the spool and its storage. Everything SQL lives behind it, so a
 * shared PostgreSQL store (leases via `FOR UPDATE SKIP LOCKED`) can replace the embedded SQLite
 * one. Every method is one transaction; every state change appends to the history in the same
 * transaction. Methods that finish an attempt are fenced by `(jobId, attempt)`: they change
 * nothing if the job was claimed again since (e.g. by a worker that took over the lease).
 * The store records transitions; which one follows is decided in state-machine.ts.
 */
import type { ReceiptDocument } from '../document/types.js';
import type { DocumentWarning } from '../document/warnings.js';
import type { Guarantee } from '../printer/types.js';
import type { ErrorCode } from '../errors.js';
import type { HistoryEntry, Job, JobKind, ListFilter, PrinterHealth, ReprintRecord } from './types.js';

export interface NewJob {
  transactionId: string;
  printer: string;
  document: ReceiptDocument;
  kind: JobKind;
  /** Stored with the job (`Job.warnings`); default none. */
  warnings?: DocumentWarning[];
}

export interface AttemptRef {
  jobId: number;
  attempt: number;
}

export interface AttemptError {
  code: ErrorCode;
  message: string;
  /** False only when the attempt provably put nothing on paper; then the next attempt may stay unmarked. */
  mayHavePrinted: boolean;
}

/** Who holds a lease, so a worker on the same host can tell a crashed holder from a live one. */
export interface LeaseOwner {
  host: string;
  pid: number;
}

export interface Lease extends Partial<LeaseOwner> {
  printer: string;
  holder: string;
  expiresAt: number;
}

/** An operator's request (cancel, move): recorded in the job's history as who and why. */
export interface OperatorRequest {
  by: string;
  reason: string;
}

/** Open jobs of one printer: what `health` shows for printers that no worker serves. */
export interface WaitingPrinter {
  printer: string;
  jobs: number;
  oldestCreatedAt: number;
}

export interface SpoolStore {
  readonly path: string;

  /** Inserts an original job unless its transaction exists; returns the stored job either way. */
  insertJob(job: NewJob, now: number): Promise<{ job: Job; created: boolean }>;
  /**
   * `insertJob`, then (when it created the job) `claimJob` for an idle worker of this process, in
   * one commit: the receipt's first byte waits for no second fsync. `claimed` is whatever the
   * claim took (the printer's ready head: the new job, or an older one), undefined when nothing.
   * Optional: a store without it gets `insertJob`, and the worker claims in a commit of its own.
   */
  insertAndClaim?(
    job: NewJob,
    claim: { printer: string; holder: string; includeAttention: boolean },
    now: number,
  ): Promise<{ job: Job; created: boolean; claimed: Job | undefined }>;
  /** Queues a marked copy of the transaction's document and records who asked and why. */
  insertReprint(transactionId: string, request: { by: string; reason: string; printer?: string }, now: number): Promise<{ job: Job; record: ReprintRecord }>;

  getJob(jobId: number): Promise<Job | undefined>;
  /** The original job of a transaction. */
  findJob(transactionId: string): Promise<Job | undefined>;
  listJobs(filter: ListFilter): Promise<Job[]>;
  history(transactionId: string): Promise<HistoryEntry[]>;
  reprints(transactionId: string): Promise<ReprintRecord[]>;
  /** The oldest unfinished job of the printer: it alone may be claimed (submit order). */
  headJob(printer: string): Promise<Job | undefined>;
  /** The printer's next unfinished job after `jobId` (read only: the worker renders it ahead). */
  jobAfter(printer: string, jobId: number): Promise<Job | undefined>;

  /**
   * Takes the printer's head job if it is ready (or in `needs-attention` when `includeAttention`)
   * and the holder owns the printer's lease: state `sending`, attempts + 1, mark decided, history,
   * in one statement's transaction, so a crash still counts as an attempt that may have printed.
   */
  claimJob(request: { printer: string; holder: string; includeAttention: boolean }, now: number): Promise<Job | undefined>;
  /**
   * The printer accepted every byte; only the confirmation is outstanding. Informational: need
   * not be durable (after a crash `sending` and `confirming` are both in doubt).
   */
  markConfirming(ref: AttemptRef, bytesSent: number, now: number): Promise<void>;
  completeJob(ref: AttemptRef, outcome: { guarantee: Guarantee; bytesSent: number; printedOn: string }, now: number): Promise<Job | undefined>;
  /**
   * `completeJob`, then `claimJob` of the printer's next job, in one transaction: one commit (one
   * fsync) between two receipts instead of two. `next` is undefined when nothing is ready.
   */
  completeAndClaim(
    ref: AttemptRef,
    outcome: { guarantee: Guarantee; bytesSent: number; printedOn: string },
    claim: { printer: string; holder: string; includeAttention: boolean },
    now: number,
  ): Promise<{ printed: Job | undefined; next: Job | undefined }>;
  /** Transient fault: `retrying` until `nextAttemptAt`. `countsTowardGiveUp` adds to `failures`. */
  retryJob(ref: AttemptRef, error: AttemptError, retry: { nextAttemptAt: number; countsTowardGiveUp: boolean }, now: number): Promise<Job | undefined>;
  /** A person must act; the job waits for the printer's recovery without using up attempts. */
  markNeedsAttention(ref: AttemptRef, error: AttemptError, now: number): Promise<Job | undefined>;
  /** Gives up: `failed` until an operator re-queues it. */
  failJob(ref: AttemptRef, error: AttemptError, now: number): Promise<Job | undefined>;
  /** Puts a claimed job back untouched (nothing was sent), e.g. the worker is stopping. */
  returnJob(ref: AttemptRef, now: number): Promise<void>;
  /** Jobs of the printer left in `sending`/`confirming` by a dead holder: re-queued, to be marked. */
  resetInDoubt(printer: string, reason: string, now: number): Promise<Job[]>;
  /** The printer recovered: its waiting jobs (`needs-attention`, `retrying`) are ready now. */
  resumePrinter(printer: string, now: number): Promise<number>;
  /** Re-queues `failed` jobs (of one transaction, or all); an operator's request is recorded in the history row. */
  requeueFailed(transactionId: string | undefined, now: number, request?: OperatorRequest): Promise<Job[]>;
  /** Drops printed jobs' documents older than `before`; keeps jobs, history and reprint audit. */
  purgeDocuments(before: number, now: number): Promise<number>;

  /**
   * Withdraws the transaction's open jobs (original and copies): state `cancelled`, a history row
   * naming who and why. Throws `JobBusyError` (changing nothing) while one is `sending`/`confirming`.
   * Returns the cancelled jobs (none when everything had printed).
   */
  cancelJobs(transactionId: string, request: OperatorRequest, now: number): Promise<Job[]>;
  /**
   * Moves the transaction's open jobs to `printer`, due now (`queued`), with a history row naming
   * who and why. Throws `JobBusyError` while one is `sending`/`confirming`. Returns the moved jobs.
   */
  moveJobs(transactionId: string, printer: string, request: OperatorRequest, now: number): Promise<Job[]>;
  /** History rows with `id > afterId`, oldest first (at most `limit`): `spool.watch()` reads them. */
  historySince(afterId: number, limit: number): Promise<HistoryEntry[]>;
  /** The id of the newest history row (0 when none). */
  lastHistoryId(): Promise<number>;
  /** Printers with open jobs, with how many and since when. */
  waitingPrinters(): Promise<WaitingPrinter[]>;

  /**
   * Takes or renews the printer's lease; false while another live holder has it. `owner` records
   * the holder's host and pid. `replacing`: a holder known dead (same host, process gone) whose
   * unexpired lease may be taken over at once.
   */
  acquireLease(printer: string, holder: string, ttlMs: number, now: number, owner?: LeaseOwner & { replacing?: string }): Promise<boolean>;
  releaseLease(printer: string, holder: string): Promise<void>;
  /** The printer's lease row (expired or not), or undefined when none. */
  readLease(printer: string): Promise<Lease | undefined>;

  /**
   * Upserts the printer's health row, including the optional observation fields (`uri`,
   * `identity`, `confirmation`, `servedBy` stored as holder); `heartbeatAt` is left alone.
   * Informational: need not be durable.
   */
  recordHealth(health: PrinterHealth): Promise<void>;
  /**
   * The worker's sign of life, with each poll: sets `heartbeatAt` and holder (creating the row as
   * `unknown` if missing). Informational: need not be durable (no fsync).
   */
  recordHeartbeat(printer: string, holder: string, now: number): Promise<void>;
  readHealth(printer: string): Promise<PrinterHealth | undefined>;
  listHealth(): Promise<PrinterHealth[]>;

  /**
   * Calls `listener` soon after another process changed the store (SQLite: `PRAGMA data_version`
   * polling; PostgreSQL: LISTEN/NOTIFY). Returns the unsubscribe function.
   */
  watch(listener: () => void): () => void;
  /** Throws a `StoreError` if the store file is gone or unusable (cheap; no write). */
  check(): void;
  /** Idempotent; a networked store resolves once its connections are closed. */
  close(): void | Promise<void>;
}
