/**
 * The spool's vocabulary: job states, jobs, history, reprints, health and events.
 * Times are milliseconds since the epoch (from the spool's clock).
 */
import type { ReceiptDocument } from '../document/types.js';
import type { DocumentWarning } from '../document/warnings.js';
import type { ConfirmationMode, Guarantee, PrinterIdentity, PrinterStatus } from '../printer/types.js';
import type { ListenerErrorReport } from '../safe-emitter.js';

/**
 * `queued → sending → confirming → printed`, with `retrying` (transient fault, backoff),
 * `needs-attention` (a person must act; resumes by itself on recovery), `failed`
 * (gave up; `spool.retry()` re-queues it) and `cancelled` (an operator withdrew it; final).
 */
export const JobState = {
  queued: 'queued',
  sending: 'sending',
  confirming: 'confirming',
  printed: 'printed',
  retrying: 'retrying',
  needsAttention: 'needs-attention',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

/** `original`: the receipt as submitted; `reprint`: an operator's marked copy. */
export type JobKind = 'original' | 'reprint';

/** The logical printer of a document that names none. */
export const DEFAULT_PRINTER = 'default';

export interface Job {
  id: number;
  transactionId: string;
  /** Logical printer name the job is queued for. */
  printer: string;
  kind: JobKind;
  state: JobState;
  /** Attempts started (a crash during an attempt still counts). */
  attempts: number;
  /** Transient failures since the job was last (re)queued; `failed` once it reaches the limit. */
  failures: number;
  /** Whether the latest attempt was rendered with the reprint mark. */
  marked: boolean;
  /** Whether the next attempt must carry the reprint mark (an earlier one may have printed). */
  mustMark: boolean;
  /** Copy number shown in the mark of the latest attempt (1 = first copy of the transaction). */
  copy: number;
  /** The validated document; `null` once purged after the retention period. */
  document: ReceiptDocument | null;
  /** What the lenient reading changed at submit (card numbers masked, content degraded); kept after a purge. */
  warnings: DocumentWarning[];
  nextAttemptAt: number | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  guarantee: Guarantee | null;
  /** Printer that produced the confirmed copy (the fallback's name when it printed there). */
  printedOn: string | null;
  createdAt: number;
  updatedAt: number;
  printedAt: number | null;
  purgedAt: number | null;
}

/** One row of the append-only audit of state changes and attempts. */
export interface HistoryEntry {
  /** Increases with every row across the store: `spool.watch()` reads on from the last one seen. */
  id: number;
  jobId: number;
  transactionId: string;
  at: number;
  fromState: JobState | null;
  toState: JobState;
  attempt: number;
  bytesSent: number | null;
  guarantee: Guarantee | null;
  errorCode: string | null;
  message: string | null;
}

export interface ReprintRecord {
  transactionId: string;
  by: string;
  reason: string;
  at: number;
  copyJobId: number | null;
}

export type HealthReason = 'ok' | 'paper near end' | 'paper out' | 'cover open' | 'cutter error' | 'unrecoverable error' | 'offline' | 'not connected' | 'no worker' | 'unknown';

/** Whether a receipt can print now, as last observed by the printer's worker. */
export interface PrinterHealth {
  printer: string;
  ready: boolean;
  /** `ok`, or why not (`paper near end` is ready but warns). `unknown`: no worker observed it yet. */
  reason: HealthReason;
  observedAt: number | null;
  status: PrinterStatus | null;
  /** The worker's last sign of life (each poll); null before a worker served the printer. */
  heartbeatAt?: number | null;
  /** The worker serving the printer (its lease holder id), while its lease is live. */
  servedBy?: string | null;
  /** The printer's URI as its worker opened it. */
  uri?: string | null;
  identity?: PrinterIdentity | null;
  confirmation?: ConfirmationMode | 'unknown' | null;
}

export interface ListFilter {
  state?: JobState | readonly JobState[];
  printer?: string;
  /** Jobs created at or after this time. */
  since?: number;
  limit?: number;
  /** With `limit`: the newest jobs (still returned oldest first). */
  newest?: boolean;
}

export interface SubmitResult {
  job: Job;
  /** False when the transaction was already in the spool: nothing new is printed. */
  created: boolean;
  /** True when an existing transaction was submitted again with a different document (ignored). */
  documentDiffers: boolean;
  /** What reading this submission changed so that it prints (empty when nothing); `job.warnings` are the stored job's. */
  warnings: DocumentWarning[];
}

/** The spool's clock: `now` for its records, timers for its sleeps, lease and retries (src/clock.ts). */
export { systemClock, type Clock } from '../clock.js';

/** Event payloads, on the spool and on each worker. */
export interface SpoolEvents {
  queued: (job: Job) => void;
  printing: (job: Job) => void;
  printed: (job: Job) => void;
  retrying: (event: { job: Job; error: Error; delayMs: number }) => void;
  /** A person must act; `cause` reads like "paper out on front". */
  'needs-attention': (event: { printer: string; job: Job | undefined; code: string; cause: string }) => void;
  recovered: (event: { printer: string }) => void;
  /** The job has waited in `needs-attention` for the worker's `digitalCopyAfterMs`: send the customer a copy; it still waits to print. */
  'digital-copy-due': (event: { printer: string; job: Job; waitingMs: number }) => void;
  /** A marked copy (operator reprint or in-doubt retry) was printed. */
  reprinted: (event: { job: Job; reason: 'operator' | 'in-doubt' }) => void;
  /** The job gave up; `spool.retry()` re-queues it. */
  failed: (event: { job: Job; error: Error }) => void;
  /** A printer's observed health changed (includes paper near end). */
  status: (health: PrinterHealth) => void;
  /** The store refused an operation; the worker keeps running and tries again. */
  'store-error': (error: Error) => void;
  /** A listener of one of these events threw; it was ignored and printing went on (safe-emitter.ts). */
  'listener-error': (report: ListenerErrorReport) => void;
}
