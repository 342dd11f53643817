/**
 * What the till's outbox (src/spool/outbox) needs from the SQLite spool beyond `SpoolStore`: the
 * job rows as stored (the fleet copy carries every column, `maybe_printed` too, so the fleet numbers
 * later copies right), and the local end of a hand-over.
 */
import type { JobRow } from '../rows.js';
import type { Db } from './open.js';
import { statement } from './rows.js';

/** A job row with the column `Job` leaves out: how many of its attempts may have put paper out. */
export interface OutboxJobRow extends JobRow {
  maybe_printed: number;
}

export function jobRows(db: Db, jobIds: readonly number[]): OutboxJobRow[] {
  if (jobIds.length === 0) return [];
  return statement(db, `SELECT * FROM jobs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).all(JSON.stringify(jobIds)) as OutboxJobRow[];
}

/**
 * The job now belongs to its home host in the fleet: locally it is withdrawn (`cancelled`, with a
 * history row saying where it went), unless it is on its way to a printer here (then it stays, and
 * the fleet copy was handed over marked). Returns whether the job was withdrawn.
 */
export function handOverJob(db: Db, jobId: number, message: string, now: number): boolean {
  const before = statement(db, `SELECT state FROM jobs WHERE id = ?`).get(jobId) as { state: string } | undefined;
  if (!before || !['queued', 'retrying', 'needs-attention'].includes(before.state)) return false;
  statement(db, `UPDATE jobs SET state = 'cancelled', next_attempt_at = NULL, updated_at = @now WHERE id = @id`).run({ id: jobId, now });
  statement(
    db,
    `INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, message)
     SELECT id, transaction_id, @now, @from, state, attempts, @message FROM jobs WHERE id = @id`,
  ).run({ id: jobId, now, from: before.state, message });
  return true;
}
