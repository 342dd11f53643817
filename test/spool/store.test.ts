import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CardDataError, DocumentPurgedError, InvalidDocumentError, UnknownTransactionError } from '../../src/errors.js';
import { systemClock } from '../../src/clock.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { latestVersion } from '../../src/spool/sqlite/migrations.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import { receipt, tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');

let dir: string;
let spool: Spool;
let now = 1_000_000;
/** Only `now` is driven: these tests run no worker, so no timer is set. */
const clock = { ...systemClock, now: () => now };

beforeEach(() => {
  dir = tempDir();
  now = 1_000_000;
  spool = openSpool({ path: path.join(dir, 'spool.db'), clock });
});

afterEach(async () => {
  await spool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('submit', () => {
  it('stores the validated document and returns the queued job', async () => {
    const { job, created, documentDiffers } = await spool.submit(receipt('T-1', 'front'));
    expect(created).toBe(true);
    expect(documentDiffers).toBe(false);
    expect(job).toMatchObject({ transactionId: 'T-1', printer: 'front', state: 'queued', kind: 'original', attempts: 0 });
    expect(job.document?.content[0]).toBe('Coffee 3.50');
    expect((await spool.history('T-1')).map((h) => h.toState)).toEqual(['queued']);
  });

  it('uses the printer "default" when the document names none', async () => {
    expect((await spool.submit(receipt('T-2'))).job.printer).toBe('default');
  });

  it('returns the existing job for a repeated transaction id and says when the document differs', async () => {
    const first = await spool.submit(receipt('T-3', 'front', ['A']));
    const same = await spool.submit(receipt('T-3', 'front', ['A']));
    const other = await spool.submit(receipt('T-3', 'back', ['B']));
    expect(same).toMatchObject({ created: false, documentDiffers: false });
    expect(other).toMatchObject({ created: false, documentDiffers: true });
    expect(other.job.id).toBe(first.job.id);
    expect(other.job.printer).toBe('front');
    expect(await spool.list()).toHaveLength(1);
  });

  it('refuses what is not a receipt (no transactionId, no content) and stores nothing', async () => {
    await expect(spool.submit({ content: ['x'] })).rejects.toBeInstanceOf(InvalidDocumentError);
    await expect(spool.submit({ transactionId: 'T-4' })).rejects.toBeInstanceOf(InvalidDocumentError);
    expect(await spool.list()).toEqual([]);
  });

  it('a bad block degrades with a warning stored on the job and in its history; strict refuses it and stores nothing', async () => {
    await expect(spool.submit({ transactionId: 'T-4', content: [{ qr: 5 }] }, { strict: true })).rejects.toBeInstanceOf(InvalidDocumentError);
    expect(await spool.list()).toEqual([]);
    const result = await spool.submit({ transactionId: 'T-4', content: [{ qr: 5 }] });
    expect(result.warnings.map((w) => w.path)).toEqual(['content[0].qr']);
    expect((await spool.get('T-4'))?.warnings).toEqual(result.warnings);
    expect((await spool.history('T-4'))[0]?.message).toBe(`submitted with 1 warning: ${result.warnings[0]!.code} at content[0].qr`);
  });

  it('masks full card numbers unless the spool allows them; strict refuses them with CardDataError', async () => {
    const doc = receipt('T-5', undefined, ['Card 4111 1111 1111 1111']);
    await expect(spool.submit(doc, { strict: true })).rejects.toBeInstanceOf(CardDataError);
    expect(await spool.get('T-5')).toBeUndefined();
    const masked = await spool.submit(doc);
    expect(masked.warnings.map((w) => [w.code, w.path])).toEqual([['CARD_NUMBER_MASKED', 'content[0]']]);
    expect(masked.job.document?.content).toContain('Card 4111 11** **** 1111');
    const allowed = await spool.submit(receipt('T-5b', undefined, ['Card 4111 1111 1111 1111']), { allowCardNumbers: true });
    expect(allowed.job.document?.content).toContain('Card 4111 1111 1111 1111');
    expect(allowed.warnings).toEqual([]);
  });

  it('emits queued for new jobs only', async () => {
    const queued: string[] = [];
    spool.on('queued', (job) => queued.push(job.transactionId));
    await spool.submit(receipt('T-6'));
    await spool.submit(receipt('T-6'));
    expect(queued).toEqual(['T-6']);
  });
});

describe('read API, reprint, retry and purge', () => {
  it('lists by state, printer, since and limit', async () => {
    await spool.submit(receipt('A', 'front'));
    now += 10;
    await spool.submit(receipt('B', 'back'));
    now += 10;
    await spool.submit(receipt('C', 'front'));
    expect((await spool.list({ printer: 'front' })).map((j) => j.transactionId)).toEqual(['A', 'C']);
    expect((await spool.list({ since: 1_000_010 })).map((j) => j.transactionId)).toEqual(['B', 'C']);
    expect((await spool.list({ limit: 1 })).map((j) => j.transactionId)).toEqual(['A']);
    expect(await spool.list({ state: 'printed' })).toEqual([]);
    expect(await spool.list({ state: ['queued', 'printed'] })).toHaveLength(3);
  });

  it('queues a marked reprint copy and records who, why and when', async () => {
    await spool.submit(receipt('R-1', 'front'));
    now += 5;
    const copy = await spool.reprint('R-1', { by: 'alice', reason: 'customer asked' });
    expect(copy).toMatchObject({ kind: 'reprint', transactionId: 'R-1', printer: 'front', mustMark: true, state: 'queued' });
    expect(await spool.reprints('R-1')).toEqual([{ transactionId: 'R-1', by: 'alice', reason: 'customer asked', at: 1_000_005, copyJobId: copy.id }]);
    expect((await spool.get('R-1'))?.kind).toBe('original');
    await expect(spool.reprint('nope', { by: 'a', reason: 'b' })).rejects.toBeInstanceOf(UnknownTransactionError);
  });

  it('retry of an unknown transaction is an error', async () => {
    await expect(spool.retry('missing')).rejects.toBeInstanceOf(UnknownTransactionError);
    await spool.submit(receipt('Q-1'));
    expect(await spool.retry('Q-1')).toEqual([]); // nothing gave up
  });

  it('purge drops old printed documents but keeps the job, its history and the reprint audit', async () => {
    const db = new Database(spool.path);
    await spool.submit(receipt('P-1'));
    await spool.reprint('P-1', { by: 'bob', reason: 'jam' });
    await spool.submit(receipt('P-2'));
    // Mark P-1's jobs printed 40 days ago and P-2 yesterday, as a worker would have.
    const day = 24 * 60 * 60 * 1000;
    db.prepare(`UPDATE jobs SET state = 'printed', printed_at = ? WHERE transaction_id = 'P-1'`).run(now - 40 * day);
    db.prepare(`UPDATE jobs SET state = 'printed', printed_at = ? WHERE transaction_id = 'P-2'`).run(now - day);
    db.close();

    expect(await spool.purge()).toBe(2);
    const purged = await spool.get('P-1');
    expect(purged).toMatchObject({ document: null, purgedAt: now });
    expect((await spool.get('P-2'))?.document).not.toBeNull();
    expect(await spool.reprints('P-1')).toHaveLength(1);
    expect((await spool.history('P-1')).length).toBeGreaterThan(0);
    await expect(spool.reprint('P-1', { by: 'x', reason: 'y' })).rejects.toBeInstanceOf(DocumentPurgedError);
    // Still idempotent after the purge: the transaction is known and is not printed again.
    expect((await spool.submit(receipt('P-1'))).created).toBe(false);
    expect(await spool.purge({ olderThanMs: 0 })).toBe(1);
  });
});

describe('store file', () => {
  it('creates the database, -wal and -shm with mode 0600 and WAL + synchronous=FULL', async () => {
    await spool.submit(receipt('M-1'));
    for (const suffix of ['', '-wal', '-shm']) {
      const mode = fs.statSync(spool.path + suffix).mode & 0o777;
      expect({ suffix, mode: mode.toString(8) }).toEqual({ suffix, mode: '600' });
    }
    const db = new Database(spool.path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    db.close();
  });

  it('only informational writes (confirming, health) commit without fsync; every other commit stays synchronous=FULL', async () => {
    const store = new SqliteStore(path.join(dir, 'sync.db'));
    const levels: string[] = [];
    const original = Database.prototype.pragma;
    const pragma = vi.spyOn(Database.prototype, 'pragma').mockImplementation(function (this: InstanceType<typeof Database>, source: string, options?: { simple?: boolean }) {
      if (source.startsWith('synchronous')) levels.push(source.replace(/\s+/g, ''));
      return original.call(this, source, options);
    });
    try {
      await store.insertJob({ transactionId: 'Y-1', printer: 'p', document: receipt('Y-1'), kind: 'original' }, 1);
      await store.acquireLease('p', 'me', 10_000, 1);
      const job = (await store.claimJob({ printer: 'p', holder: 'me', includeAttention: false }, 2))!;
      expect(levels).toEqual([]);
      await store.markConfirming({ jobId: job.id, attempt: job.attempts }, 10, 3);
      expect(levels).toEqual(['synchronous=NORMAL', 'synchronous=FULL']);
      await store.completeJob({ jobId: job.id, attempt: job.attempts }, { guarantee: 'printed', bytesSent: 10, printedOn: 'p' }, 4);
      expect(levels).toHaveLength(2);
      expect((await store.history('Y-1')).map((h) => h.toState)).toEqual(['queued', 'sending', 'confirming', 'printed']);
    } finally {
      pragma.mockRestore();
      store.close();
    }
  });

  it("two spools on one file see each other's jobs (several POS processes share a store)", async () => {
    const other = openSpool({ path: spool.path });
    try {
      await other.submit(receipt('S-1'));
      expect((await spool.get('S-1'))?.transactionId).toBe('S-1');
      expect((await spool.submit(receipt('S-1'))).created).toBe(false);
    } finally {
      await other.close();
    }
  });
});
