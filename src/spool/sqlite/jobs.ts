/**
 * One function per job state change. Each runs inside the caller's IMMEDIATE transaction and
 * appends its history row there, so the job and its audit never disagree. These record what
 * decide() chose (state-machine.ts); they do not choose. Every code they write is an `ErrorCode`
 * (src/error-codes.ts).
 */
import { CANCELLED, DocumentPurgedError, IN_DOUBT, UnknownTransactionError } from '../../errors.js';
import type { Guarantee } from '../../printer/types.js';
import type { AttemptError, AttemptRef, NewJob, OperatorRequest } from '../store.js';
import type { Job, JobState, ReprintRecord } from '../types.js';
import { retryMessage, submittedMessage, warningsColumn } from '../new-job.js';
import { fromStatesSql, isAttemptState, leavesFrom, refuseOperatorChangeWhileBusy } from '../state-machine.js';
import type { Db } from './open.js';
import { toJob, toReprintRecord, type HistoryInput, type JobRow, type ReprintRow } from '../rows.js';
import { statement } from './rows.js';

/** "Ready" is defined here once: due, and not waiting for a person. Applies to a printer's head job. */
const READY = `(state IN ${fromStatesSql('claim')} AND coalesce(next_attempt_at, 0) <= @now)`;
/**
 * Every job of the transaction `@transactionId`, original and copies: spelled as two halves so the
 * two partial indexes (`jobs_transaction`, `jobs_reprints`) answer it; no index covers all kinds.
 */
export const OF_TRANSACTION = `((transaction_id = @transactionId AND kind = 'original') OR (transaction_id = @transactionId AND kind = 'reprint'))`;
/** The printer's head: its oldest open job (see `is_open` in the schema). Jobs print in submit order. */
const HEAD = `SELECT * FROM jobs WHERE printer = @printer AND is_open ORDER BY id LIMIT 1`;

function appendHistory(db: Db, entry: HistoryInput): void {
  statement(
    db,
    `INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message)
     VALUES (@jobId, @transactionId, @at, @from, @to, @attempt, @bytesSent, @guarantee, @errorCode, @message)`,
  ).run({
    jobId: entry.job.id,
    transactionId: entry.job.transactionId,
    at: entry.at,
    from: entry.from,
    to: entry.job.state,
    attempt: entry.job.attempts,
    bytesSent: entry.bytesSent ?? null,
    guarantee: entry.guarantee ?? null,
    errorCode: entry.errorCode ?? null,
    message: entry.message ?? null,
  });
}

function jobById(db: Db, jobId: number): Job | undefined {
  const row = statement(db, `SELECT * FROM jobs WHERE id = ?`).get(jobId) as JobRow | undefined;
  return row && toJob(row);
}

export function findOriginal(db: Db, transactionId: string): Job | undefined {
  const row = statement(db, `SELECT * FROM jobs WHERE transaction_id = ? AND kind = 'original'`).get(transactionId) as JobRow | undefined;
  return row && toJob(row);
}

export function headJob(db: Db, printer: string): Job | undefined {
  const row = statement(db, HEAD).get({ printer }) as JobRow | undefined;
  return row && toJob(row);
}

export function jobAfter(db: Db, printer: string, jobId: number): Job | undefined {
  const row = statement(db, `SELECT * FROM jobs WHERE printer = @printer AND is_open AND id > @jobId ORDER BY id LIMIT 1`).get({
    printer,
    jobId,
  }) as JobRow | undefined;
  return row && toJob(row);
}

export function insertJob(db: Db, job: NewJob, now: number): { job: Job; created: boolean } {
  const row = statement(
    db,
    `INSERT INTO jobs (transaction_id, printer, kind, document, warnings, must_mark, created_at, updated_at, next_attempt_at)
     VALUES (@transactionId, @printer, @kind, @document, @warnings, @mustMark, @now, @now, @now)
     ON CONFLICT (transaction_id) WHERE kind = 'original' DO NOTHING
     RETURNING *`,
  ).get({
    transactionId: job.transactionId,
    printer: job.printer,
    kind: job.kind,
    document: JSON.stringify(job.document),
    warnings: warningsColumn(job.warnings),
    mustMark: job.kind === 'reprint' ? 1 : 0,
    now,
  }) as JobRow | undefined;
  if (!row) return { job: findOriginal(db, job.transactionId)!, created: false };
  // The row's document is the one just stringified: no need to parse it back.
  const created: Job = { ...toJob({ ...row, document: null }), document: job.document };
  appendHistory(db, { job: created, at: now, from: null, message: submittedMessage(job) });
  return { job: created, created: true };
}

export function insertReprint(db: Db, transactionId: string, request: { by: string; reason: string; printer?: string }, now: number): { job: Job; record: ReprintRecord } {
  const original = findOriginal(db, transactionId);
  if (!original) throw new UnknownTransactionError(transactionId);
  if (original.document === null) throw new DocumentPurgedError(transactionId);
  const row = statement(
    db,
    `INSERT INTO jobs (transaction_id, printer, kind, document, warnings, must_mark, created_at, updated_at, next_attempt_at)
     VALUES (@transactionId, @printer, 'reprint', @document, @warnings, 1, @now, @now, @now) RETURNING *`,
  ).get({
    transactionId,
    printer: request.printer ?? original.printer,
    document: JSON.stringify(original.document),
    warnings: warningsColumn(original.warnings),
    now,
  }) as JobRow;
  const job = toJob(row);
  appendHistory(db, { job, at: now, from: null, message: `reprint by ${request.by}: ${request.reason}` });
  const record = statement(db, `INSERT INTO reprints (transaction_id, requested_by, reason, at, copy_job_id) VALUES (?, ?, ?, ?, ?) RETURNING *`).get(
    transactionId,
    request.by,
    request.reason,
    now,
    job.id,
  ) as ReprintRow;
  return { job, record: toReprintRecord(record) };
}

export function claimJob(db: Db, request: { printer: string; holder: string; includeAttention: boolean }, now: number): Job | undefined {
  const params = { printer: request.printer, holder: request.holder, now, attention: request.includeAttention ? 1 : 0 };
  const head = statement(
    db,
    `SELECT id, transaction_id FROM (${HEAD})
     WHERE (${READY} OR (@attention = 1 AND state IN ${fromStatesSql('claimForFallback')}))
       AND EXISTS (SELECT 1 FROM leases WHERE printer = @printer AND holder = @holder AND expires_at > @now)`,
  ).get(params) as { id: number; transaction_id: string } | undefined;
  if (!head) return undefined;
  // Copies that may already be on paper, across the transaction's jobs: numbers the mark.
  const { copies } = statement(db, `SELECT coalesce(sum(maybe_printed), 0) AS copies FROM jobs WHERE ${OF_TRANSACTION}`).get({ transactionId: head.transaction_id }) as {
    copies: number;
  };
  const from = jobById(db, head.id)!.state;
  // The attempt is marked if an earlier one may have printed; from now on every later one is
  // marked too, unless this attempt is proven to have put nothing on paper.
  const row = statement(
    db,
    `UPDATE jobs SET state = 'sending', attempts = attempts + 1, marked = must_mark, must_mark = 1,
       maybe_printed = maybe_printed + 1, copy = @copy, next_attempt_at = NULL, updated_at = @now
     WHERE id = @id RETURNING *`,
  ).get({ id: head.id, copy: copies + 1, now }) as JobRow;
  const job = toJob(row);
  appendHistory(db, { job, at: now, from, message: `claimed by ${request.holder}${job.marked ? `, marked copy ${job.copy}` : ''}` });
  return job;
}

/** Fenced update of the attempt's job: nothing happens if another attempt started since. */
function finishAttempt(db: Db, ref: AttemptRef, set: string, params: Record<string, unknown>): { job: Job; from: JobState } | undefined {
  const current = jobById(db, ref.jobId);
  if (!current || current.attempts !== ref.attempt || !isAttemptState(current.state)) {
    return undefined;
  }
  const row = statement(db, `UPDATE jobs SET ${set}, updated_at = @now WHERE id = @id RETURNING *`).get({
    ...params,
    id: ref.jobId,
  }) as JobRow;
  return { job: toJob(row), from: current.state };
}

/** Columns every failed attempt sets; `mayHavePrinted: false` undoes the claim's "mark from now on". */
const FAILED_ATTEMPT = `last_error_code = @code, last_error_message = @message,
  must_mark = CASE WHEN @mayHavePrinted = 1 THEN 1 ELSE marked END,
  maybe_printed = maybe_printed - (CASE WHEN @mayHavePrinted = 1 THEN 0 ELSE 1 END)`;

function failureParams(error: AttemptError, now: number): Record<string, unknown> {
  return { code: error.code, message: error.message, mayHavePrinted: error.mayHavePrinted ? 1 : 0, now };
}

export function markConfirming(db: Db, ref: AttemptRef, bytesSent: number, now: number): void {
  const current = jobById(db, ref.jobId);
  if (!current || current.attempts !== ref.attempt || !leavesFrom('sent', current.state)) return;
  const row = statement(db, `UPDATE jobs SET state = 'confirming', updated_at = @now WHERE id = @id RETURNING *`).get({
    id: ref.jobId,
    now,
  }) as JobRow;
  appendHistory(db, { job: toJob(row), at: now, from: 'sending', bytesSent });
}

export function completeJob(db: Db, ref: AttemptRef, outcome: { guarantee: Guarantee; bytesSent: number; printedOn: string }, now: number): Job | undefined {
  const done = finishAttempt(db, ref, `state = 'printed', guarantee = @guarantee, printed_on = @printedOn, printed_at = @now`, {
    guarantee: outcome.guarantee,
    printedOn: outcome.printedOn,
    now,
  });
  if (!done) return undefined;
  appendHistory(db, { job: done.job, at: now, from: done.from, bytesSent: outcome.bytesSent, guarantee: outcome.guarantee, message: `printed on ${outcome.printedOn}` });
  return done.job;
}

export function retryJob(db: Db, ref: AttemptRef, error: AttemptError, retry: { nextAttemptAt: number; countsTowardGiveUp: boolean }, now: number): Job | undefined {
  const done = finishAttempt(db, ref, `state = 'retrying', next_attempt_at = @nextAttemptAt, failures = failures + @counts, ${FAILED_ATTEMPT}`, {
    ...failureParams(error, now),
    nextAttemptAt: retry.nextAttemptAt,
    counts: retry.countsTowardGiveUp ? 1 : 0,
  });
  if (!done) return undefined;
  appendHistory(db, { job: done.job, at: now, from: done.from, errorCode: error.code, message: error.message });
  return done.job;
}

export function markNeedsAttention(db: Db, ref: AttemptRef, error: AttemptError, now: number): Job | undefined {
  const done = finishAttempt(db, ref, `state = 'needs-attention', next_attempt_at = NULL, ${FAILED_ATTEMPT}`, failureParams(error, now));
  if (!done) return undefined;
  appendHistory(db, { job: done.job, at: now, from: done.from, errorCode: error.code, message: error.message });
  return done.job;
}

export function failJob(db: Db, ref: AttemptRef, error: AttemptError, now: number): Job | undefined {
  const done = finishAttempt(db, ref, `state = 'failed', next_attempt_at = NULL, failures = failures + 1, ${FAILED_ATTEMPT}`, failureParams(error, now));
  if (!done) return undefined;
  appendHistory(db, { job: done.job, at: now, from: done.from, errorCode: error.code, message: error.message });
  return done.job;
}

export function returnJob(db: Db, ref: AttemptRef, now: number): void {
  const done = finishAttempt(db, ref, `state = 'queued', next_attempt_at = @now, must_mark = marked, maybe_printed = maybe_printed - 1`, { now });
  if (done) appendHistory(db, { job: done.job, at: now, from: done.from, message: 'returned unsent' });
}

export function resetInDoubt(db: Db, printer: string, reason: string, now: number): Job[] {
  const rows = statement(db, `SELECT * FROM jobs WHERE printer = ? AND is_open AND state IN ${fromStatesSql('inDoubt')} ORDER BY id`).all(printer) as JobRow[];
  return rows.map((row) => {
    const updated = statement(
      db,
      `UPDATE jobs SET state = 'queued', must_mark = 1, next_attempt_at = @now, updated_at = @now,
         last_error_code = @code, last_error_message = @reason
       WHERE id = @id RETURNING *`,
    ).get({ id: row.id, now, reason, code: IN_DOUBT }) as JobRow;
    const job = toJob(updated);
    appendHistory(db, { job, at: now, from: row.state as JobState, errorCode: IN_DOUBT, message: reason });
    return job;
  });
}

/** Moves the printer's waiting jobs (matching `states`) to `queued`, due now, with a history row each. */
function requeue(db: Db, where: string, params: Record<string, unknown>, now: number, message: string): Job[] {
  const rows = statement(db, `SELECT * FROM jobs WHERE ${where} ORDER BY id`).all(params) as JobRow[];
  return rows.map((row) => {
    const updated = statement(db, `UPDATE jobs SET state = 'queued', next_attempt_at = @now, updated_at = @now, failures = 0 WHERE id = @id RETURNING *`).get({
      id: row.id,
      now,
    }) as JobRow;
    const job = toJob(updated);
    appendHistory(db, { job, at: now, from: row.state as JobState, message });
    return job;
  });
}

export function resumePrinter(db: Db, printer: string, now: number): number {
  return requeue(db, `printer = @printer AND state IN ${fromStatesSql('resume')}`, { printer }, now, 'printer recovered').length;
}

export function requeueFailed(db: Db, transactionId: string | undefined, now: number, request?: OperatorRequest): Job[] {
  const message = retryMessage(request);
  return transactionId === undefined ? requeue(db, `state = 'failed'`, {}, now, message) : requeue(db, `state = 'failed' AND ${OF_TRANSACTION}`, { transactionId }, now, message);
}

export function purgeDocuments(db: Db, before: number, now: number): number {
  return statement(
    db,
    `UPDATE jobs SET document = NULL, purged_at = @now
     WHERE state = 'printed' AND printed_at < @before AND document IS NOT NULL`,
  ).run({ before, now }).changes;
}

/**
 * The transaction's open jobs for an operator's cancel or move; refused while one is on its way
 * to the paper (only its outcome can say whether it printed).
 */
function openJobsOf(db: Db, transactionId: string, verb: 'cancel' | 'move'): JobRow[] {
  if (!findOriginal(db, transactionId)) throw new UnknownTransactionError(transactionId);
  const rows = statement(db, `SELECT * FROM jobs WHERE ${OF_TRANSACTION} AND is_open ORDER BY id`).all({ transactionId }) as JobRow[];
  refuseOperatorChangeWhileBusy(verb, transactionId, rows);
  return rows;
}

export function cancelJobs(db: Db, transactionId: string, request: OperatorRequest, now: number): Job[] {
  return openJobsOf(db, transactionId, 'cancel').map((row) => {
    const updated = statement(db, `UPDATE jobs SET state = 'cancelled', next_attempt_at = NULL, updated_at = @now WHERE id = @id RETURNING *`).get({ id: row.id, now }) as JobRow;
    const job = toJob(updated);
    appendHistory(db, { job, at: now, from: row.state as JobState, errorCode: CANCELLED, message: `cancelled by ${request.by}: ${request.reason}` });
    return job;
  });
}

export function moveJobs(db: Db, transactionId: string, printer: string, request: OperatorRequest, now: number): Job[] {
  return openJobsOf(db, transactionId, 'move').map((row) => {
    const updated = statement(
      db,
      `UPDATE jobs SET printer = @printer, state = 'queued', next_attempt_at = @now, failures = 0, updated_at = @now
       WHERE id = @id RETURNING *`,
    ).get({ id: row.id, printer, now }) as JobRow;
    const job = toJob(updated);
    appendHistory(db, { job, at: now, from: row.state as JobState, message: `moved from ${row.printer} to ${printer} by ${request.by}: ${request.reason}` });
    return job;
  });
}
