/**
 * The job state machine, in one place: the transitions a job may take (from which states, to
 * which, recorded by which store method) and one pure function, `decide`, that says which
 * transition follows what happened. The worker asks `decide` and applies the answer through the
 * store; the store only records (each method is fenced by `(jobId, attempt)` and appends the
 * history row). Nothing else decides a job's next state.
 */
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

/** Whether a job in `from` may move to `to` by any transition. */
export function canMove(from: JobState, to: JobState): boolean {
  return Object.values(TRANSITIONS).some((rule) => rule.to === to && (rule.from as readonly JobState[]).includes(from));
}

/** What happened to a job, as the worker saw it. */
export type Happening =
  | { kind: 'sent' }
  | { kind: 'confirmed' }
  | { kind: 'attempt-failed'; error: AttemptError; policy: FailurePolicy }
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
}

export type Decision =
  | { transition: 'retry'; countsTowardGiveUp: boolean }
  | { transition: Exclude<TransitionName, 'retry'> }
  /** Nothing to change: the job is not where the happening applies (fenced, or not waiting). */
  | { transition: 'none' };

const NONE: Decision = { transition: 'none' };

/** The transition that follows `happening` for `job`; pure, and the only place this is decided. */
export function decide(job: Pick<Job, 'state' | 'failures' | 'lastErrorCode' | 'updatedAt'>, happening: Happening): Decision {
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
      return inAttempt ? afterFailure(job, happening.error, happening.policy) : NONE;
    case 'printer-ready':
      return happening.observedAt >= job.updatedAt && waitsForPrinter(job) ? { transition: 'resume' } : NONE;
  }
}

function afterFailure(job: Pick<Job, 'failures'>, error: AttemptError, policy: FailurePolicy): Decision {
  let action = failureActionForCode(error.code);
  if (action.action === 'wait-for-recovery' && !policy.watchesRecovery) action = { action: 'backoff', countsTowardGiveUp: false };
  if (action.action === 'wait-for-recovery') return { transition: 'needsAttention' };
  if (action.action === 'give-up') return { transition: 'fail' };
  if (action.countsTowardGiveUp && job.failures + 1 >= policy.maxFailures) return { transition: 'fail' };
  return { transition: 'retry', countsTowardGiveUp: action.countsTowardGiveUp };
}

/** A job that waits for its printer (a person's fix, or a printer that was away) rather than for its own backoff. */
export function waitsForPrinter(job: Pick<Job, 'state' | 'lastErrorCode'>): boolean {
  if (job.state === 'needs-attention') return true;
  if (job.state !== 'retrying') return false;
  const action = failureActionForCode(job.lastErrorCode);
  return action.action === 'backoff' && !action.countsTowardGiveUp;
}
