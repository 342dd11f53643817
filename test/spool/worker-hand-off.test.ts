/**
 * A submit claims the job for an idle worker of its process in the insert's own commit (one fsync
 * before the first byte instead of two). The worker must take exactly what was claimed for it,
 * print it once and unmarked, and never mistake it for an attempt whose outcome was lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/spool.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import type { Job } from '../../src/spool/types.js';
import { handOffFrom, type Worker } from '../../src/spool/worker.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';

let dir: string;
let store: SqliteStore;
let spool: Spool;
/** What each submit's combined insert-and-claim took, in order. */
let claimedAtSubmit: (string | undefined)[];

beforeEach(() => {
  dir = tempDir();
  store = new SqliteStore(path.join(dir, 'spool.db'));
  const insertAndClaim = store.insertAndClaim;
  claimedAtSubmit = [];
  store.insertAndClaim = async (...args) => {
    const result = await insertAndClaim(...args);
    claimedAtSubmit.push(result.claimed?.transactionId);
    return result;
  };
  spool = new Spool(store);
});

afterEach(async () => {
  await spool.close({ timeoutMs: 2000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A worker that, once idle, sleeps until woken (no poll or status timer ends its sleep). */
function idleWorker(link: FakeLink): Worker {
  return spool.createWorker({ printer: 'front', link, render: testRender, pollMs: 60_000, statusPollMs: 60_000 }).start();
}

/** Resolves once the worker sleeps idle and would take a hand-off (the probe's offer is withdrawn). */
async function asleep(worker: Worker): Promise<void> {
  await eventually(() => {
    const probe = handOffFrom(worker);
    probe?.deliver(undefined);
    return probe !== undefined;
  });
}

async function printed(count: number): Promise<Job[]> {
  await eventually(async () => (await spool.list({ state: 'printed' })).length >= count);
  return spool.list({ state: 'printed' });
}

describe('submit hands its job to an idle worker', () => {
  it('claims it in the submit commit; the worker prints it once, unmarked, without claiming it again', async () => {
    const link = new FakeLink();
    const worker = idleWorker(link);
    await asleep(worker);
    const claims: (string | undefined)[] = [];
    const claimJob = store.claimJob;
    store.claimJob = async (...args) => {
      const job = await claimJob(...args);
      claims.push(job?.transactionId);
      return job;
    };
    const { job } = await spool.submit(receipt('T-1', 'front'));
    expect(job.state).toBe('queued');
    await printed(1);
    expect(claimedAtSubmit).toEqual(['T-1']);
    expect(claims).not.toContain('T-1');
    expect(link.paper).toEqual([{ transactionId: 'T-1', mark: undefined }]);
    const history = await spool.history('T-1');
    expect(history.map((entry) => entry.toState)).toEqual(['queued', 'sending', 'confirming', 'printed']);
    expect(history[1]).toMatchObject({ at: history[0]!.at, message: `claimed by ${worker.holderId}` });
  });

  it('submits arriving together each print once, unmarked, in submit order', async () => {
    const link = new FakeLink();
    const worker = idleWorker(link);
    const transactions: string[] = [];
    for (let round = 0; round < 5; round++) {
      await asleep(worker);
      const batch = [0, 1, 2].map((i) => `R${round}-${i}`);
      transactions.push(...batch);
      await Promise.all(batch.map((txn) => spool.submit(receipt(txn, 'front'))));
      await printed(transactions.length);
    }
    expect(link.paper.map((p) => p.transactionId)).toEqual(transactions);
    expect(link.paper.every((p) => p.mark === undefined)).toBe(true);
    // Each round's first submit found the worker asleep and claimed its job; the others queued behind it.
    expect(claimedAtSubmit.filter((txn) => txn !== undefined)).toEqual(transactions.filter((txn) => txn.endsWith('-0')));
    for (const txn of transactions) expect((await spool.history(txn)).some((entry) => entry.errorCode !== null)).toBe(false);
  });

  it('a worker stopped while the claim is on its way gives the job back unsent; the next worker prints it unmarked', async () => {
    const link = new FakeLink();
    const worker = idleWorker(link);
    await asleep(worker);
    const insertAndClaim = store.insertAndClaim;
    let stopped: Promise<void> | undefined;
    store.insertAndClaim = async (...args) => {
      const result = await insertAndClaim(...args);
      stopped = worker.stop(); // after the commit, before the worker has the job
      return result;
    };
    await spool.submit(receipt('T-1', 'front'));
    await stopped;
    expect(claimedAtSubmit).toEqual(['T-1']);
    expect(link.paper).toEqual([]);
    expect(await spool.get('T-1')).toMatchObject({ state: 'queued', mustMark: false });
    expect((await spool.history('T-1')).at(-1)).toMatchObject({ fromState: 'sending', toState: 'queued', message: 'returned unsent' });

    const next = new FakeLink();
    spool.createWorker({ printer: 'front', link: next, render: testRender }).start();
    await waitFor<Job>(spool, 'printed', (job) => job.transactionId === 'T-1');
    expect(next.paper).toEqual([{ transactionId: 'T-1', mark: undefined }]);
  });

  describe('with a store that answers late (as PostgreSQL does, over the network)', () => {
    const late =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return fn(...args);
      };

    it('a submit committing while the worker claims: the worker takes the hand-off instead of judging the job lost', async () => {
      const link = new FakeLink();
      const worker = idleWorker(link);
      await asleep(worker);
      store.claimJob = late(store.claimJob);
      worker.wake(); // the worker's own claim is now on its way, and answers after the submit's commit
      await spool.submit(receipt('T-1', 'front'));
      await printed(1);
      expect(claimedAtSubmit).toEqual(['T-1']);
      expect(link.paper).toEqual([{ transactionId: 'T-1', mark: undefined }]);
    });

    it('no hand-off while the worker reads its queue: the job is not mistaken for one whose outcome was lost', async () => {
      const link = new FakeLink();
      const worker = idleWorker(link);
      await asleep(worker);
      const headJob = late(store.headJob.bind(store));
      let readStarted!: () => void;
      const reading = new Promise<void>((resolve) => (readStarted = resolve));
      store.headJob = (printer: string) => {
        readStarted();
        return headJob(printer);
      };
      worker.wake();
      await reading; // #idle is reading the head (its answer comes in 30 ms)
      await spool.submit(receipt('T-1', 'front'));
      await printed(1);
      expect(claimedAtSubmit).toEqual([]);
      expect(link.paper).toEqual([{ transactionId: 'T-1', mark: undefined }]);
    });
  });
});
