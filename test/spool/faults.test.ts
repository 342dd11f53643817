import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreCorruptError, StoreError, StoreFullError, StoreLockedError, StoreMissingError } from '../../src/errors.js';
import { openSpool } from '../../src/spool/spool.js';
import { latestVersion } from '../../src/spool/sqlite/migrations.js';
import { backoffDelay, DEFAULT_RETRY, failureAction } from '../../src/spool/retry-policy.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';
import { killChildren, startChild } from './processes.js';
import { unprivilegedUser } from '../support/requirements.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = tempDir();
  dbPath = path.join(dir, 'spool.db');
});

afterEach(async () => {
  await killChildren();
  fs.chmodSync(dir, 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('storage faults', () => {
  it('disk full: submit rejects with StoreFullError naming the path; stored jobs stay', async () => {
    const spool = openSpool({ path: dbPath, maxSizeBytes: 160 * 1024 });
    const big = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const stored: string[] = [];
    let error: unknown;
    for (let i = 0; i < 500 && !error; i++) {
      try {
        await spool.submit(receipt(`F-${i}`, undefined, big));
        stored.push(`F-${i}`);
      } catch (caught) {
        error = caught;
      }
    }
    expect(error).toBeInstanceOf(StoreFullError);
    expect((error as StoreFullError).path).toBe(dbPath);
    expect(await spool.get(`F-${stored.length}`)).toBeUndefined();
    expect((await spool.list()).map((j) => j.transactionId)).toEqual(stored);
    await spool.close();
  });

  it.skipIf(!unprivilegedUser.available)('read-only directory: opening a new store fails with STORE_READONLY', async () => {
    fs.chmodSync(dir, 0o555);
    // Root ignores permissions: the attempt runs as an unprivileged user then.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const child = startChild(['open', dbPath], {}, asNobody);
    await child.exited;
    expect(child.lines).toEqual(['STORE_READONLY']);
  });

  it('corrupt file: StoreCorruptError', () => {
    fs.writeFileSync(dbPath, Buffer.alloc(8192, 0x5a), { mode: 0o600 });
    expect(() => openSpool({ path: dbPath })).toThrow(StoreCorruptError);
  });

  it('newer schema than this version knows: a StoreError, file untouched', () => {
    const db = new Database(dbPath);
    db.pragma(`user_version = ${latestVersion + 1}`);
    db.close();
    expect(() => openSpool({ path: dbPath })).toThrow(/newer than this receipt-spool supports/);
  });

  it('locked by another process: StoreLockedError, then works once the lock is gone', async () => {
    const spool = openSpool({ path: dbPath, busyTimeoutMs: 100 });
    const locker = startChild(['lock', dbPath]);
    await locker.line((l) => l === 'locked');
    await expect(spool.submit(receipt('LK-1'))).rejects.toBeInstanceOf(StoreLockedError);
    locker.process.stdin!.end();
    await locker.exited;
    expect((await spool.submit(receipt('LK-1'))).created).toBe(true);
    await spool.close();
  });

  it('the worker keeps running through a locked store and prints once it is usable', async () => {
    const spool = openSpool({ path: dbPath, busyTimeoutMs: 50 });
    const errors: Error[] = [];
    spool.on('store-error', (error) => errors.push(error));
    const link = new FakeLink();
    spool.createWorker({ printer: 'default', link, render: testRender, pollMs: 50, statusPollMs: 50 }).start();
    await spool.submit(receipt('W-0'));
    await eventually(async () => (await spool.get('W-0'))?.state === 'printed');
    const locker = startChild(['lock', dbPath]);
    await locker.line((l) => l === 'locked');
    await eventually(() => errors.some((e) => e instanceof StoreLockedError));
    locker.process.stdin!.end();
    await locker.exited;
    await spool.submit(receipt('W-1'));
    await eventually(async () => (await spool.get('W-1'))?.state === 'printed');
    expect(link.paper.map((p) => p.transactionId)).toEqual(['W-0', 'W-1']);
    await spool.close();
  });

  it('a store deleted under a running worker is reported, and submit refuses instead of writing into the void', async () => {
    const spool = openSpool({ path: dbPath });
    spool.createWorker({ printer: 'default', link: new FakeLink(), render: testRender, pollMs: 20, statusPollMs: 1000 }).start();
    const reported = waitFor<Error>(spool, 'store-error');
    fs.unlinkSync(dbPath);
    expect(await reported).toBeInstanceOf(StoreMissingError);
    const rejected = await spool.submit(receipt('GONE')).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(StoreMissingError);
    expect((rejected as StoreError).path).toBe(dbPath);
    await spool.close({ timeoutMs: 1000 });
  });
});

describe('migrations', () => {
  // Version 1 exactly as released: never edit this copy.
  const v1 = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, transaction_id TEXT NOT NULL, printer TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'reprint')), document TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'confirming', 'printed', 'retrying', 'needs-attention', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0, marked INTEGER NOT NULL DEFAULT 0,
  must_mark INTEGER NOT NULL DEFAULT 0, maybe_printed INTEGER NOT NULL DEFAULT 0, copy INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER, last_error_code TEXT, last_error_message TEXT, guarantee TEXT, printed_on TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, printed_at INTEGER,
  is_open INTEGER GENERATED ALWAYS AS (state NOT IN ('printed', 'failed')) VIRTUAL
);
CREATE UNIQUE INDEX jobs_transaction ON jobs(transaction_id) WHERE kind = 'original';
CREATE INDEX jobs_copies ON jobs(transaction_id);
CREATE INDEX jobs_open ON jobs(printer, id) WHERE is_open;
CREATE INDEX jobs_state ON jobs(state, created_at);
CREATE TABLE job_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL, transaction_id TEXT NOT NULL, at INTEGER NOT NULL,
  from_state TEXT, to_state TEXT NOT NULL, attempt INTEGER NOT NULL, bytes_sent INTEGER, guarantee TEXT,
  error_code TEXT, message TEXT
);
CREATE INDEX job_history_transaction ON job_history(transaction_id, id);
CREATE TABLE reprints (
  id INTEGER PRIMARY KEY AUTOINCREMENT, transaction_id TEXT NOT NULL, requested_by TEXT NOT NULL,
  reason TEXT NOT NULL, at INTEGER NOT NULL, copy_job_id INTEGER
);
CREATE INDEX reprints_transaction ON reprints(transaction_id, id);
PRAGMA user_version = 1;`;

  it('upgrades a version-1 store in place and prints what it held', async () => {
    const db = new Database(dbPath);
    db.exec(v1);
    db.prepare(`INSERT INTO jobs (transaction_id, printer, document, created_at, updated_at) VALUES (?, 'default', ?, 1, 1)`).run('OLD-1', JSON.stringify(receipt('OLD-1')));
    db.close();

    const spool = openSpool({ path: dbPath });
    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE name IN ('leases', 'printer_health') ORDER BY name`).pluck().all()).toEqual(['leases', 'printer_health']);
    check.close();
    expect(await spool.get('OLD-1')).toMatchObject({ state: 'queued', purgedAt: null, warnings: [] });
    const link = new FakeLink();
    spool.createWorker({ printer: 'default', link, render: testRender }).start();
    await eventually(async () => (await spool.get('OLD-1'))?.state === 'printed');
    expect(link.paper.map((p) => p.transactionId)).toEqual(['OLD-1']);
    await spool.close();
  });
});

describe('retry policy', () => {
  it('grows exponentially, stays within the jitter bounds and the cap', () => {
    const options = { ...DEFAULT_RETRY, initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.2 };
    for (const [failure, base] of [
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
      [5, 1000],
      [9, 1000],
    ] as const) {
      expect(backoffDelay(failure, options, () => 0.5)).toBe(base);
      expect(backoffDelay(failure, options, () => 0)).toBe(Math.round(base * 0.8));
      expect(backoffDelay(failure, options, () => 0.999_999)).toBe(Math.min(1000, Math.round(base * 1.2)));
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(failure, options);
        expect(delay).toBeGreaterThanOrEqual(Math.round(base * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.min(1000, Math.round(base * 1.2)));
      }
    }
  });

  it('is a table keyed by error code', () => {
    expect(failureAction({ code: 'PAPER_END' })).toEqual({ action: 'wait-for-recovery' });
    expect(failureAction({ code: 'DISCONNECTED' })).toEqual({ action: 'backoff', countsTowardGiveUp: false });
    expect(failureAction({ code: 'CONFIRM_TIMEOUT' })).toEqual({ action: 'backoff', countsTowardGiveUp: true });
    expect(failureAction({ code: 'ONE_WAY' })).toEqual({ action: 'backoff', countsTowardGiveUp: true });
    expect(failureAction({ code: 'RENDER_FAILED' })).toEqual({ action: 'give-up' });
    expect(failureAction(new Error('boom'))).toEqual({ action: 'backoff', countsTowardGiveUp: true });
  });
});
