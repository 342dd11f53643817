/**
 * The job state machine, in one place: the transitions a job may take (from which states, to
 * which, recorded by which store method) and one pure function, `decide`, that says which
 * transition follows what happened. The worker asks `decide` and applies the answer through the
 * store; the store only records (each method is fenced by `(jobId, attempt)` and appends the
 * history row). Nothing else decides a job's next state.
 */
import { JobBusyError } from '../errors.js';
import type { AttemptError, SpoolStore } from './store.js';
import { failureActionForCode } from './retry-policy.js';
import type { Job, JobState } from './types.js';

interface TransitionRule {
  readonly from: readonly JobState[];
  readonly to: JobState;
  /** The store method that applies it (and writes its history row). */
  readonly store: keyof SpoolStore;
}

/** An attempt is in flight in these states; after a crash they are in doubt. */
export const ATTEMPT_STATES = ['sending', 'confirming'] as const satisfies readonly JobState[];

export const TRANSITIONS = {
  /** The worker takes the printer's head job when it is due. */
  claim: { from: ['queued', 'retrying'], to: 'sending', store: 'claimJob' },
  /** The fallback takes the jobs of a printer that waited too long for a person. */
  claimForFallback: { from: ['needs-attention'], to: 'sending', store: 'claimJob' },
  /** Every byte was accepted; only the confirmation is outstanding. */
  sent: { from: ['sending'], to: 'confirming', store: 'markConfirming' },
  printed: { from: ATTEMPT_STATES, to: 'printed', store: 'completeJob' },
  retry: { from: ATTEMPT_STATES, to: 'retrying', store: 'retryJob' },
  needsAttention: { from: ATTEMPT_STATES, to: 'needs-attention', store: 'markNeedsAttention' },
  fail: { from: ATTEMPT_STATES, to: 'failed', store: 'failJob' },
  /** Claimed, but the worker stopped before sending: back untouched, no mark for it. */
  return: { from: ATTEMPT_STATES, to: 'queued', store: 'returnJob' },
  /** The attempt's outcome is lost (crash, lost lease): queued again, to print marked. */
  inDoubt: { from: ATTEMPT_STATES, to: 'queued', store: 'resetInDoubt' },
  /** The printer reports ready again: jobs waiting on it go now. */
  resume: { from: ['needs-attention', 'retrying'], to: 'queued', store: 'resumePrinter' },
  /** An operator withdrew the transaction (never while an attempt is in flight): final. */
  cancel: { from: ['queued', 'retrying', 'needs-attention'], to: 'cancelled', store: 'cancelJobs' },
  /** An operator moved the transaction to another printer (never while an attempt is in flight): due now there. */
  move: { from: ['queued', 'retrying', 'needs-attention'], to: 'queued', store: 'moveJobs' },
  /** An operator's `retry` of a job that gave up. */
  requeue: { from: ['failed'], to: 'queued', store: 'requeueFailed' },
} as const satisfies Record<string, TransitionRule>;

export type TransitionName = keyof typeof TRANSITIONS;

/** The states `name` leaves from, as an SQL list (`('queued', 'retrying')`): the stores' WHERE clauses come from the table. */
export function fromStatesSql(name: TransitionName): string {
  return `(${TRANSITIONS[name].from.map((state) => `'${state}'`).join(', ')})`;
}

/**
 * Which claim the worker makes next: once its printer has needed a person for the fallback's
 * `afterMs` (since `attentionSince`), `claimForFallback` (the jobs, those waiting in
 * needs-attention included, print on the fallback); otherwise `claim`. No fallback: always `claim`.
 */
export function claimTransition(attentionSince: number | undefined, fallbackAfterMs: number | undefined, now: number): 'claim' | 'claimForFallback' {
  if (fallbackAfterMs === undefined || attentionSince === undefined) return 'claim';
  return now - attentionSince >= fallbackAfterMs ? 'claimForFallback' : 'claim';
}

/** Whether an attempt is in flight for a job in `state` (the states every attempt's outcome leaves from). */
export function isAttemptState(state: JobState): boolean {
  return (ATTEMPT_STATES as readonly JobState[]).includes(state);
}

/** Whether a job in `state` may take transition `name`. */
export function leavesFrom(name: TransitionName, state: JobState): boolean {
  return (TRANSITIONS[name].from as readonly JobState[]).includes(state);
}

/** Whether a job in `from` may move to `to` by any transition. */
export function canMove(from: JobState, to: JobState): boolean {
  return Object.values(TRANSITIONS).some((rule) => rule.to === to && (rule.from as readonly JobState[]).includes(from));
}

/** What happened to a job, as the worker saw it. */
export type Happening =
  | { kind: 'sent' }
  | { kind: 'confirmed' }
  | {
      kind: 'attempt-failed';
      error: AttemptError;
      policy: FailurePolicy;
      /** When it failed (the worker's clock). */
      at: number;
      /** Since when every attempt on this printer found it away (the previous answer's `printerAwaySince`). */
      printerAwaySince: number | undefined;
    }
  /** The worker stops with the job claimed but nothing sent. */
  | { kind: 'not-sent' }
  /** The job is in an attempt state though no attempt of this worker is in flight. */
  | { kind: 'outcome-lost' }
  /** The printer was observed ready at `observedAt`. */
  | { kind: 'printer-ready'; observedAt: number };

export interface FailurePolicy {
  /** Failures that count toward giving up before `failed` (RetryOptions.maxFailures). */
  maxFailures: number;
  /** False on the fallback: nothing watches it for recovery, so a fault that needs a person backs off instead. */
  watchesRecovery: boolean;
  /** How long the printer may stay away before its job needs a person (WorkerOptions.unreachableAfterMs). */
  unreachableAfterMs: number;
}

/** How long a printer may stay away before its job needs a person, unless the worker says otherwise. */
export const DEFAULT_UNREACHABLE_AFTER_MS = 120_000;

/** The answer to a failed attempt: the transition, what the store records, and what the worker remembers. */
export type FailureDecision = ({ transition: 'retry'; countsTowardGiveUp: boolean } | { transition: 'needsAttention' | 'fail' }) & {
  /** Recorded on the job and its history row: the attempt's error, or PRINTER_UNREACHABLE once the printer was away too long. */
  error: AttemptError;
  /** Since when every attempt found the printer away; undefined once one reached it. The worker passes it back with the next failure. */
  printerAwaySince: number | undefined;
};

export type Decision =
  | FailureDecision
  | { transition: Exclude<TransitionName, FailureDecision['transition']> }
  /** Nothing to change: the job is not where the happening applies (fenced, or not waiting). */
  | { transition: 'none' };

const NONE = { transition: 'none' } as const satisfies Decision;

/** What decide() reads of a job. */
export type DecidedJob = Pick<Job, 'state' | 'failures' | 'lastErrorCode' | 'updatedAt'>;

/** The transition that follows `happening` for `job`; pure, and the only place this is decided. */
export function decide(job: DecidedJob, happening: Extract<Happening, { kind: 'attempt-failed' }>): FailureDecision | typeof NONE;
export function decide(job: DecidedJob, happening: Happening): Decision;
export function decide(job: DecidedJob, happening: Happening): Decision {
  const inAttempt = (ATTEMPT_STATES as readonly JobState[]).includes(job.state);
  switch (happening.kind) {
    case 'sent':
      return job.state === 'sending' ? { transition: 'sent' } : NONE;
    case 'confirmed':
      return inAttempt ? { transition: 'printed' } : NONE;
    case 'not-sent':
      return inAttempt ? { transition: 'return' } : NONE;
    case 'outcome-lost':
      return inAttempt ? { transition: 'inDoubt' } : NONE;
    case 'attempt-failed':
      return inAttempt ? afterFailure(job, happening) : NONE;
    case 'printer-ready':
      return happening.observedAt >= job.updatedAt && waitsForPrinter(job) ? { transition: 'resume' } : NONE;
  }
}

function afterFailure(job: Pick<Job, 'failures'>, failed: Extract<Happening, { kind: 'attempt-failed' }>): FailureDecision {
  const { error, policy, at } = failed;
  let action = failureActionForCode(error.code);
  if (action.action === 'wait-for-recovery' && !policy.watchesRecovery) action = { action: 'backoff', countsTowardGiveUp: false };
  // A person's fault leaves the memory of an away printer as it was; any other answer reached the printer.
  if (action.action === 'wait-for-recovery') return { transition: 'needsAttention', error, printerAwaySince: failed.printerAwaySince };
  if (action.action === 'give-up') return { transition: 'fail', error, printerAwaySince: undefined };
  if (action.countsTowardGiveUp) {
    const transition = job.failures + 1 >= policy.maxFailures ? 'fail' : 'retry';
    return transition === 'fail' ? { transition, error, printerAwaySince: undefined } : { transition, countsTowardGiveUp: true, error, printerAwaySince: undefined };
  }
  // The printer is away (cannot connect, offline): retried without counting, until it has been
  // away for unreachableAfterMs; backing off forever would hide a printer switched off or unplugged.
  const since = failed.printerAwaySince ?? at;
  if (at - since >= policy.unreachableAfterMs) {
    const message = `printer unreachable for ${Math.round((at - since) / 1000)} s: ${error.message}`;
    return { transition: 'needsAttention', error: { ...error, code: 'PRINTER_UNREACHABLE', message }, printerAwaySince: since };
  }
  return { transition: 'retry', countsTowardGiveUp: false, error, printerAwaySince: since };
}

/** A job that waits for its printer (a person's fix, or a printer that was away) rather than for its own backoff. */
export function waitsForPrinter(job: Pick<Job, 'state' | 'lastErrorCode'>): boolean {
  if (job.state === 'needs-attention') return true;
  if (job.state !== 'retrying') return false;
  const action = failureActionForCode(job.lastErrorCode);
  return action.action === 'backoff' && !action.countsTowardGiveUp;
}

/**
 * An operator's cancel or move of a transaction's open jobs, refused (JobBusyError) while one of
 * them is in a state the transition does not leave: on its way to the paper, where only the
 * attempt's outcome can say whether it printed. Both stores ask this before they change a row.
 */
export function refuseOperatorChangeWhileBusy(verb: 'cancel' | 'move', transactionId: string, openJobs: readonly { state: string; printer: string }[]): void {
  const allowed: readonly string[] = TRANSITIONS[verb].from;
  const busy = openJobs.find((job) => !allowed.includes(job.state));
  if (busy) {
    throw new JobBusyError(
      transactionId,
      busy.state,
      `cannot ${verb} "${transactionId}": it is ${busy.state} to ${busy.printer} right now (it may already be on paper); wait for the outcome`,
    );
  }
}
