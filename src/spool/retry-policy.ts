/**
 * What the worker does after a failed attempt, as a table keyed by error code (in the manner of
 * graphile-worker's RETRYABLE_ERROR_CODES), plus the backoff schedule.
 */
import { isReceiptSpoolError } from '../errors.js';

export type FailureAction =
  /** A person must act: `needs-attention`, resumed when the printer reports recovery. No attempt used up. */
  | { action: 'wait-for-recovery' }
  /** Transient: `retrying` with backoff. `countsTowardGiveUp`: the fault may be the job's own. */
  | { action: 'backoff'; countsTowardGiveUp: boolean }
  /** Retrying cannot help (bad configuration, unprintable document): `failed` until `retry`. */
  | { action: 'give-up' };

export const FAILURE_POLICY: Readonly<Record<string, FailureAction>> = {
  PAPER_END: { action: 'wait-for-recovery' },
  COVER_OPEN: { action: 'wait-for-recovery' },
  CUTTER_ERROR: { action: 'wait-for-recovery' },
  UNRECOVERABLE: { action: 'wait-for-recovery' },
  // The printer is away, not the job's fault: retried for as long as it takes.
  DISCONNECTED: { action: 'backoff', countsTowardGiveUp: false },
  OFFLINE: { action: 'backoff', countsTowardGiveUp: false },
  DEVICE_NOT_FOUND: { action: 'backoff', countsTowardGiveUp: false },
  ACCESS_DENIED: { action: 'backoff', countsTowardGiveUp: false },
  TRANSPORT_CLOSED: { action: 'backoff', countsTowardGiveUp: false },
  // The printer held data back past the write's deadline (paper out on a one-way printer, offline).
  NOT_ACCEPTING: { action: 'backoff', countsTowardGiveUp: false },
  // Someone else holds the device, or the OS gave it the wrong driver: a person must act.
  DEVICE_BUSY: { action: 'wait-for-recovery' },
  USB_DRIVER: { action: 'wait-for-recovery' },
  // May be the job itself (a document the printer chokes on): bounded by `maxFailures`.
  CONFIRM_TIMEOUT: { action: 'backoff', countsTowardGiveUp: true },
  ONE_WAY: { action: 'give-up' },
  RENDER_FAILED: { action: 'give-up' },
};

const UNKNOWN_FAILURE: FailureAction = { action: 'backoff', countsTowardGiveUp: true };

export function failureAction(error: unknown): FailureAction {
  const code = errorCode(error);
  const listed = FAILURE_POLICY[code];
  if (listed) return listed;
  if (isReceiptSpoolError(error) && (error as { needsAttention?: unknown }).needsAttention === true) {
    return { action: 'wait-for-recovery' };
  }
  return UNKNOWN_FAILURE;
}

export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** `false` only when the error proves nothing reached the paper. */
export function mayHavePrinted(error: unknown): boolean {
  return (error as { mayHavePrinted?: unknown } | null)?.mayHavePrinted !== false;
}

export interface RetryOptions {
  /** First delay (default 500 ms). */
  initialMs: number;
  /** Cap on any delay (default 30 s). */
  maxMs: number;
  /** Growth per failure (default 2). */
  factor: number;
  /** Relative spread, 0–1: a delay d becomes d × (1 ± jitter), then capped (default 0.2). */
  jitter: number;
  /** Failures that count toward giving up (see FAILURE_POLICY) before `failed` (default 20). */
  maxFailures: number;
}

export const DEFAULT_RETRY: RetryOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2, maxFailures: 20 };

/** Delay before attempt `n + 1` after the `n`-th consecutive failure (n ≥ 1). `random` in [0, 1). */
export function backoffDelay(failure: number, options: RetryOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, failure - 1));
  const spread = 1 + options.jitter * (2 * random() - 1);
  return Math.max(0, Math.min(options.maxMs, Math.round(base * spread)));
}
