/**
 * The job state machine as a table: every state × every happening, and every error code after a
 * failed attempt, with the transition expected. Each answer must be allowed by TRANSITIONS.
 */
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import {
  canMove,
  claimTransition,
  decide,
  fromStatesSql,
  isAttemptState,
  leavesFrom,
  refuseOperatorChangeWhileBusy,
  TRANSITIONS,
  type Decision,
  type Happening,
} from '../../src/spool/state-machine.js';
import { JobState, type Job } from '../../src/spool/types.js';

const STATES = Object.values(JobState);
type Kind = Happening['kind'];

function job(state: JobState, extra: Partial<Job> = {}): Pick<Job, 'state' | 'failures' | 'lastErrorCode' | 'updatedAt'> {
  return { state, failures: 0, lastErrorCode: null, updatedAt: 1000, ...extra };
}

const policy = { maxFailures: 3, watchesRecovery: true, unreachableAfterMs: 60_000 };
const HAPPENINGS: Record<Kind, Happening> = {
  sent: { kind: 'sent' },
  confirmed: { kind: 'confirmed' },
  'attempt-failed': { kind: 'attempt-failed', error: { code: 'CONFIRM_TIMEOUT', message: 'm', mayHavePrinted: true }, policy, at: 2000, printerAwaySince: undefined },
  'not-sent': { kind: 'not-sent' },
  'outcome-lost': { kind: 'outcome-lost' },
  'printer-ready': { kind: 'printer-ready', observedAt: 2000 },
};

// prettier-ignore
/** state → happening → expected transition (`none`: nothing changes). */
const TABLE: Record<JobState, Record<Kind, Decision['transition']>> = {
  queued:            { sent: 'none', confirmed: 'none',    'attempt-failed': 'none',  'not-sent': 'none',   'outcome-lost': 'none',    'printer-ready': 'none' },
  sending:           { sent: 'sent', confirmed: 'printed', 'attempt-failed': 'retry', 'not-sent': 'return', 'outcome-lost': 'inDoubt', 'printer-ready': 'none' },
  confirming:        { sent: 'none', confirmed: 'printed', 'attempt-failed': 'retry', 'not-sent': 'return', 'outcome-lost': 'inDoubt', 'printer-ready': 'none' },
  printed:           { sent: 'none', confirmed: 'none',    'attempt-failed': 'none',  'not-sent': 'none',   'outcome-lost': 'none',    'printer-ready': 'none' },
  retrying:          { sent: 'none', confirmed: 'none',    'attempt-failed': 'none',  'not-sent': 'none',   'outcome-lost': 'none',    'printer-ready': 'none' },
  'needs-attention': { sent: 'none', confirmed: 'none',    'attempt-failed': 'none',  'not-sent': 'none',   'outcome-lost': 'none',    'printer-ready': 'resume' },
  cancelled:         { sent: 'none', confirmed: 'none',    'attempt-failed': 'none',  'not-sent': 'none',   'outcome-lost': 'none',    'printer-ready': 'none' },
  failed:            { sent: 'none', confirmed: 'none',    'attempt-failed': 'none',  'not-sent': 'none',   'outcome-lost': 'none',    'printer-ready': 'none' },
};

/** The transition part of a failure's answer (what it records and remembers is tested below). */
type Expected = { transition: 'needsAttention' | 'fail' } | { transition: 'retry'; countsTowardGiveUp: boolean };
const transitionOf = (decision: Decision) =>
  'countsTowardGiveUp' in decision ? { transition: decision.transition, countsTowardGiveUp: decision.countsTowardGiveUp } : { transition: decision.transition };

/** After a failed attempt (job in `sending`, 0 failures so far, recovery watched, printer not away before): by code. */
// prettier-ignore
const AFTER_FAILURE: Record<ErrorCode, Expected> = {
  PAPER_END: { transition: 'needsAttention' },
  COVER_OPEN: { transition: 'needsAttention' },
  CUTTER_ERROR: { transition: 'needsAttention' },
  UNRECOVERABLE: { transition: 'needsAttention' },
  DEVICE_BUSY: { transition: 'needsAttention' },
  USB_DRIVER: { transition: 'needsAttention' },
  NOT_ACCEPTING: { transition: 'retry', countsTowardGiveUp: false },
  DISCONNECTED: { transition: 'retry', countsTowardGiveUp: false },
  OFFLINE: { transition: 'retry', countsTowardGiveUp: false },
  DEVICE_NOT_FOUND: { transition: 'retry', countsTowardGiveUp: false },
  ACCESS_DENIED: { transition: 'retry', countsTowardGiveUp: false },
  TRANSPORT_CLOSED: { transition: 'retry', countsTowardGiveUp: false },
  CONFIRM_TIMEOUT: { transition: 'retry', countsTowardGiveUp: true },
  ONE_WAY: { transition: 'retry', countsTowardGiveUp: true },
  RENDER_FAILED: { transition: 'fail' },
  // Anything else may be the job's own fault: backoff, bounded by maxFailures.
  RECEIPT_SPOOL_ERROR: { transition: 'retry', countsTowardGiveUp: true },
  INVALID_DOCUMENT: { transition: 'retry', countsTowardGiveUp: true },
  CARD_DATA: { transition: 'retry', countsTowardGiveUp: true },
  INVALID_ARGUMENT: { transition: 'retry', countsTowardGiveUp: true },
  INVALID_PRINTER_URI: { transition: 'retry', countsTowardGiveUp: true },
  USAGE: { transition: 'retry', countsTowardGiveUp: true },
  TRANSPORT_ERROR: { transition: 'retry', countsTowardGiveUp: true },
  PRINTER_ERROR: { transition: 'retry', countsTowardGiveUp: true },
  REPLY_TIMEOUT: { transition: 'retry', countsTowardGiveUp: true },
  STORE_ERROR: { transition: 'retry', countsTowardGiveUp: true },
  STORE_FULL: { transition: 'retry', countsTowardGiveUp: true },
  STORE_READONLY: { transition: 'retry', countsTowardGiveUp: true },
  STORE_CORRUPT: { transition: 'retry', countsTowardGiveUp: true },
  STORE_LOCKED: { transition: 'retry', countsTowardGiveUp: true },
  STORE_MISSING: { transition: 'retry', countsTowardGiveUp: true },
  PRINTER_UNREACHABLE: { transition: 'needsAttention' },
  JOB_BUSY: { transition: 'retry', countsTowardGiveUp: true },
  JOB_CANCELLED: { transition: 'retry', countsTowardGiveUp: true },
  WAIT_TIMEOUT: { transition: 'retry', countsTowardGiveUp: true },
  CONFIG_INVALID: { transition: 'retry', countsTowardGiveUp: true },
  STORE_DIRECTORY_MISSING: { transition: 'retry', countsTowardGiveUp: true },
  MISSING_PROGRAM: { transition: 'retry', countsTowardGiveUp: true },
  NATIVE_MODULE_UNAVAILABLE: { transition: 'retry', countsTowardGiveUp: true },
  UNKNOWN_TRANSACTION: { transition: 'retry', countsTowardGiveUp: true },
  DOCUMENT_PURGED: { transition: 'retry', countsTowardGiveUp: true },
  IN_DOUBT: { transition: 'retry', countsTowardGiveUp: true },
  CANCELLED: { transition: 'retry', countsTowardGiveUp: true },
  UNKNOWN: { transition: 'retry', countsTowardGiveUp: true },
};

describe('job state machine', () => {
  it.each(STATES.flatMap((state) => (Object.keys(HAPPENINGS) as Kind[]).map((kind) => ({ state, kind }))))('$state + $kind', ({ state, kind }) => {
    const decision = decide(job(state), HAPPENINGS[kind]);
    expect(decision.transition).toBe(TABLE[state][kind]);
    if (decision.transition !== 'none') {
      const rule = TRANSITIONS[decision.transition];
      expect((rule.from as readonly JobState[]).includes(state)).toBe(true);
      expect(canMove(state, rule.to)).toBe(true);
    }
  });

  it.each(Object.entries(AFTER_FAILURE))('failed attempt with %s', (code, expected) => {
    const failed = (failures: number, watchesRecovery: boolean) =>
      transitionOf(
        decide(job('confirming', { failures }), {
          kind: 'attempt-failed',
          error: { code: code as ErrorCode, message: 'm', mayHavePrinted: true },
          policy: { maxFailures: 3, watchesRecovery, unreachableAfterMs: 60_000 },
          at: 2000,
          printerAwaySince: undefined,
        }),
      );
    expect(failed(0, true)).toEqual(expected);
    // The last failure that counts gives up; one that does not count never does.
    const counts = expected.transition === 'retry' && expected.countsTowardGiveUp;
    expect(failed(2, true)).toEqual(counts ? { transition: 'fail' } : expected);
    expect(failed(1, true)).toEqual(expected);
    // On the fallback nothing watches for recovery: what would wait backs off, without counting.
    expect(failed(0, false)).toEqual(expected.transition === 'needsAttention' ? { transition: 'retry', countsTowardGiveUp: false } : expected);
  });

  /** The printer away too long: `awaySince` is what the worker remembered, `at` the failure's time; unreachableAfterMs 60 s. */
  // prettier-ignore
  const AWAY: { code: ErrorCode; awaySince: number | undefined; at: number; watchesRecovery?: boolean; expected: Expected & { code: ErrorCode; awaySince: number | undefined } }[] = [
    // the first failure that finds the printer away starts the count
    { code: 'DISCONNECTED', awaySince: undefined, at: 5_000, expected: { transition: 'retry', countsTowardGiveUp: false, code: 'DISCONNECTED', awaySince: 5_000 } },
    { code: 'OFFLINE', awaySince: 5_000, at: 64_999, expected: { transition: 'retry', countsTowardGiveUp: false, code: 'OFFLINE', awaySince: 5_000 } },
    // away for unreachableAfterMs: a person must look (a needs-a-person code, so it waits for recovery)
    { code: 'DISCONNECTED', awaySince: 5_000, at: 65_000, expected: { transition: 'needsAttention', code: 'PRINTER_UNREACHABLE', awaySince: 5_000 } },
    { code: 'DEVICE_NOT_FOUND', awaySince: 0, at: 600_000, expected: { transition: 'needsAttention', code: 'PRINTER_UNREACHABLE', awaySince: 0 } },
    // a person's fault keeps the memory as it was; a fault that reached the printer forgets it
    { code: 'PAPER_END', awaySince: 5_000, at: 65_000, expected: { transition: 'needsAttention', code: 'PAPER_END', awaySince: 5_000 } },
    { code: 'CONFIRM_TIMEOUT', awaySince: 5_000, at: 65_000, expected: { transition: 'retry', countsTowardGiveUp: true, code: 'CONFIRM_TIMEOUT', awaySince: undefined } },
    { code: 'RENDER_FAILED', awaySince: 5_000, at: 65_000, expected: { transition: 'fail', code: 'RENDER_FAILED', awaySince: undefined } },
    // on the fallback a person's fault backs off like an away printer, so it counts toward unreachable too
    { code: 'PAPER_END', awaySince: 5_000, at: 10_000, watchesRecovery: false, expected: { transition: 'retry', countsTowardGiveUp: false, code: 'PAPER_END', awaySince: 5_000 } },
    { code: 'PAPER_END', awaySince: 5_000, at: 65_000, watchesRecovery: false, expected: { transition: 'needsAttention', code: 'PRINTER_UNREACHABLE', awaySince: 5_000 } },
  ];
  it.each(AWAY)('$code, away since $awaySince, at $at: $expected.transition recording $expected.code', ({ code, awaySince, at, watchesRecovery = true, expected }) => {
    const decision = decide(job('sending'), {
      kind: 'attempt-failed',
      error: { code, message: 'cannot connect', mayHavePrinted: false },
      policy: { maxFailures: 3, watchesRecovery, unreachableAfterMs: 60_000 },
      at,
      printerAwaySince: awaySince,
    });
    const { code: recorded, awaySince: remembered, ...transition } = expected;
    expect(transitionOf(decision)).toEqual(transition);
    if (decision.transition === 'none') throw new Error('a failed attempt in sending must be decided');
    expect(decision.printerAwaySince).toBe(remembered);
    expect(decision.error.code).toBe(recorded);
    expect(decision.error.mayHavePrinted).toBe(false);
    expect(decision.error.message).toBe(
      recorded === 'PRINTER_UNREACHABLE' ? `printer unreachable for ${Math.round((at - awaySince!) / 1000)} s: cannot connect` : 'cannot connect',
    );
  });

  it('with unreachableAfterMs 0 the first failure that finds the printer away needs a person', () => {
    const decision = decide(job('sending'), {
      kind: 'attempt-failed',
      error: { code: 'DISCONNECTED', message: 'refused', mayHavePrinted: false },
      policy: { ...policy, unreachableAfterMs: 0 },
      at: 7_000,
      printerAwaySince: undefined,
    });
    expect(decision).toMatchObject({
      transition: 'needsAttention',
      error: { code: 'PRINTER_UNREACHABLE', message: 'printer unreachable for 0 s: refused' },
      printerAwaySince: 7_000,
    });
  });

  it('a code the package does not know is UNKNOWN: bounded backoff', () => {
    const error = { code: 'ECONNRESET' as ErrorCode, message: 'm', mayHavePrinted: true };
    const decision = decide(job('sending'), { kind: 'attempt-failed', error, policy, at: 2000, printerAwaySince: undefined });
    expect(transitionOf(decision)).toEqual({ transition: 'retry', countsTowardGiveUp: true });
  });

  it('a ready printer resumes a job retrying because the printer was away, not one backing off for its own fault, nor before it was seen', () => {
    const ready = (observedAt: number) => ({ kind: 'printer-ready', observedAt }) as const;
    expect(decide(job('retrying', { lastErrorCode: 'DISCONNECTED' }), ready(2000)).transition).toBe('resume');
    expect(decide(job('retrying', { lastErrorCode: 'OFFLINE' }), ready(1000)).transition).toBe('resume');
    expect(decide(job('retrying', { lastErrorCode: 'CONFIRM_TIMEOUT' }), ready(2000)).transition).toBe('none');
    expect(decide(job('retrying', { lastErrorCode: null }), ready(2000)).transition).toBe('none');
    expect(decide(job('needs-attention'), ready(999)).transition).toBe('none');
  });

  it.each(STATES)('an operator cancel or move with a job in %s', (state) => {
    for (const verb of ['cancel', 'move'] as const) {
      const change = () =>
        refuseOperatorChangeWhileBusy(verb, 'T-1', [
          { state: 'queued', printer: 'front' },
          { state, printer: 'bar' },
        ]);
      if (state === 'sending' || state === 'confirming') {
        expect(change).toThrow(
          expect.objectContaining({ code: 'JOB_BUSY', state, message: `cannot ${verb} "T-1": it is ${state} to bar right now (it may already be on paper); wait for the outcome` }),
        );
      } else if ((TRANSITIONS[verb].from as readonly JobState[]).includes(state)) expect(change).not.toThrow();
      // printed, failed and cancelled are never open: the stores do not pass them
      else expect(['printed', 'failed', 'cancelled']).toContain(state);
    }
  });

  it('the table of transitions: printed and cancelled are ends; failed is left only by an operator requeue', () => {
    expect(STATES.filter((to) => canMove('printed', to))).toEqual([]);
    expect(STATES.filter((to) => canMove('failed', to))).toEqual(['queued']);
    expect(STATES.filter((to) => canMove('cancelled', to))).toEqual([]);
    expect(STATES.filter((to) => canMove('queued', to)).sort()).toEqual(['cancelled', 'queued', 'sending']);
    expect(STATES.filter((to) => canMove('sending', to)).sort()).toEqual(['confirming', 'failed', 'needs-attention', 'printed', 'queued', 'retrying']);
  });

  it('gives the stores the from-states of each transition (their WHERE clauses and fences come from the table)', () => {
    expect(fromStatesSql('claim')).toBe("('queued', 'retrying')");
    expect(fromStatesSql('inDoubt')).toBe("('sending', 'confirming')");
    expect(fromStatesSql('resume')).toBe("('needs-attention', 'retrying')");
    expect(STATES.filter((state) => isAttemptState(state))).toEqual(['sending', 'confirming']);
    for (const name of Object.keys(TRANSITIONS) as (keyof typeof TRANSITIONS)[]) {
      expect(STATES.filter((state) => leavesFrom(name, state)).sort()).toEqual([...TRANSITIONS[name].from].sort());
    }
  });

  it('claims for the fallback only once the printer has needed a person for its afterMs', () => {
    const table: [attentionSince: number | undefined, afterMs: number | undefined, now: number, expected: string][] = [
      [undefined, undefined, 10_000, 'claim'],
      [undefined, 5_000, 10_000, 'claim'],
      [1_000, undefined, 10_000, 'claim'],
      [6_000, 5_000, 10_000, 'claim'],
      [5_001, 5_000, 10_000, 'claim'],
      [5_000, 5_000, 10_000, 'claimForFallback'],
      [1_000, 5_000, 10_000, 'claimForFallback'],
      [10_000, 0, 10_000, 'claimForFallback'],
    ];
    for (const [attentionSince, afterMs, now, expected] of table) expect(claimTransition(attentionSince, afterMs, now)).toBe(expected);
  });
});
