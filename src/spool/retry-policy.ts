/**
 * What the worker does after a failed attempt, as a table keyed by error code (in the manner of
 * graphile-worker's RETRYABLE_ERROR_CODES), plus the backoff schedule. Which codes need a person
 * is `needsAPerson` (src/error-codes.ts); the transition that follows is decide()'s (state-machine.ts).
 */
import { isErrorCode, needsAPerson, UNKNOWN, type ErrorCode } from '../errors.js';

export type FailureAction =
  /** A person must act: `needs-attention`, resumed when the printer reports recovery. No attempt used up. */
  | { action: 'wait-for-recovery' }
  /** Transient: `retrying` with backoff. `countsTowardGiveUp`: the fault may be the job's own. */
  | { action: 'backoff'; countsTowardGiveUp: boolean }
  /** Retrying cannot help (bad configuration, unprintable document): `failed` until `retry`. */
  | { action: 'give-up' };

const WAIT_FOR_RECOVERY: FailureAction = { action: 'wait-for-recovery' };
/** A code not listed below (or none): bounded by `maxFailures`, as the fault may be the job's own. */
const UNKNOWN_FAILURE: FailureAction = { action: 'backoff', countsTowardGiveUp: true };

/** The faults no person clears (those that need one wait for recovery: `needsAPerson`). */
export const FAILURE_POLICY = {
  // The printer is away, not the job's fault: retried for as long as it takes.
  DISCONNECTED: { action: 'backoff', countsTowardGiveUp: false },
  OFFLINE: { action: 'backoff', countsTowardGiveUp: false },
  DEVICE_NOT_FOUND: { action: 'backoff', countsTowardGiveUp: false },
  ACCESS_DENIED: { action: 'backoff', countsTowardGiveUp: false },
  TRANSPORT_CLOSED: { action: 'backoff', countsTowardGiveUp: false },
  // The printer held data back past the write's deadline (paper out on a one-way printer, offline).
  NOT_ACCEPTING: { action: 'backoff', countsTowardGiveUp: false },
  // May be the job itself (a document the printer chokes on): bounded by `maxFailures`.
  CONFIRM_TIMEOUT: { action: 'backoff', countsTowardGiveUp: true },
  // Silent through the printer's probes: a one-way link, or a printer hung, power-cycling or still
  // serving another host. Nothing was written; giving up at once would leave a paid receipt `failed`
  // for a moment's silence, so it is retried, bounded by `maxFailures` (a truly one-way printer fails then).
  ONE_WAY: { action: 'backoff', countsTowardGiveUp: true },
  RENDER_FAILED: { action: 'give-up' },
} as const satisfies Partial<Record<ErrorCode, FailureAction>>;

/** What the worker does after a failure with `code` (as recorded on the job). */
export function failureActionForCode(code: string | null): FailureAction {
  if (code === null || !isErrorCode(code)) return UNKNOWN_FAILURE;
  if (needsAPerson(code)) return WAIT_FOR_RECOVERY;
  return (FAILURE_POLICY as Partial<Record<ErrorCode, FailureAction>>)[code] ?? UNKNOWN_FAILURE;
}

export function failureAction(error: unknown): FailureAction {
  return failureActionForCode(errorCode(error));
}

export function errorCode(error: unknown): ErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : UNKNOWN;
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
