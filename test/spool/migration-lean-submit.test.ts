/**
 * Migration 5 (the lean submit) rebuilds `jobs` and `job_history`: a version-4 store full of jobs
 * in every kind of state must come out with every row, column and id as it was, and keep working.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSpool } from '../../src/spool/spool.js';
import * as jobs from '../../src/spool/sqlite/jobs.js';
import { migrations } from '../../src/spool/sqlite/migrations.js';
import { receipt, tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
type Db = import('better-sqlite3').Database;

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = tempDir();
  dbPath = path.join(dir, 'spool.db');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A store at version 4 exactly as the released migrations 1–4 left it. */
function version4Store(): Db {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  for (const migration of migrations.filter((m) => m.version <= 4)) {
    db.exec(migration.sql);
    db.pragma(`user_version = ${migration.version}`);
  }
  return db;
}

const write = <T>(db: Db, fn: () => T): T => db.transaction(fn).immediate();

/** Jobs in many states through the store's own statements: printed, retrying, failed, cancelled, a copy, a purged document. */
function fillVersion4(db: Db): void {
  let now = 1_000;
  const submit = (txn: string, printer = 'front') =>
    write(db, () => jobs.insertJob(db, { transactionId: txn, printer, kind: 'original', document: receipt(txn, printer), warnings: [] }, now++));
  db.prepare(`INSERT INTO leases (printer, holder, expires_at, host, pid) VALUES ('front', 'w1', 1e12, 'till', 42)`).run();
  const claim = () => write(db, () => jobs.claimJob(db, { printer: 'front', holder: 'w1', includeAttention: false }, now++))!;
  const outcome = { guarantee: 'printed' as const, bytesSent: 120, printedOn: 'front' };
  const error = { code: 'PAPER_END' as const, message: 'paper out', mayHavePrinted: true };

  submit('A-1');
  const a1 = claim();
  write(db, () => jobs.markConfirming(db, { jobId: a1.id, attempt: 1 }, 120, now++));
  write(db, () => jobs.completeJob(db, { jobId: a1.id, attempt: 1 }, outcome, now++));
  write(db, () => jobs.insertReprint(db, 'A-1', { by: 'ana', reason: 'customer copy' }, now++));
  const copy = claim();
  write(db, () => jobs.completeJob(db, { jobId: copy.id, attempt: 1 }, outcome, now++));
  submit('B-2');
  const b2 = claim();
  write(db, () => jobs.retryJob(db, { jobId: b2.id, attempt: 1 }, error, { nextAttemptAt: 0, countsTowardGiveUp: true }, now++));
  const b2again = claim();
  write(db, () => jobs.failJob(db, { jobId: b2again.id, attempt: 2 }, error, now++));
  submit('C-3');
  write(db, () => jobs.cancelJobs(db, 'C-3', { by: 'ana', reason: 'void' }, now++));
  submit('D-4', 'back');
  write(db, () => jobs.purgeDocuments(db, now + 1, now++));
  submit('E-5');
}

const snapshot = (db: Db) => ({
  jobs: db.prepare(`SELECT * FROM jobs ORDER BY id`).all(),
  history: db.prepare(`SELECT * FROM job_history ORDER BY id`).all(),
  reprints: db.prepare(`SELECT * FROM reprints ORDER BY id`).all(),
  leases: db.prepare(`SELECT * FROM leases ORDER BY printer`).all(),
});

describe('migration 5 (lean submit)', () => {
  it('keeps every job, history row and id of a version-4 store, and the spool reads them back', async () => {
    const db = version4Store();
    fillVersion4(db);
    const before = snapshot(db);
    expect(before.jobs).toHaveLength(6);
    expect(before.history.length).toBeGreaterThan(10);
    db.close();

    const spool = openSpool({ path: dbPath });
    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(5);
    expect(snapshot(check)).toEqual(before);
    const schema = check.prepare(`SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('jobs', 'job_history') ORDER BY name`).all() as {
      name: string;
      sql: string;
    }[];
    expect(schema.map((entry) => entry.name)).toEqual(['job_history', 'job_history_transaction', 'jobs', 'jobs_open', 'jobs_reprints', 'jobs_state', 'jobs_transaction']);
    expect(schema.filter((entry) => /AUTOINCREMENT/i.test(entry.sql))).toEqual([]);
    check.close();

    // Read back through the spool: documents, warnings, states, the copy's audit, the purge.
    expect(await spool.get('A-1')).toMatchObject({ state: 'printed', document: null, printedOn: 'front', purgedAt: expect.any(Number) });
    expect(await spool.get('E-5')).toMatchObject({ state: 'queued', document: receipt('E-5', 'front'), purgedAt: null });
    expect(await spool.reprints('A-1')).toMatchObject([{ by: 'ana', reason: 'customer copy' }]);
    expect(await spool.get('B-2')).toMatchObject({ state: 'failed', attempts: 2, lastErrorCode: 'PAPER_END' });
    expect(await spool.get('C-3')).toMatchObject({ state: 'cancelled' });
    expect(await spool.get('D-4')).toMatchObject({ state: 'queued', printer: 'back' });
    expect((await spool.history('B-2')).map((entry) => entry.toState)).toEqual(['queued', 'sending', 'retrying', 'sending', 'failed']);
    expect((await spool.list({ state: 'failed' })).map((job) => job.transactionId)).toEqual(['B-2']);

    // New rows continue after the old ids (no AUTOINCREMENT: max + 1, and nothing is ever deleted).
    const { job } = await spool.submit(receipt('F-6', 'front'));
    const lastJobId = Math.max(...before.jobs.map((row) => (row as { id: number }).id));
    const lastHistoryId = Math.max(...before.history.map((row) => (row as { id: number }).id));
    expect(job.id).toBe(lastJobId + 1);
    expect((await spool.history('F-6'))[0]!.id).toBe(lastHistoryId + 1);
    // The same transaction again is still refused by the unique index the insert's upsert names.
    expect((await spool.submit(receipt('A-1', 'front'))).created).toBe(false);
    await spool.close();
  });

  it('finds every job of a transaction through the two partial indexes (no full scan)', async () => {
    version4Store().close();
    await openSpool({ path: dbPath }).close();
    const check = new Database(dbPath, { readonly: true });
    const plan = (sql: string) => (check.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ transactionId: 'T' }) as { detail: string }[]).map((row) => row.detail).join(' | ');
    const copies = plan(`SELECT coalesce(sum(maybe_printed), 0) FROM jobs WHERE ${jobs.OF_TRANSACTION}`);
    expect(copies).toContain('jobs_transaction');
    expect(copies).toContain('jobs_reprints');
    expect(copies).not.toMatch(/SCAN jobs/);
    check.close();
  });
});
