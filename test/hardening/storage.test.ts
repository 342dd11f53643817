/**
 * Storage faults end to end, beyond test/spool/faults.test.ts (which covers disk full at submit,
 * read-only directory at open, corrupt file, newer schema, locked store for submit and worker,
 * and a store deleted under a worker): a store that fills up (SQLite max_page_count) while a
 * worker runs: submit rejects what it cannot persist, the worker reports StoreFullError and keeps
 * running, and once space is freed (purge) every stored job prints and submits work again.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreFullError } from '../../src/errors.js';
import { openSpool } from '../../src/spool/spool.js';
import { eventually, FakeLink, receipt, testRender } from '../spool/helpers.js';
import { tempDir } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

describe('disk full with a running worker', () => {
  // Clearing documents frees no SQLite page by itself: purge compacts the store (VACUUM), and the
  // worker, which kept the confirmed job in memory, records it and carries on without reprinting.
  it('rejected submits are not stored; the worker survives the full store and, after a purge, prints every stored job and new ones', async () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const spool = openSpool({ path: join(dir, 'spool.db'), maxSizeBytes: 160 * 1024 });
    cleanups.push(() => spool.close({ timeoutMs: 2000 }));
    const storeErrors: Error[] = [];
    spool.on('store-error', (error) => storeErrors.push(error));
    const link = new FakeLink();
    spool.createWorker({ printer: 'default', link, render: testRender, pollMs: 20, statusPollMs: 1000 }).start();

    const big = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    const stored: string[] = [];
    const rejected: string[] = [];
    for (let i = 0; i < 500 && rejected.length < 3; i++) {
      const id = `FULL-${i}`;
      try {
        await spool.submit(receipt(id, undefined, big));
        stored.push(id);
      } catch (error) {
        expect(error).toBeInstanceOf(StoreFullError);
        rejected.push(id);
      }
    }
    expect(rejected.length).toBe(3);
    for (const id of rejected) expect(await spool.get(id)).toBeUndefined();

    // A full store also stops the worker from recording progress (claims, history): it reports
    // StoreFullError and keeps running. Freeing space (purging printed documents) lets it resume.
    await eventually(() => storeErrors.length > 0, 30_000);
    for (const error of storeErrors) expect(error).toBeInstanceOf(StoreFullError);
    await spool.purge({ olderThanMs: 0 });
    await eventually(async () => (await spool.list({ state: 'printed' })).length === stored.length, 30_000);
    // No acknowledged job lost; every one on paper, at most one unmarked copy each.
    for (const id of stored) {
      const copies = link.paper.filter((p) => p.transactionId === id);
      expect({ id, atLeastOne: copies.length >= 1, unmarked: copies.filter((p) => !p.mark).length <= 1 }).toEqual({ id, atLeastOne: true, unmarked: true });
    }
    expect(new Set(link.paper.map((p) => p.transactionId))).toEqual(new Set(stored));
    // The job whose completion the full store refused was recorded later, not printed again.
    expect(link.paper).toHaveLength(stored.length);

    await spool.purge({ olderThanMs: 0 });
    const again = await spool.submit(receipt('AFTER-FULL', undefined, big));
    expect(again.created).toBe(true);
    await eventually(async () => (await spool.get('AFTER-FULL'))?.state === 'printed', 30_000);
    expect(link.paper.at(-1)?.transactionId).toBe('AFTER-FULL');
  });
});
