/**
 * One function per job state change, as in the SQLite store. Each runs inside the caller's
 * transaction and appends its history row there. Rows a change depends on are locked first
 * (`FOR UPDATE`), so hosts sharing the database serialise on the job, not on the whole store.
 * They record what decide() chose (state-machine.ts); every code written is an `ErrorCode`.
 */
import type { PoolClient } from 'pg';
import { CANCELLED, DocumentPurgedError, UnknownTransactionError, type ErrorCode } from '../../errors.js';
import type { Guarantee } from '../../printer/types.js';
import type { AttemptError, AttemptRef, NewJob, OperatorRequest } from '../store.js';
import type { Job, JobState, ReprintRecord } from '../types.js';
import { retryMessage, submittedMessage, warningsColumn } from '../new-job.js';
import { ATTEMPT_STATES, fromStatesSql, leavesFrom, refuseOperatorChangeWhileBusy, TRANSITIONS } from '../state-machine.js';
import { toJob, toReprintRecord, type HistoryInput, type JobRow, type ReprintRow } from '../rows.js';

export type Sql = Pick<PoolClient, 'query'>;

/** Whose clock decides lease expiry: the server's (fleet default), or the `now` the caller passes. */
export type LeaseClock = 'database' | 'caller';

/** The lease clock as SQL, in milliseconds: the server's `clock_timestamp()`, or parameter `$param`. */
export function leaseNowSql(clock: LeaseClock, param?: number): string {
  if (clock === 'database') return `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;
  if (param === undefined) throw new Error('leaseNowSql: the caller clock needs a parameter');
  return `$${param}::bigint`;
}

/** "Ready" is defined here once: due, and not waiting for a person. Applies to a printer's head job. */
function isReady(job: Job, now: number, includeAttention: boolean): boolean {
  if (leavesFrom('claim', job.state)) return (job.nextAttemptAt ?? 0) <= now;
  return includeAttention && leavesFrom('claimForFallback', job.state);
}

/** The printer's head: its oldest open job. Jobs print in submit order. */
const HEAD_ID = `SELECT id FROM jobs WHERE printer = $1 AND is_open ORDER BY id LIMIT 1`;

async function one<R>(sql: Sql, text: string, values: unknown[]): Promise<R | undefined> {
  return (await sql.query(text, values)).rows[0] as R | undefined;
}

async function all<R>(sql: Sql, text: string, values: unknown[]): Promise<R[]> {
  return (await sql.query(text, values)).rows as R[];
}

async function appendHistory(sql: Sql, entry: HistoryInput): Promise<void> {
  await sql.query(
    `INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      entry.job.id,
      entry.job.transactionId,
      entry.at,
      entry.from,
      entry.job.state,
      entry.job.attempts,
      entry.bytesSent ?? null,
      entry.guarantee ?? null,
      entry.errorCode ?? null,
      entry.message ?? null,
    ],
  );
}

export async function jobById(sql: Sql, jobId: number): Promise<Job | undefined> {
  const row = await one<JobRow>(sql, `SELECT * FROM jobs WHERE id = $1`, [jobId]);
  return row && toJob(row);
}

export async function findOriginal(sql: Sql, transactionId: string): Promise<Job | undefined> {
  const row = await one<JobRow>(sql, `SELECT * FROM jobs WHERE transaction_id = $1 AND kind = 'original'`, [transactionId]);
  return row && toJob(row);
}

export async function headJob(sql: Sql, printer: string): Promise<Job | undefined> {
  const row = await one<JobRow>(sql, `SELECT * FROM jobs WHERE id = (${HEAD_ID})`, [printer]);
  return row && toJob(row);
}

export async function jobAfter(sql: Sql, printer: string, jobId: number): Promise<Job | undefined> {
  const row = await one<JobRow>(sql, `SELECT * FROM jobs WHERE printer = $1 AND is_open AND id > $2 ORDER BY id LIMIT 1`, [printer, jobId]);
  return row && toJob(row);
}

/**
 * One statement (the job and its history row, atomic without BEGIN/COMMIT): a submit costs one
 * round trip and one commit, the floor for a durable insert.
 */
export async function insertJob(sql: Sql, job: NewJob, now: number): Promise<{ job: Job; created: boolean }> {
  const message = submittedMessage(job);
  const row = await one<JobRow>(
    sql,
    `WITH inserted AS (
       INSERT INTO jobs (transaction_id, printer, kind, document, warnings, must_mark, created_at, updated_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $8, $5, $6, $6, $6)
       ON CONFLICT (transaction_id) WHERE kind = 'original' DO NOTHING
       RETURNING *
     ), history AS (
       INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, message)
       SELECT id, transaction_id, $6, NULL, state, attempts, $7 FROM inserted
     )
     SELECT * FROM inserted`,
    [job.transactionId, job.printer, job.kind, JSON.stringify(job.document), job.kind === 'reprint', now, message, warningsColumn(job.warnings)],
  );
  if (!row) return { job: (await findOriginal(sql, job.transactionId))!, created: false };
  // The row's document is the one just stringified: no need to parse it back.
  return { job: { ...toJob({ ...row, document: null }), document: job.document }, created: true };
}

export async function insertReprint(
  sql: Sql,
  transactionId: string,
  request: { by: string; reason: string; printer?: string },
  now: number,
): Promise<{ job: Job; record: ReprintRecord }> {
  const original = await findOriginal(sql, transactionId);
  if (!original) throw new UnknownTransactionError(transactionId);
  if (original.document === null) throw new DocumentPurgedError(transactionId);
  const row = (await one<JobRow>(
    sql,
    `INSERT INTO jobs (transaction_id, printer, kind, document, warnings, must_mark, created_at, updated_at, next_attempt_at)
     VALUES ($1, $2, 'reprint', $3, $5, true, $4, $4, $4) RETURNING *`,
    [transactionId, request.printer ?? original.printer, JSON.stringify(original.document), now, warningsColumn(original.warnings)],
  ))!;
  const job = toJob(row);
  await appendHistory(sql, { job, at: now, from: null, message: `reprint by ${request.by}: ${request.reason}` });
  const record = (await one<ReprintRow>(sql, `INSERT INTO reprints (transaction_id, requested_by, reason, at, copy_job_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`, [
    transactionId,
    request.by,
    request.reason,
    now,
    job.id,
  ]))!;
  return { job, record: toReprintRecord(record) };
}

/**
 * The head is locked `FOR UPDATE SKIP LOCKED`, in the same statement that checks the lease: a head
 * held by another transaction (a second claimer, an operator's command) is not waited for, and
 * that transaction's commit wakes the worker; it is never skipped for the job behind it (submit
 * order). A lease taken over meanwhile is safe: the new holder's `resetInDoubt` waits for this
 * claim's row lock, then re-queues the job in doubt.
 */
export async function claimJob(sql: Sql, request: { printer: string; holder: string; includeAttention: boolean }, now: number, leaseClock: LeaseClock): Promise<Job | undefined> {
  const headRow = await one<JobRow>(
    sql,
    `SELECT * FROM jobs WHERE id = (${HEAD_ID})
       AND EXISTS (SELECT 1 FROM leases WHERE printer = $1 AND holder = $2 AND expires_at > ${leaseNowSql(leaseClock, 3)})
     FOR UPDATE SKIP LOCKED`,
    [request.printer, request.holder, ...(leaseClock === 'caller' ? [now] : [])],
  );
  const head = headRow && toJob(headRow);
  // The head was chosen in the statement's snapshot; the locked row is its latest version.
  if (!head || head.printer !== request.printer || !isReady(head, now, request.includeAttention)) return undefined;
  // Copies that may already be on paper, across the transaction's jobs (on any printer), number the
  // mark: counted under a lock per transaction, in a statement (snapshot) taken after it.
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`receipt-spool:copies:${head.transactionId}`]);
  const { copies } = (await one<{ copies: number }>(sql, `SELECT coalesce(sum(maybe_printed), 0)::int AS copies FROM jobs WHERE transaction_id = $1`, [head.transactionId]))!;
  // The attempt is marked if an earlier one may have printed; from now on every later one is
  // marked too, unless this attempt is proven to have put nothing on paper.
  const row = (await one<JobRow>(
    sql,
    `WITH updated AS (
       UPDATE jobs SET state = 'sending', attempts = attempts + 1, marked = must_mark, must_mark = true,
         maybe_printed = maybe_printed + 1, copy = $2, next_attempt_at = NULL, updated_at = $3
       WHERE id = $1 RETURNING *
     ), history AS (
       INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, message)
       SELECT id, transaction_id, $3, $4, state, attempts,
         $5 || CASE WHEN marked THEN ', marked copy ' || copy ELSE '' END FROM updated
     )
     SELECT * FROM updated`,
    [head.id, copies + 1, now, head.state, `claimed by ${request.holder}`],
  ))!;
  return toJob(row);
}

interface AttemptRecord {
  bytesSent?: number;
  guarantee?: Guarantee;
  errorCode?: ErrorCode;
  message?: string;
}

/**
 * Fenced update of the attempt's job and its history row, in one statement (atomic without a
 * transaction: one round trip). Nothing happens if another attempt started since. Parameters:
 * $1 job id, $2 attempt, $3 now, $4..$7 the history's bytes sent, guarantee, error code and
 * message; `set` may use them and its own `values` from $8 on.
 */
async function finishAttempt(
  sql: Sql,
  ref: AttemptRef,
  change: { set: string; values?: unknown[]; from?: readonly JobState[] },
  record: AttemptRecord,
  now: number,
): Promise<Job | undefined> {
  const row = await one<JobRow>(
    sql,
    `WITH current AS (
       SELECT id, state FROM jobs WHERE id = $1 AND attempts = $2 AND state = ANY('{${(change.from ?? ATTEMPT_STATES).join(',')}}') FOR UPDATE
     ), updated AS (
       UPDATE jobs SET ${change.set}, updated_at = $3 FROM current WHERE jobs.id = current.id
       RETURNING jobs.*, current.state AS from_state
     ), history AS (
       INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message)
       SELECT id, transaction_id, $3, from_state, state, attempts, $4, $5, $6, $7 FROM updated
     )
     SELECT * FROM updated`,
    [ref.jobId, ref.attempt, now, record.bytesSent ?? null, record.guarantee ?? null, record.errorCode ?? null, record.message ?? null, ...(change.values ?? [])],
  );
  return row && toJob(row);
}

/** Columns every failed attempt sets ($8: may have printed); `false` undoes the claim's "mark from now on". */
const FAILED_ATTEMPT = `last_error_code = $6, last_error_message = $7,
  must_mark = CASE WHEN $8::boolean THEN true ELSE marked END,
  maybe_printed = maybe_printed - (CASE WHEN $8::boolean THEN 0 ELSE 1 END)`;

function failure(error: AttemptError): AttemptRecord {
  return { errorCode: error.code, message: error.message };
}

export async function markConfirming(sql: Sql, ref: AttemptRef, bytesSent: number, now: number): Promise<void> {
  await finishAttempt(sql, ref, { set: `state = 'confirming'`, from: TRANSITIONS.sent.from }, { bytesSent }, now);
}

export function completeJob(sql: Sql, ref: AttemptRef, outcome: { guarantee: Guarantee; bytesSent: number; printedOn: string }, now: number): Promise<Job | undefined> {
  return finishAttempt(
    sql,
    ref,
    { set: `state = 'printed', guarantee = $5, printed_on = $8, printed_at = $3`, values: [outcome.printedOn] },
    { bytesSent: outcome.bytesSent, guarantee: outcome.guarantee, message: `printed on ${outcome.printedOn}` },
    now,
  );
}

export function retryJob(sql: Sql, ref: AttemptRef, error: AttemptError, retry: { nextAttemptAt: number; countsTowardGiveUp: boolean }, now: number): Promise<Job | undefined> {
  return finishAttempt(
    sql,
    ref,
    {
      set: `state = 'retrying', next_attempt_at = $9, failures = failures + $10, ${FAILED_ATTEMPT}`,
      values: [error.mayHavePrinted, retry.nextAttemptAt, retry.countsTowardGiveUp ? 1 : 0],
    },
    failure(error),
    now,
  );
}

export function markNeedsAttention(sql: Sql, ref: AttemptRef, error: AttemptError, now: number): Promise<Job | undefined> {
  return finishAttempt(sql, ref, { set: `state = 'needs-attention', next_attempt_at = NULL, ${FAILED_ATTEMPT}`, values: [error.mayHavePrinted] }, failure(error), now);
}

export function failJob(sql: Sql, ref: AttemptRef, error: AttemptError, now: number): Promise<Job | undefined> {
  return finishAttempt(
    sql,
    ref,
    { set: `state = 'failed', next_attempt_at = NULL, failures = failures + 1, ${FAILED_ATTEMPT}`, values: [error.mayHavePrinted] },
    failure(error),
    now,
  );
}

export async function returnJob(sql: Sql, ref: AttemptRef, now: number): Promise<void> {
  await finishAttempt(sql, ref, { set: `state = 'queued', next_attempt_at = $3, must_mark = marked, maybe_printed = maybe_printed - 1` }, { message: 'returned unsent' }, now);
}

/** Updates every job `where` selects (locked, in id order) with `set` ($1 id, $2 now, then `setValues`), one history row each. */
async function updateEach(
  sql: Sql,
  select: { where: string; values: unknown[] },
  update: { set: string; values: unknown[] },
  now: number,
  history: Omit<HistoryInput, 'job' | 'at' | 'from'>,
): Promise<Job[]> {
  const rows = await all<{ id: number; state: JobState }>(sql, `SELECT id, state FROM jobs WHERE ${select.where} ORDER BY id FOR UPDATE`, select.values);
  const jobs: Job[] = [];
  for (const row of rows) {
    const updated = (await one<JobRow>(sql, `UPDATE jobs SET ${update.set}, updated_at = $2 WHERE id = $1 RETURNING *`, [row.id, now, ...update.values]))!;
    const job = toJob(updated);
    await appendHistory(sql, { job, at: now, from: row.state, ...history });
    jobs.push(job);
  }
  return jobs;
}

export function resetInDoubt(sql: Sql, printer: string, reason: string, now: number): Promise<Job[]> {
  return updateEach(
    sql,
    { where: `printer = $1 AND state IN ${fromStatesSql('inDoubt')}`, values: [printer] },
    { set: `state = 'queued', must_mark = true, next_attempt_at = $2, last_error_code = 'IN_DOUBT', last_error_message = $3`, values: [reason] },
    now,
    { errorCode: 'IN_DOUBT', message: reason },
  );
}

const REQUEUE = { set: `state = 'queued', next_attempt_at = $2, failures = 0`, values: [] };

export async function resumePrinter(sql: Sql, printer: string, now: number): Promise<number> {
  const select = { where: `printer = $1 AND state IN ${fromStatesSql('resume')}`, values: [printer] };
  return (await updateEach(sql, select, REQUEUE, now, { message: 'printer recovered' })).length;
}

export function requeueFailed(sql: Sql, transactionId: string | undefined, now: number, request?: OperatorRequest): Promise<Job[]> {
  const select = transactionId === undefined ? { where: `state = 'failed'`, values: [] } : { where: `state = 'failed' AND transaction_id = $1`, values: [transactionId] };
  return updateEach(sql, select, REQUEUE, now, { message: retryMessage(request) });
}

export async function purgeDocuments(sql: Sql, before: number, now: number): Promise<number> {
  const result = await sql.query(`UPDATE jobs SET document = NULL, purged_at = $2 WHERE state = 'printed' AND printed_at < $1 AND document IS NOT NULL`, [before, now]);
  return result.rowCount ?? 0;
}

/**
 * The transaction's open jobs, locked, for an operator's cancel or move; refused while one is on
 * its way to the paper (only its outcome can say whether it printed).
 */
async function openJobsOf(sql: Sql, transactionId: string, verb: 'cancel' | 'move'): Promise<JobRow[]> {
  if (!(await findOriginal(sql, transactionId))) throw new UnknownTransactionError(transactionId);
  const rows = await all<JobRow>(sql, `SELECT * FROM jobs WHERE transaction_id = $1 AND is_open ORDER BY id FOR UPDATE`, [transactionId]);
  refuseOperatorChangeWhileBusy(verb, transactionId, rows);
  return rows;
}

export async function cancelJobs(sql: Sql, transactionId: string, request: OperatorRequest, now: number): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const row of await openJobsOf(sql, transactionId, 'cancel')) {
    const job = toJob((await one<JobRow>(sql, `UPDATE jobs SET state = 'cancelled', next_attempt_at = NULL, updated_at = $2 WHERE id = $1 RETURNING *`, [row.id, now]))!);
    await appendHistory(sql, { job, at: now, from: row.state as JobState, errorCode: CANCELLED, message: `cancelled by ${request.by}: ${request.reason}` });
    jobs.push(job);
  }
  return jobs;
}

export async function moveJobs(sql: Sql, transactionId: string, printer: string, request: OperatorRequest, now: number): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const row of await openJobsOf(sql, transactionId, 'move')) {
    const job = toJob(
      (await one<JobRow>(sql, `UPDATE jobs SET printer = $3, state = 'queued', next_attempt_at = $2, failures = 0, updated_at = $2 WHERE id = $1 RETURNING *`, [
        row.id,
        now,
        printer,
      ]))!,
    );
    await appendHistory(sql, { job, at: now, from: row.state as JobState, message: `moved from ${row.printer} to ${printer} by ${request.by}: ${request.reason}` });
    jobs.push(job);
  }
  return jobs;
}
