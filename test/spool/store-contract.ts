/**
 * The SpoolStore contract: what every store (SQLite, PostgreSQL) must do, run unchanged on each.
 * Time is a parameter (`now` on every call); the only wait is for `watch()`, which by definition
 * fires on another connection's commit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentPurgedError, JobBusyError, UnknownTransactionError } from '../../src/errors.js';
import { readyStatus } from '../../src/printer/status.js';
import type { DocumentWarning } from '../../src/document/warnings.js';
import type { AttemptError, SpoolStore } from '../../src/spool/store.js';
import type { Job } from '../../src/spool/types.js';
import { receipt } from './helpers.js';

export interface StoreUnderTest {
  store: SpoolStore;
  /** A second, independent connection to the same store (another process's view of it). */
  openAnother(): Promise<SpoolStore>;
  /** Closes what `openAnother` opened and removes the store. */
  teardown(): Promise<void>;
}

const T0 = 1_000_000;
const HOLDER = 'worker-a';
const TTL = 10_000;
const mayHavePrinted: AttemptError = { code: 'DISCONNECTED', message: 'link dropped', mayHavePrinted: true };
const printedNothing: AttemptError = { code: 'PAPER_END', message: 'paper out', mayHavePrinted: false };
const outcome = { guarantee: 'printed' as const, bytesSent: 120, printedOn: 'front' };
const claimFront = { printer: 'front', holder: HOLDER, includeAttention: false };

export function describeStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`SpoolStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: SpoolStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.teardown();
    });

    async function submit(transactionId: string, printer = 'front', now = T0): Promise<Job> {
      return (await store.insertJob({ transactionId, printer, document: receipt(transactionId, printer), kind: 'original' }, now)).job;
    }

    /** Submits and claims one job on `front` (the lease taken first). */
    async function claimed(transactionId: string, now = T0): Promise<Job> {
      await submit(transactionId, 'front', now);
      expect(await store.acquireLease('front', HOLDER, TTL, now)).toBe(true);
      const job = await store.claimJob(claimFront, now);
      expect(job?.transactionId).toBe(transactionId);
      return job!;
    }

    async function states(transactionId: string): Promise<string[]> {
      return (await store.history(transactionId)).map((h) => `${h.fromState ?? '-'}>${h.toState}#${h.attempt}`);
    }

    describe('insertJob', () => {
      it('stores a queued original with one history row', async () => {
        const { job, created } = await store.insertJob({ transactionId: 'T1', printer: 'front', document: receipt('T1', 'front'), kind: 'original' }, T0);
        expect(created).toBe(true);
        expect(job).toMatchObject({
          transactionId: 'T1',
          printer: 'front',
          kind: 'original',
          state: 'queued',
          attempts: 0,
          failures: 0,
          marked: false,
          mustMark: false,
          copy: 0,
          createdAt: T0,
          updatedAt: T0,
          printedAt: null,
          purgedAt: null,
        });
        expect(job.document).toEqual(receipt('T1', 'front'));
        expect(await store.getJob(job.id)).toEqual(job);
        expect(await store.history('T1')).toEqual([
          {
            id: expect.any(Number),
            jobId: job.id,
            transactionId: 'T1',
            at: T0,
            fromState: null,
            toState: 'queued',
            attempt: 0,
            bytesSent: null,
            guarantee: null,
            errorCode: null,
            message: 'submitted',
          },
        ]);
      });

      it('is idempotent by transaction id: the stored job comes back, nothing is added', async () => {
        const first = await submit('T1');
        const again = await store.insertJob({ transactionId: 'T1', printer: 'back', document: receipt('T1', 'back', ['other']), kind: 'original' }, T0 + 5);
        expect(again.created).toBe(false);
        expect(again.job).toEqual(first);
        expect(await store.listJobs({})).toHaveLength(1);
        expect(await states('T1')).toEqual(['->queued#0']);
      });
    });

    describe('warnings', () => {
      const warnings: DocumentWarning[] = [
        { code: 'CARD_NUMBER_MASKED', path: 'content[0]', message: 'a card number was masked' },
        { code: 'CARD_NUMBER_MASKED', path: '', message: 'another' },
      ];

      it('are stored with the job, read back everywhere, summarised in the history and copied to reprints', async () => {
        const { job } = await store.insertJob({ transactionId: 'W1', printer: 'front', document: receipt('W1', 'front'), kind: 'original', warnings }, T0);
        expect(job.warnings).toEqual(warnings);
        expect((await store.getJob(job.id))?.warnings).toEqual(warnings);
        expect((await store.findJob('W1'))?.warnings).toEqual(warnings);
        expect((await store.listJobs({}))[0]?.warnings).toEqual(warnings);
        expect((await store.history('W1'))[0]?.message).toBe('submitted with 2 warnings: CARD_NUMBER_MASKED at content[0], CARD_NUMBER_MASKED at (document)');
        await store.acquireLease('front', HOLDER, TTL, T0);
        expect((await store.claimJob(claimFront, T0))?.warnings).toEqual(warnings);
        const { job: copy } = await store.insertReprint('W1', { by: 'a', reason: 'b' }, T0 + 1);
        expect(copy.warnings).toEqual(warnings);
      });

      it('are an empty list when there are none', async () => {
        expect((await submit('W2')).warnings).toEqual([]);
        expect((await store.findJob('W2'))?.warnings).toEqual([]);
        expect((await store.insertJob({ transactionId: 'W3', printer: 'front', document: receipt('W3'), kind: 'original', warnings: [] }, T0)).job.warnings).toEqual([]);
      });
    });

    describe('reads', () => {
      it('finds, lists by state/printer/since/limit, and gives heads in submit order', async () => {
        const a = await submit('A', 'front', T0);
        const b = await submit('B', 'back', T0 + 10);
        const c = await submit('C', 'front', T0 + 20);
        expect((await store.findJob('B'))?.id).toBe(b.id);
        expect(await store.findJob('nope')).toBeUndefined();
        expect(await store.getJob(999_999)).toBeUndefined();
        const ids = (jobs: Job[]) => jobs.map((j) => j.transactionId);
        expect(ids(await store.listJobs({}))).toEqual(['A', 'B', 'C']);
        expect(ids(await store.listJobs({ printer: 'front' }))).toEqual(['A', 'C']);
        expect(ids(await store.listJobs({ since: T0 + 10 }))).toEqual(['B', 'C']);
        expect(ids(await store.listJobs({ limit: 2 }))).toEqual(['A', 'B']);
        expect(ids(await store.listJobs({ state: 'queued' }))).toEqual(['A', 'B', 'C']);
        expect(ids(await store.listJobs({ state: ['printed', 'failed'] }))).toEqual([]);
        expect(ids(await store.listJobs({ state: [] }))).toEqual([]);
        expect((await store.headJob('front'))?.id).toBe(a.id);
        expect((await store.jobAfter('front', a.id))?.id).toBe(c.id);
        expect(await store.jobAfter('front', c.id)).toBeUndefined();
        expect(await store.headJob('nowhere')).toBeUndefined();
      });
    });

    describe('leases', () => {
      it('refuses a second holder while live, renews for its holder, and is taken over once expired', async () => {
        expect(await store.acquireLease('front', 'a', TTL, T0)).toBe(true);
        expect(await store.acquireLease('front', 'b', TTL, T0 + 1)).toBe(false);
        expect(await store.acquireLease('front', 'a', TTL, T0 + 5_000)).toBe(true); // renewed to T0 + 15000
        expect(await store.acquireLease('front', 'b', TTL, T0 + TTL)).toBe(false);
        expect(await store.acquireLease('front', 'b', TTL, T0 + 15_000)).toBe(true); // expired: taken over
        expect(await store.acquireLease('front', 'a', TTL, T0 + 15_001)).toBe(false);
        expect(await store.acquireLease('back', 'a', TTL, T0 + 15_001)).toBe(true); // per printer
      });

      it('is released only by its holder', async () => {
        await store.acquireLease('front', 'a', TTL, T0);
        await store.releaseLease('front', 'b');
        expect(await store.acquireLease('front', 'b', TTL, T0 + 1)).toBe(false);
        await store.releaseLease('front', 'a');
        expect(await store.acquireLease('front', 'b', TTL, T0 + 1)).toBe(true);
      });

      it('is shared by every connection', async () => {
        const other = await subject.openAnother();
        expect(await store.acquireLease('front', 'a', TTL, T0)).toBe(true);
        expect(await other.acquireLease('front', 'b', TTL, T0 + 1)).toBe(false);
        expect(await other.acquireLease('front', 'b', TTL, T0 + TTL)).toBe(true);
      });
    });

    describe('claimJob', () => {
      it('takes the head for the lease holder: sending, attempt 1, unmarked copy 1, one history row', async () => {
        const job = await claimed('T1', T0);
        expect(job).toMatchObject({ state: 'sending', attempts: 1, marked: false, mustMark: true, copy: 1, nextAttemptAt: null, updatedAt: T0 });
        expect(await states('T1')).toEqual(['->queued#0', 'queued>sending#1']);
        expect((await store.history('T1'))[1]?.message).toContain(HOLDER);
      });

      it('needs a live lease held by the claimer', async () => {
        await submit('T1');
        expect(await store.claimJob(claimFront, T0)).toBeUndefined();
        await store.acquireLease('front', 'someone-else', TTL, T0);
        expect(await store.claimJob(claimFront, T0)).toBeUndefined();
        expect(await store.acquireLease('front', HOLDER, TTL, T0 + TTL)).toBe(true);
        expect(await store.claimJob(claimFront, T0 + 2 * TTL)).toBeUndefined(); // own lease expired
        expect((await store.findJob('T1'))?.state).toBe('queued');
      });

      it('keeps submit order: a waiting head blocks the jobs behind it', async () => {
        const first = await claimed('T1', T0);
        await submit('T2', 'front', T0);
        expect(await store.claimJob(claimFront, T0)).toBeUndefined(); // head is sending
        await store.retryJob({ jobId: first.id, attempt: 1 }, printedNothing, { nextAttemptAt: T0 + 500, countsTowardGiveUp: true }, T0 + 1);
        expect(await store.claimJob(claimFront, T0 + 499)).toBeUndefined(); // head not due yet
        expect((await store.claimJob(claimFront, T0 + 500))?.transactionId).toBe('T1');
      });

      it('takes a needs-attention head only when asked to', async () => {
        const job = await claimed('T1');
        await store.markNeedsAttention({ jobId: job.id, attempt: 1 }, printedNothing, T0 + 1);
        expect(await store.claimJob(claimFront, T0 + 2)).toBeUndefined();
        expect(await store.claimJob({ ...claimFront, includeAttention: true }, T0 + 2)).toMatchObject({ state: 'sending', attempts: 2, marked: false });
      });

      it('gives a job to one claimer only when two connections claim at once', async () => {
        const other = await subject.openAnother();
        await submit('T1');
        await store.acquireLease('front', HOLDER, TTL, T0);
        const results = await Promise.all([store.claimJob(claimFront, T0), other.claimJob(claimFront, T0)]);
        expect(results.filter((job) => job !== undefined)).toHaveLength(1);
        expect((await store.findJob('T1'))?.attempts).toBe(1);
      });
    });

    describe('finishing an attempt', () => {
      it('markConfirming records the bytes sent', async () => {
        const job = await claimed('T1');
        await store.markConfirming({ jobId: job.id, attempt: 1 }, 64, T0 + 1);
        expect((await store.getJob(job.id))?.state).toBe('confirming');
        expect((await store.history('T1')).at(-1)).toMatchObject({ fromState: 'sending', toState: 'confirming', bytesSent: 64, attempt: 1, at: T0 + 1 });
      });

      it('completeJob prints with guarantee, printer and time', async () => {
        const job = await claimed('T1');
        await store.markConfirming({ jobId: job.id, attempt: 1 }, 120, T0 + 1);
        const printed = await store.completeJob({ jobId: job.id, attempt: 1 }, outcome, T0 + 2);
        expect(printed).toMatchObject({ state: 'printed', guarantee: 'printed', printedOn: 'front', printedAt: T0 + 2 });
        expect((await store.history('T1')).at(-1)).toMatchObject({
          fromState: 'confirming',
          toState: 'printed',
          bytesSent: 120,
          guarantee: 'printed',
          message: 'printed on front',
        });
        expect(await store.headJob('front')).toBeUndefined();
      });

      it('retryJob waits until the next attempt and counts failures when told to', async () => {
        const job = await claimed('T1');
        const retried = await store.retryJob({ jobId: job.id, attempt: 1 }, mayHavePrinted, { nextAttemptAt: T0 + 1000, countsTowardGiveUp: true }, T0 + 1);
        expect(retried).toMatchObject({ state: 'retrying', nextAttemptAt: T0 + 1000, failures: 1, lastErrorCode: 'DISCONNECTED', lastErrorMessage: 'link dropped' });
        expect((await store.history('T1')).at(-1)).toMatchObject({ fromState: 'sending', toState: 'retrying', errorCode: 'DISCONNECTED', message: 'link dropped' });
        const again = await store.claimJob(claimFront, T0 + 1000);
        await store.retryJob({ jobId: again!.id, attempt: 2 }, mayHavePrinted, { nextAttemptAt: T0 + 3000, countsTowardGiveUp: false }, T0 + 1001);
        expect((await store.getJob(job.id))?.failures).toBe(1);
      });

      it('marks the next copy when an attempt may have printed, numbering copies across the transaction', async () => {
        const job = await claimed('T1');
        await store.retryJob({ jobId: job.id, attempt: 1 }, mayHavePrinted, { nextAttemptAt: T0, countsTowardGiveUp: true }, T0);
        expect(await store.claimJob(claimFront, T0 + 1)).toMatchObject({ attempts: 2, marked: true, copy: 2 });
        expect((await store.history('T1')).at(-1)).toMatchObject({ fromState: 'retrying', toState: 'sending', attempt: 2, message: `claimed by ${HOLDER}, marked copy 2` });
      });

      it('keeps the next copy unmarked when the attempt provably printed nothing', async () => {
        const job = await claimed('T1');
        await store.retryJob({ jobId: job.id, attempt: 1 }, printedNothing, { nextAttemptAt: T0, countsTowardGiveUp: true }, T0);
        expect(await store.claimJob(claimFront, T0 + 1)).toMatchObject({ attempts: 2, marked: false, copy: 1 });
      });

      it('markNeedsAttention waits for a person without using up attempts', async () => {
        const job = await claimed('T1');
        const waiting = await store.markNeedsAttention({ jobId: job.id, attempt: 1 }, printedNothing, T0 + 1);
        expect(waiting).toMatchObject({ state: 'needs-attention', failures: 0, nextAttemptAt: null, lastErrorCode: 'PAPER_END' });
        expect((await store.history('T1')).at(-1)).toMatchObject({ toState: 'needs-attention', errorCode: 'PAPER_END' });
      });

      it('failJob gives up and requeueFailed brings the job back with its failures reset', async () => {
        const job = await claimed('T1');
        await submit('T2', 'back');
        expect(await store.failJob({ jobId: job.id, attempt: 1 }, mayHavePrinted, T0 + 1)).toMatchObject({ state: 'failed', failures: 1 });
        expect(await store.requeueFailed('T2', T0 + 2)).toEqual([]);
        const requeued = await store.requeueFailed('T1', T0 + 2);
        expect(requeued.map((j) => [j.transactionId, j.state, j.failures, j.nextAttemptAt])).toEqual([['T1', 'queued', 0, T0 + 2]]);
        expect(await states('T1')).toEqual(['->queued#0', 'queued>sending#1', 'sending>failed#1', 'failed>queued#1']);
        expect((await store.history('T1')).at(-1)?.message).toBe('retry requested');
      });

      it('requeueFailed records who asked and why', async () => {
        const job = await claimed('T1');
        await store.failJob({ jobId: job.id, attempt: 1 }, mayHavePrinted, T0 + 1);
        await store.requeueFailed('T1', T0 + 2, { by: 'ana', reason: 'printer fixed' });
        expect((await store.history('T1')).at(-1)).toMatchObject({ toState: 'queued', message: 'retry requested by ana: printer fixed' });
      });

      it('requeueFailed without a transaction re-queues every failed job', async () => {
        const one = await claimed('T1');
        await store.failJob({ jobId: one.id, attempt: 1 }, mayHavePrinted, T0);
        const two = await claimed('T2', T0 + 1);
        await store.failJob({ jobId: two.id, attempt: 1 }, mayHavePrinted, T0 + 1);
        expect((await store.requeueFailed(undefined, T0 + 2)).map((j) => j.transactionId)).toEqual(['T1', 'T2']);
      });

      it('returnJob puts the job back unsent and unmarked', async () => {
        const job = await claimed('T1');
        await store.returnJob({ jobId: job.id, attempt: 1 }, T0 + 1);
        expect(await store.getJob(job.id)).toMatchObject({ state: 'queued', mustMark: false, attempts: 1, nextAttemptAt: T0 + 1 });
        expect((await store.history('T1')).at(-1)).toMatchObject({ fromState: 'sending', toState: 'queued', message: 'returned unsent' });
        expect(await store.claimJob(claimFront, T0 + 2)).toMatchObject({ attempts: 2, marked: false, copy: 1 });
      });

      it('completeAndClaim prints one job and claims the next in one call', async () => {
        const job = await claimed('T1');
        await submit('T2', 'front', T0 + 1);
        const { printed, next } = await store.completeAndClaim({ jobId: job.id, attempt: 1 }, outcome, claimFront, T0 + 2);
        expect(printed).toMatchObject({ transactionId: 'T1', state: 'printed' });
        expect(next).toMatchObject({ transactionId: 'T2', state: 'sending', attempts: 1 });
        const last = await store.completeAndClaim({ jobId: next!.id, attempt: 1 }, outcome, claimFront, T0 + 3);
        expect(last).toEqual({ printed: expect.objectContaining({ transactionId: 'T2', state: 'printed' }), next: undefined });
      });
    });

    describe('insertAndClaim', () => {
      const newJob = (transactionId: string) => ({ transactionId, printer: 'front', document: receipt(transactionId, 'front'), kind: 'original' as const });
      // Optional in SpoolStore (a store of someone else's may lack it); every store of ours has it.
      const insertAndClaim: NonNullable<SpoolStore['insertAndClaim']> = (...args) => {
        expect(store.insertAndClaim).toBeTypeOf('function');
        return store.insertAndClaim!(...args);
      };

      it('inserts and claims the new job for the lease holder in one call, with both history rows', async () => {
        expect(await store.acquireLease('front', HOLDER, TTL, T0)).toBe(true);
        const { job, created, claimed } = await insertAndClaim(newJob('T1'), claimFront, T0 + 1);
        expect(created).toBe(true);
        expect(job).toMatchObject({ transactionId: 'T1', state: 'queued', attempts: 0 });
        expect(claimed).toMatchObject({ id: job.id, state: 'sending', attempts: 1, marked: false, copy: 1 });
        expect(await states('T1')).toEqual(['->queued#0', 'queued>sending#1']);
        expect(await store.claimJob(claimFront, T0 + 2)).toBeUndefined();
      });

      it('claims nothing without the lease, for a known transaction, or when an older job is due first', async () => {
        expect(await insertAndClaim(newJob('T1'), claimFront, T0)).toMatchObject({ created: true, claimed: undefined });
        expect(await store.getJob((await store.findJob('T1'))!.id)).toMatchObject({ state: 'queued', attempts: 0 });
        await store.acquireLease('front', HOLDER, TTL, T0);
        expect(await insertAndClaim(newJob('T1'), claimFront, T0 + 1)).toMatchObject({ created: false, claimed: undefined });
        // The printer's head is T1 (older): the claim takes it, as the worker's own claim would.
        const { claimed } = await insertAndClaim(newJob('T2'), claimFront, T0 + 2);
        expect(claimed).toMatchObject({ transactionId: 'T1', state: 'sending' });
        expect(await store.findJob('T2')).toMatchObject({ state: 'queued' });
        // T1 in flight: nothing else is claimed behind it.
        expect(await insertAndClaim(newJob('T3'), claimFront, T0 + 3)).toMatchObject({ created: true, claimed: undefined });
      });
    });

    describe('fencing by (jobId, attempt)', () => {
      it('a stale attempt changes nothing, whatever it reports', async () => {
        const job = await claimed('T1');
        await store.resetInDoubt('front', 'holder died', T0 + 1);
        const current = await store.claimJob(claimFront, T0 + 2); // attempt 2, as after a takeover
        expect(current).toMatchObject({ attempts: 2, state: 'sending' });
        const stale = { jobId: job.id, attempt: 1 };
        const before = await store.history('T1');
        await store.markConfirming(stale, 10, T0 + 3);
        expect(await store.completeJob(stale, outcome, T0 + 3)).toBeUndefined();
        expect(await store.retryJob(stale, mayHavePrinted, { nextAttemptAt: T0, countsTowardGiveUp: true }, T0 + 3)).toBeUndefined();
        expect(await store.markNeedsAttention(stale, mayHavePrinted, T0 + 3)).toBeUndefined();
        expect(await store.failJob(stale, mayHavePrinted, T0 + 3)).toBeUndefined();
        await store.returnJob(stale, T0 + 3);
        expect(await store.completeAndClaim(stale, outcome, claimFront, T0 + 3)).toEqual({ printed: undefined, next: undefined });
        expect(await store.getJob(job.id)).toEqual(current);
        expect(await store.history('T1')).toEqual(before);
      });

      it('a finished attempt cannot be finished again', async () => {
        const job = await claimed('T1');
        await store.completeJob({ jobId: job.id, attempt: 1 }, outcome, T0 + 1);
        expect(await store.failJob({ jobId: job.id, attempt: 1 }, mayHavePrinted, T0 + 2)).toBeUndefined();
        expect(await store.completeJob({ jobId: job.id, attempt: 1 }, outcome, T0 + 2)).toBeUndefined();
        expect((await store.getJob(job.id))?.state).toBe('printed');
      });
    });

    describe('recovery and operator commands', () => {
      it('resetInDoubt re-queues sending and confirming jobs of the printer, to be marked', async () => {
        const job = await claimed('T1');
        await store.markConfirming({ jobId: job.id, attempt: 1 }, 5, T0);
        await submit('T9', 'back');
        const reset = await store.resetInDoubt('front', 'lease taken over', T0 + 1);
        expect(reset.map((j) => [j.transactionId, j.state, j.mustMark, j.lastErrorCode, j.lastErrorMessage])).toEqual([['T1', 'queued', true, 'IN_DOUBT', 'lease taken over']]);
        expect((await store.history('T1')).at(-1)).toMatchObject({ fromState: 'confirming', toState: 'queued', errorCode: 'IN_DOUBT', message: 'lease taken over' });
        expect(await store.resetInDoubt('back', 'nothing', T0 + 1)).toEqual([]);
        expect(await store.claimJob(claimFront, T0 + 2)).toMatchObject({ attempts: 2, marked: true, copy: 2 });
      });

      it('resumePrinter makes the printer waiting jobs ready now', async () => {
        const job = await claimed('T1');
        await store.markNeedsAttention({ jobId: job.id, attempt: 1 }, printedNothing, T0 + 1);
        await submit('T2', 'front');
        await submit('T3', 'back');
        expect(await store.resumePrinter('front', T0 + 2)).toBe(1);
        expect(await store.getJob(job.id)).toMatchObject({ state: 'queued', nextAttemptAt: T0 + 2 });
        expect((await store.history('T1')).at(-1)).toMatchObject({ fromState: 'needs-attention', toState: 'queued', message: 'printer recovered' });
        expect(await store.resumePrinter('back', T0 + 2)).toBe(0);
      });

      it('insertReprint queues a marked copy and records who asked and why', async () => {
        const job = await claimed('T1');
        await store.completeJob({ jobId: job.id, attempt: 1 }, outcome, T0 + 1);
        const { job: copy, record } = await store.insertReprint('T1', { by: 'alice', reason: 'customer', printer: 'back' }, T0 + 2);
        expect(copy).toMatchObject({ transactionId: 'T1', kind: 'reprint', printer: 'back', state: 'queued', mustMark: true });
        expect(copy.document).toEqual(job.document);
        expect(record).toEqual({ transactionId: 'T1', by: 'alice', reason: 'customer', at: T0 + 2, copyJobId: copy.id });
        expect(await store.reprints('T1')).toEqual([record]);
        expect((await store.findJob('T1'))?.id).toBe(job.id);
        expect((await store.history('T1')).at(-1)).toMatchObject({ jobId: copy.id, toState: 'queued', message: 'reprint by alice: customer' });
        await store.acquireLease('back', HOLDER, TTL, T0 + 3);
        expect(await store.claimJob({ ...claimFront, printer: 'back' }, T0 + 3)).toMatchObject({ marked: true, copy: 2 });
      });

      it('insertReprint refuses an unknown transaction', async () => {
        await expect(store.insertReprint('nope', { by: 'a', reason: 'b' }, T0)).rejects.toBeInstanceOf(UnknownTransactionError);
      });

      it('purgeDocuments drops old printed documents only and keeps jobs, history and audit', async () => {
        const job = await claimed('T1');
        await store.completeJob({ jobId: job.id, attempt: 1 }, outcome, T0 + 1);
        await submit('T2', 'back', T0);
        await store.insertReprint('T1', { by: 'a', reason: 'b' }, T0 + 2);
        expect(await store.purgeDocuments(T0 + 1, T0 + 100)).toBe(0); // printed at T0+1 is not before T0+1
        expect(await store.purgeDocuments(T0 + 50, T0 + 100)).toBe(1);
        expect(await store.getJob(job.id)).toMatchObject({ document: null, purgedAt: T0 + 100, state: 'printed' });
        expect((await store.findJob('T2'))?.document).not.toBeNull();
        expect((await store.history('T1')).length).toBeGreaterThan(0);
        expect(await store.reprints('T1')).toHaveLength(1);
        await expect(store.insertReprint('T1', { by: 'a', reason: 'b' }, T0 + 101)).rejects.toBeInstanceOf(DocumentPurgedError);
      });
    });

    describe('health', () => {
      it('records, replaces, reads and lists observations by printer', async () => {
        expect(await store.readHealth('front')).toBeUndefined();
        const status = readyStatus();
        await store.recordHealth({ printer: 'front', ready: true, reason: 'ok', observedAt: T0, status });
        await store.recordHealth({ printer: 'back', ready: false, reason: 'paper out', observedAt: T0, status: null });
        await store.recordHealth({ printer: 'front', ready: false, reason: 'cover open', observedAt: T0 + 1, status: null });
        expect(await store.readHealth('front')).toEqual({
          printer: 'front',
          ready: false,
          reason: 'cover open',
          observedAt: T0 + 1,
          status: null,
          heartbeatAt: null,
          servedBy: null,
          uri: null,
          identity: null,
          confirmation: null,
        });
        await store.recordHealth({ printer: 'front', ready: true, reason: 'ok', observedAt: T0 + 2, status });
        expect((await store.readHealth('front'))?.status).toEqual(status);
        expect((await store.listHealth()).map((h) => [h.printer, h.reason])).toEqual([
          ['back', 'paper out'],
          ['front', 'ok'],
        ]);
        const other = await subject.openAnother();
        expect(await other.readHealth('back')).toMatchObject({ ready: false, reason: 'paper out' });
      });
    });

    describe('operator commands, heartbeats, lease owners and the history feed', () => {
      it('cancelJobs cancels the open jobs of a transaction (original and copies) with a history row each', async () => {
        const job = await claimed('C1');
        await store.completeJob({ jobId: job.id, attempt: 1 }, outcome, T0 + 1);
        const { job: copy } = await store.insertReprint('C1', { by: 'a', reason: 'b', printer: 'back' }, T0 + 2);
        const cancelled = await store.cancelJobs('C1', { by: 'bob', reason: 'wrong order' }, T0 + 3);
        expect(cancelled.map((j) => [j.id, j.state])).toEqual([[copy.id, 'cancelled']]);
        expect((await store.history('C1')).at(-1)).toMatchObject({
          jobId: copy.id,
          fromState: 'queued',
          toState: 'cancelled',
          errorCode: 'CANCELLED',
          message: 'cancelled by bob: wrong order',
        });
        expect(await store.headJob('back')).toBeUndefined();
        expect(await store.cancelJobs('C1', { by: 'bob', reason: 'again' }, T0 + 4)).toEqual([]);
        await expect(store.cancelJobs('nope', { by: 'a', reason: 'b' }, T0)).rejects.toBeInstanceOf(UnknownTransactionError);
      });

      it('cancel and move refuse, changing nothing, while a job is on its way to the paper', async () => {
        await claimed('C2');
        await expect(store.cancelJobs('C2', { by: 'a', reason: 'b' }, T0 + 1)).rejects.toBeInstanceOf(JobBusyError);
        await expect(store.moveJobs('C2', 'back', { by: 'a', reason: 'b' }, T0 + 1)).rejects.toBeInstanceOf(JobBusyError);
        expect(await store.findJob('C2')).toMatchObject({ state: 'sending', printer: 'front' });
      });

      it('moveJobs re-queues the open jobs on another printer, due now, failures reset', async () => {
        const job = await claimed('M1');
        await store.retryJob({ jobId: job.id, attempt: 1 }, mayHavePrinted, { nextAttemptAt: T0 + 9999, countsTowardGiveUp: true }, T0 + 1);
        const moved = await store.moveJobs('M1', 'back', { by: 'eve', reason: 'front broken' }, T0 + 2);
        expect(moved.map((j) => [j.printer, j.state, j.failures, j.nextAttemptAt])).toEqual([['back', 'queued', 0, T0 + 2]]);
        expect((await store.history('M1')).at(-1)?.message).toBe('moved from front to back by eve: front broken');
        expect((await store.headJob('back'))?.transactionId).toBe('M1');
      });

      it('historySince feeds history rows in id order after a given id; lastHistoryId is the newest', async () => {
        expect(await store.lastHistoryId()).toBe(0);
        await submit('H1');
        await submit('H2');
        const rows = await store.historySince(0, 10);
        expect(rows.map((h) => h.transactionId)).toEqual(['H1', 'H2']);
        expect(rows[1]!.id).toBeGreaterThan(rows[0]!.id);
        expect(await store.lastHistoryId()).toBe(rows[1]!.id);
        expect((await store.historySince(rows[0]!.id, 10)).map((h) => h.transactionId)).toEqual(['H2']);
        expect(await store.historySince(rows[0]!.id, 0)).toEqual([]);
      });

      it('waitingPrinters groups open jobs by printer', async () => {
        await submit('P1', 'front', T0 + 5);
        await submit('P2', 'back', T0 + 7);
        await submit('P3', 'front', T0 + 9);
        expect(await store.waitingPrinters()).toEqual([
          { printer: 'back', jobs: 1, oldestCreatedAt: T0 + 7 },
          { printer: 'front', jobs: 2, oldestCreatedAt: T0 + 5 },
        ]);
      });

      it('lists the newest jobs, oldest first', async () => {
        for (const txn of ['N1', 'N2', 'N3']) await submit(txn);
        expect((await store.listJobs({ limit: 2, newest: true })).map((j) => j.transactionId)).toEqual(['N2', 'N3']);
      });

      it('records the lease owner and lets a same-host worker replace a dead holder', async () => {
        expect(await store.readLease('front')).toBeUndefined();
        expect(await store.acquireLease('front', 'w1', TTL, T0, { host: 'till-1', pid: 41 })).toBe(true);
        expect(await store.readLease('front')).toEqual({ printer: 'front', holder: 'w1', expiresAt: T0 + TTL, host: 'till-1', pid: 41 });
        expect(await store.acquireLease('front', 'w2', TTL, T0 + 1, { host: 'till-1', pid: 42 })).toBe(false);
        expect(await store.acquireLease('front', 'w2', TTL, T0 + 1, { host: 'till-1', pid: 42, replacing: 'w1' })).toBe(true);
        expect(await store.readLease('front')).toMatchObject({ holder: 'w2', pid: 42 });
      });

      it('heartbeats create or update the printer health row without changing the observation', async () => {
        await store.recordHeartbeat('front', 'w1', T0);
        expect(await store.readHealth('front')).toMatchObject({ ready: false, reason: 'unknown', observedAt: null, heartbeatAt: T0, servedBy: 'w1' });
        await store.recordHealth({ printer: 'front', ready: true, reason: 'ok', observedAt: T0 + 1, status: null, uri: 'tcp://10.0.0.5:9100', confirmation: 'process-id' });
        await store.recordHeartbeat('front', 'w1', T0 + 2);
        await store.recordHealth({ printer: 'front', ready: true, reason: 'ok', observedAt: T0 + 3, status: null });
        expect(await store.readHealth('front')).toMatchObject({ observedAt: T0 + 3, heartbeatAt: T0 + 2, servedBy: 'w1', uri: 'tcp://10.0.0.5:9100', confirmation: 'process-id' });
      });
    });

    describe('watch', () => {
      it('fires after another connection changes the store, and stops when unsubscribed', async () => {
        const other = await subject.openAnother();
        let calls = 0;
        const unwatch = store.watch(() => calls++);
        // A store may need a moment to start listening: keep changing the store until it fires.
        for (let n = 0; calls === 0; n++) {
          if (n === 50) throw new Error('watch() did not fire within 5 s of changes by another connection');
          await other.insertJob({ transactionId: `W${n}`, printer: 'front', document: receipt(`W${n}`), kind: 'original' }, T0);
          await settle(100);
        }
        unwatch();
        await settle();
        const after = calls;
        await other.insertJob({ transactionId: 'after', printer: 'front', document: receipt('after'), kind: 'original' }, T0);
        await settle();
        expect(calls).toBe(after);
      });
    });

    it('check() accepts a healthy store and close() may be called twice', async () => {
      expect(() => store.check()).not.toThrow();
      const other = await subject.openAnother();
      await other.close();
      await other.close();
    });
  });
}

/** Lets timers and sockets run (watch() is the one asynchronous notification in the contract). */
function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
