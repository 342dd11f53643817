/**
 * The fleet's end of a till's outbox (src/spool/outbox): one batch of the till's history, with
 * the jobs it touches, applied in the caller's transaction together with the till's cursor. The
 * batch applies only if the fleet's cursor is where the till read from, so a batch replayed after
 * a cut connection (committed or not) or sent by a second outbox of the same till changes nothing.
 */
import type { HistoryEntry } from '../types.js';
import type { OutboxJobRow } from '../sqlite/outbox.js';
import { decideForward, handOverMustMark, homeOf, type ForwardAction, type ForwardedJob, type Homes } from '../outbox/plan.js';
import { leaseNowSql, type Sql } from './jobs.js';

export interface ForwardBatch {
  host: string;
  homes: Homes;
  /** The history id the batch follows (0 at first). */
  after: number;
  /** The batch's jobs in the order they first appear in the history, each with its rows. */
  jobs: { row: OutboxJobRow; history: HistoryEntry[] }[];
  /** The last history id of the batch: the cursor once applied. */
  last: number;
  /** How long the till's lease on its own printers lasts in the fleet (renewed with every batch). */
  homeLeaseMs: number;
  pid: number;
  now: number;
}

/** A till job queued in the fleet for its home printer (and withdrawn on the till). */
export interface HandedOver {
  /** The job's id in the till's spool. */
  originJobId: number;
  /** The job's id in the fleet (the existing job when `created` is false). */
  fleetJobId: number;
  /** The host that prints it. */
  home: string;
  /** False when the fleet had the transaction already (submitted elsewhere): nothing new prints. */
  created: boolean;
}

export type ForwardResult = { applied: true; cursor: number; jobs: number; rows: number; handedOver: HandedOver[]; leaseRefused: string[] } | { applied: false; cursor: number };

export function homeLeaseHolder(host: string): string {
  return `home:${host}`;
}

/** The till's cursor in the fleet, locked until the transaction ends (one forwarder per till at a time). */
async function lockCursor(sql: Sql, host: string, now: number): Promise<number> {
  await sql.query(`INSERT INTO outbox_cursors (host, history_id, updated_at) VALUES ($1, 0, $2) ON CONFLICT (host) DO NOTHING`, [host, now]);
  const { rows } = await sql.query<{ history_id: number }>(`SELECT history_id FROM outbox_cursors WHERE host = $1 FOR UPDATE`, [host]);
  return rows[0]!.history_id;
}

export async function readCursor(sql: Sql, host: string): Promise<number> {
  const { rows } = await sql.query<{ history_id: number }>(`SELECT history_id FROM outbox_cursors WHERE host = $1`, [host]);
  return rows[0]?.history_id ?? 0;
}

/** Of the till's jobs `originJobIds`, those already handed over to their homes. */
export async function handedOverAmong(sql: Sql, host: string, originJobIds: readonly number[]): Promise<number[]> {
  if (originJobIds.length === 0) return [];
  const { rows } = await sql.query<{ origin_job_id: number }>(`SELECT origin_job_id FROM outbox_jobs WHERE host = $1 AND origin_job_id = ANY($2::bigint[]) AND NOT mirrored`, [
    host,
    originJobIds,
  ]);
  return rows.map((row) => row.origin_job_id);
}

export async function forwardBatch(sql: Sql, batch: ForwardBatch): Promise<ForwardResult> {
  const cursor = await lockCursor(sql, batch.host, batch.now);
  if (cursor !== batch.after) return { applied: false, cursor };
  const known = await knownJobs(
    sql,
    batch.host,
    batch.jobs.map((job) => job.row.id),
  );
  const handedOver: HandedOver[] = [];
  const history: { fleetJobId: number; entry: HistoryEntry }[] = [];
  const ownPrinters = new Set<string>();
  let written = 0;
  for (const { row, history: rows } of batch.jobs) {
    const action = decideForward({ printer: row.printer, state: row.state as never }, known.get(row.id), batch.homes, batch.host);
    if (action === 'already-handed-over') continue;
    const applied = await applyJob(sql, batch, row, action, known.get(row.id));
    written++;
    for (const entry of rows) history.push({ fleetJobId: applied.fleetJobId, entry });
    if (applied.note)
      history.push({ fleetJobId: applied.fleetJobId, entry: { ...rows[rows.length - 1]!, at: batch.now, message: applied.note, fromState: null, toState: 'queued' } });
    if (action === 'hand-over' || action === 'hand-over-mirror') {
      handedOver.push({ originJobId: row.id, fleetJobId: applied.fleetJobId, home: homeOf(row.printer, batch.homes, batch.host), created: applied.created });
    } else if (homeOf(row.printer, batch.homes, batch.host) === batch.host) {
      ownPrinters.add(row.printer);
    }
  }
  await insertHistory(sql, batch.host, history);
  const leaseRefused = await leaseOwnPrinters(sql, batch, [...ownPrinters]);
  await sql.query(`UPDATE outbox_cursors SET history_id = $2, updated_at = $3 WHERE host = $1`, [batch.host, batch.last, batch.now]);
  return { applied: true, cursor: batch.last, jobs: written, rows: history.length, handedOver, leaseRefused };
}

async function knownJobs(sql: Sql, host: string, originJobIds: number[]): Promise<Map<number, ForwardedJob>> {
  const { rows } = await sql.query<{ origin_job_id: number; job_id: number; mirrored: boolean }>(
    `SELECT origin_job_id, job_id, mirrored FROM outbox_jobs WHERE host = $1 AND origin_job_id = ANY($2::bigint[])`,
    [host, originJobIds],
  );
  return new Map(rows.map((row) => [row.origin_job_id, { jobId: row.job_id, mirrored: row.mirrored }]));
}

const JOB_COLUMNS = `transaction_id, printer, kind, document, warnings, state, attempts, failures, marked, must_mark, maybe_printed, copy,
  next_attempt_at, last_error_code, last_error_message, guarantee, printed_on, created_at, updated_at, printed_at, purged_at`;

function jobValues(row: OutboxJobRow): unknown[] {
  return [
    row.transaction_id,
    row.printer,
    row.kind,
    row.document,
    row.warnings,
    row.state,
    row.attempts,
    row.failures,
    Boolean(row.marked),
    Boolean(row.must_mark),
    row.maybe_printed,
    row.copy,
    row.next_attempt_at,
    row.last_error_code,
    row.last_error_message,
    row.guarantee,
    row.printed_on,
    row.created_at,
    row.updated_at,
    row.printed_at,
    row.purged_at,
  ];
}

/** The till's row as the fleet should hold it: as it is (mirror), or queued for its home now (hand-over). */
function fleetRow(row: OutboxJobRow, action: ForwardAction, now: number): OutboxJobRow {
  if (action !== 'hand-over' && action !== 'hand-over-mirror') return row;
  const mustMark = handOverMustMark({ mustMark: Boolean(row.must_mark), state: row.state as never });
  return { ...row, state: 'queued', must_mark: mustMark, failures: 0, next_attempt_at: now, updated_at: now, printed_at: null };
}

async function applyJob(
  sql: Sql,
  batch: ForwardBatch,
  row: OutboxJobRow,
  action: ForwardAction,
  known: ForwardedJob | undefined,
): Promise<{ fleetJobId: number; created: boolean; note?: string }> {
  const wanted = fleetRow(row, action, batch.now);
  const mirrored = action === 'insert-mirror' || action === 'update-mirror';
  const home = homeOf(row.printer, batch.homes, batch.host);
  const forwardedNote = `forwarded to its home ${home}`;
  if (known) {
    const sets = JOB_COLUMNS.split(',')
      .map((column, i) => `${column.trim()} = $${i + 2}`)
      .join(', ');
    await sql.query(`UPDATE jobs SET ${sets} WHERE id = $1`, [known.jobId, ...jobValues(wanted)]);
    if (!mirrored) await sql.query(`UPDATE outbox_jobs SET mirrored = false WHERE host = $1 AND origin_job_id = $2`, [batch.host, row.id]);
    return { fleetJobId: known.jobId, created: true, ...(mirrored ? {} : { note: forwardedNote }) };
  }
  const placeholders = jobValues(wanted)
    .map((_, i) => `$${i + 1}`)
    .join(', ');
  const inserted = await sql.query<{ id: number }>(
    `INSERT INTO jobs (${JOB_COLUMNS}) VALUES (${placeholders}) ON CONFLICT (transaction_id) WHERE kind = 'original' DO NOTHING RETURNING id`,
    jobValues(wanted),
  );
  let fleetJobId = inserted.rows[0]?.id;
  const created = fleetJobId !== undefined;
  if (fleetJobId === undefined) {
    // The fleet has this transaction already (submitted on another host): it keeps its job, which
    // the till's rows join; nothing new is queued, so nothing prints twice.
    const existing = await sql.query<{ id: number }>(`SELECT id FROM jobs WHERE transaction_id = $1 AND kind = 'original'`, [row.transaction_id]);
    fleetJobId = existing.rows[0]!.id;
  }
  await sql.query(`INSERT INTO outbox_jobs (host, origin_job_id, job_id, mirrored) VALUES ($1, $2, $3, $4)`, [batch.host, row.id, fleetJobId, mirrored && created]);
  if (!created) return { fleetJobId, created, note: `submitted here too (job ${row.id}); the fleet keeps its own job` };
  return { fleetJobId, created, ...(mirrored ? {} : { note: forwardedNote }) };
}

/** The till's history rows (and its notes), in order, each naming the till it happened on. */
async function insertHistory(sql: Sql, host: string, rows: { fleetJobId: number; entry: HistoryEntry }[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (row: { fleetJobId: number; entry: HistoryEntry }) => T): T[] => rows.map(pick);
  await sql.query(
    `INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message)
     SELECT job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[])
       WITH ORDINALITY AS r(job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message, n)
     ORDER BY n`,
    [
      column((r) => r.fleetJobId),
      column((r) => r.entry.transactionId),
      column((r) => r.entry.at),
      column((r) => r.entry.fromState),
      column((r) => r.entry.toState),
      column((r) => r.entry.attempt),
      column((r) => r.entry.bytesSent),
      column((r) => r.entry.guarantee),
      column((r) => r.entry.errorCode),
      column((r) => `on ${host}${r.entry.message ? `: ${r.entry.message}` : ''}`),
    ],
  );
}

/**
 * The till's own printers are leased to it in the fleet: no print server's worker can claim their
 * jobs (mirrors the till prints itself). Returns the printers another live holder has.
 */
async function leaseOwnPrinters(sql: Sql, batch: ForwardBatch, printers: string[]): Promise<string[]> {
  if (printers.length === 0) return [];
  const holder = homeLeaseHolder(batch.host);
  // Lease times are the database's, as for every worker's lease: a till's clock may be off.
  const serverNow = leaseNowSql('database');
  const { rows } = await sql.query<{ printer: string }>(
    `INSERT INTO leases (printer, holder, expires_at, host, pid) SELECT unnest($1::text[]), $2, ${serverNow} + $3, $4, $5
     ON CONFLICT (printer) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, host = EXCLUDED.host, pid = EXCLUDED.pid
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= ${serverNow}
     RETURNING printer`,
    [printers, holder, batch.homeLeaseMs, batch.host, batch.pid],
  );
  const leased = new Set(rows.map((row) => row.printer));
  return printers.filter((printer) => !leased.has(printer));
}
