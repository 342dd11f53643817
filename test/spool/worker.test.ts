import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ConfirmTimeoutError, DisconnectedError, PaperEndError } from '../../src/errors.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import type { Job } from '../../src/spool/types.js';
import type { WorkerOptions } from '../../src/spool/worker.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';

let dir: string;
let spool: Spool;

beforeEach(() => {
  dir = tempDir();
  spool = openSpool({ path: path.join(dir, 'spool.db') });
});

afterEach(async () => {
  await spool.close({ timeoutMs: 2000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

function worker(link: FakeLink, options: Partial<WorkerOptions> = {}) {
  return spool
    .createWorker({
      printer: 'front',
      link,
      render: testRender,
      retry: { initialMs: 5, maxMs: 20, jitter: 0 },
      statusPollMs: 50,
      pollMs: 200,
      ...options,
    })
    .start();
}

/**
 * Moves the worker's clock in `stepMs` steps, each once the worker sleeps on it (its sleep and
 * its lease renewal pending), for `ms` or until `until` settles; resolves with the time moved.
 */
async function driveWorkerClock(clock: ManualClock, ms: number, stepMs: number, until?: Promise<unknown>): Promise<number> {
  let settled = false;
  void until?.then(
    () => (settled = true),
    () => (settled = true),
  );
  let moved = 0;
  while (moved < ms) {
    const deadline = Date.now() + 10_000;
    while (!settled && clock.pending < 2) {
      if (Date.now() > deadline) throw new Error('the worker did not go to sleep on its clock');
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (settled) return moved;
    clock.advance(stepMs);
    moved += stepMs;
  }
  if (until) throw new Error(`not settled after ${ms} ms of the worker's clock`);
  return moved;
}

async function printedTransactions(count: number): Promise<Job[]> {
  await eventually(async () => (await spool.list({ state: 'printed' })).length >= count);
  return spool.list({ state: 'printed' });
}

/** At least one complete copy per transaction, and at most one without the mark. */
function expectInvariant(link: FakeLink, transactions: string[]): void {
  for (const txn of transactions) {
    const copies = link.paper.filter((p) => p.transactionId === txn);
    expect({ txn, copies: copies.length >= 1 }).toEqual({ txn, copies: true });
    expect({ txn, unmarked: copies.filter((p) => !p.mark).length <= 1 }).toEqual({ txn, unmarked: true });
  }
}

describe('worker', () => {
  it('prints jobs in submit order, one at a time, and records the guarantee', async () => {
    const link = new FakeLink();
    const printing: string[] = [];
    spool.on('printing', (job) => printing.push(job.transactionId));
    for (let i = 0; i < 5; i++) await spool.submit(receipt(`O-${i}`, 'front'));
    worker(link);
    const printed = await printedTransactions(5);
    expect(link.paper.map((p) => p.transactionId)).toEqual(['O-0', 'O-1', 'O-2', 'O-3', 'O-4']);
    expect(printing).toEqual(['O-0', 'O-1', 'O-2', 'O-3', 'O-4']);
    expect(link.maxInFlight).toBe(1);
    expect(printed.every((j) => j.guarantee === 'printed' && j.printedOn === 'front' && !j.marked)).toBe(true);
    const history = await spool.history('O-0');
    expect(history.map((h) => h.toState)).toEqual(['queued', 'sending', 'confirming', 'printed']);
    expect(history[2]?.bytesSent).toBeGreaterThan(0);
  });

  it('wakes at once for a job submitted in the same process', async () => {
    const link = new FakeLink();
    worker(link, { pollMs: 60_000, statusPollMs: 60_000 });
    const printed = waitFor<Job>(spool, 'printed');
    await spool.submit(receipt('W-1', 'front'));
    expect((await printed).transactionId).toBe('W-1');
  });

  it('drives printers in parallel, each in its own order', async () => {
    const front = new FakeLink();
    const back = new FakeLink();
    worker(front);
    worker(back, { printer: 'back' });
    for (let i = 0; i < 3; i++) {
      await spool.submit(receipt(`F-${i}`, 'front'));
      await spool.submit(receipt(`B-${i}`, 'back'));
    }
    await printedTransactions(6);
    expect(front.paper.map((p) => p.transactionId)).toEqual(['F-0', 'F-1', 'F-2']);
    expect(back.paper.map((p) => p.transactionId)).toEqual(['B-0', 'B-1', 'B-2']);
  });

  it('retries a job that never reached the printer unmarked, and one that may have printed marked', async () => {
    const link = new FakeLink();
    link.script.push(
      { ok: false, error: new DisconnectedError(undefined, { mayHavePrinted: false }) },
      { ok: false, error: new ConfirmTimeoutError(undefined, { mayHavePrinted: true }), printed: true },
    );
    const retrying: number[] = [];
    spool.on('retrying', (event) => retrying.push(event.delayMs));
    await spool.submit(receipt('X-1', 'front'));
    worker(link);
    const [job] = await printedTransactions(1);
    expect(link.calls.map((c) => c.mark?.copy ?? 'unmarked')).toEqual(['unmarked', 'unmarked', 2]);
    expect(job).toMatchObject({ attempts: 3, marked: true, copy: 2 });
    expect(retrying).toEqual([5, 10]);
    expectInvariant(link, ['X-1']);
  });

  it('waits in needs-attention without using attempts, and resumes by itself when the printer recovers', async () => {
    const clock = new ManualClock(1_000_000);
    await spool.close();
    spool = openSpool({ path: path.join(dir, 'spool.db'), clock });
    const link = new FakeLink();
    link.setStatus({ paperEnd: true, online: false });
    link.script.push({ ok: false, error: new PaperEndError(undefined, { mayHavePrinted: false }) });
    const attention = waitFor<{ cause: string; code: string }>(spool, 'needs-attention');
    await spool.submit(receipt('N-1', 'front'));
    await spool.submit(receipt('N-2', 'front'));
    worker(link, { clock });
    expect(await attention).toMatchObject({ cause: 'paper out on front', code: 'PAPER_END' });
    const waiting = await spool.get('N-1');
    expect(waiting).toMatchObject({ state: 'needs-attention', failures: 0, lastErrorCode: 'PAPER_END' });
    // The head waits; the job behind it is not sent around it, for 1 s of the worker's clock
    // (20 status polls, 5 store polls).
    await driveWorkerClock(clock, 1000, 50);
    expect(link.calls).toHaveLength(1);
    expect((await spool.health('front')).reason).toBe('paper out');

    const recovered = waitFor(spool, 'recovered');
    link.setStatus({ paperEnd: false, online: true });
    // The next status poll, at most statusPollMs later, sees the printer ready.
    expect(await driveWorkerClock(clock, 1000, 50, recovered)).toBeLessThanOrEqual(50);
    await printedTransactions(2);
    expect(link.paper.map((p) => [p.transactionId, p.mark === undefined])).toEqual([
      ['N-1', true],
      ['N-2', true],
    ]);
  });

  it('marks the copy after a fault in the middle of a job', async () => {
    const link = new FakeLink();
    link.script.push({ ok: false, error: new PaperEndError(undefined, { mayHavePrinted: true }), printed: true });
    await spool.submit(receipt('H-1', 'front'));
    worker(link);
    await waitFor(spool, 'needs-attention');
    link.setStatus({ paperNearEnd: true });
    const reprinted = waitFor<{ job: Job; reason: string }>(spool, 'reprinted');
    expect((await reprinted).reason).toBe('in-doubt');
    expect(link.paper.map((p) => p.mark?.copy ?? 0)).toEqual([0, 2]);
    expectInvariant(link, ['H-1']);
  });

  it('gives up after maxFailures job-related failures; retry() re-queues it and it prints', async () => {
    const link = new FakeLink();
    const timeout = () => ({ ok: false as const, error: new ConfirmTimeoutError(undefined, { mayHavePrinted: false }) });
    link.script.push(timeout(), timeout());
    await spool.submit(receipt('G-1', 'front'));
    await spool.submit(receipt('G-2', 'front'));
    const failed = waitFor<{ job: Job }>(spool, 'failed');
    worker(link, { retry: { initialMs: 1, maxMs: 2, jitter: 0, maxFailures: 2 } });
    expect((await failed).job).toMatchObject({ transactionId: 'G-1', state: 'failed', failures: 2 });
    await eventually(async () => (await spool.get('G-2'))?.state === 'printed');
    expect(await spool.retry('G-1')).toHaveLength(1);
    await eventually(async () => (await spool.get('G-1'))?.state === 'printed');
    expect(link.paper.map((p) => p.transactionId)).toEqual(['G-2', 'G-1']);
  });

  it('prints an operator reprint marked, after the original', async () => {
    const link = new FakeLink();
    await spool.submit(receipt('P-1', 'front'));
    await spool.reprint('P-1', { by: 'alice', reason: 'customer asked' });
    const reprinted = waitFor<{ job: Job; reason: string }>(spool, 'reprinted');
    worker(link);
    const event = await reprinted;
    expect(event.reason).toBe('operator');
    expect(link.paper.map((p) => [p.transactionId, p.mark?.copy ?? 0])).toEqual([
      ['P-1', 0],
      ['P-1', 2],
    ]);
  });

  it('re-queues a job left in doubt by a stopped worker and prints it marked', async () => {
    const link = new FakeLink();
    link.script.push({ hang: true });
    await spool.submit(receipt('D-1', 'front'));
    const first = worker(link, { holderId: 'first', leaseMs: 200 });
    await eventually(async () => (await spool.get('D-1'))?.state === 'confirming');
    await first.stop({ timeoutMs: 50 });
    expect((await spool.get('D-1'))?.state).toBe('confirming');
    link.paper.push({ transactionId: 'D-1', mark: undefined }); // the hung copy did come out

    const second = new FakeLink();
    worker(second, { holderId: 'second', leaseMs: 100 });
    const [job] = await printedTransactions(1);
    expect(job).toMatchObject({ marked: true, copy: 2 });
    expect(second.paper.map((p) => p.mark?.copy)).toEqual([2]);
    const history = await spool.history('D-1');
    expect(history.find((h) => h.errorCode === 'IN_DOUBT')?.message).toMatch(/in doubt/);
    expectInvariant(Object.assign(new FakeLink(), { paper: [...link.paper, ...second.paper] }) as FakeLink, ['D-1']);
  });

  it('one lease per printer: a second worker waits until the first stops', async () => {
    const a = new FakeLink();
    const b = new FakeLink();
    const first = worker(a, { holderId: 'a' });
    await spool.submit(receipt('L-1', 'front'));
    await printedTransactions(1);
    worker(b, { holderId: 'b', leaseMs: 300 });
    await spool.submit(receipt('L-2', 'front'));
    await printedTransactions(2);
    expect(b.calls).toHaveLength(0);
    await first.stop();
    await spool.submit(receipt('L-3', 'front'));
    await printedTransactions(3);
    expect(a.paper.map((p) => p.transactionId)).toEqual(['L-1', 'L-2']);
    expect(b.paper.map((p) => p.transactionId)).toEqual(['L-3']);
  });

  it('sends the jobs of a printer in needs-attention to the fallback after afterMs', async () => {
    const primary = new FakeLink();
    const fallback = new FakeLink();
    primary.currentStatus = { ...primary.currentStatus, coverOpen: true, online: false };
    primary.script.push({ ok: false, error: new PaperEndError(undefined, { mayHavePrinted: true }), printed: true });
    await spool.submit(receipt('FB-1', 'front'));
    await spool.submit(receipt('FB-2', 'front'));
    worker(primary, { fallback: { link: fallback, afterMs: 50, name: 'back' } });
    await printedTransactions(2);
    expect(fallback.paper.map((p) => [p.transactionId, p.mark?.copy ?? 0])).toEqual([
      ['FB-1', 2],
      ['FB-2', 0],
    ]);
    expect((await spool.get('FB-2'))?.printedOn).toBe('back');
    expectInvariant(Object.assign(new FakeLink(), { paper: [...primary.paper, ...fallback.paper] }) as FakeLink, ['FB-1', 'FB-2']);
  });

  it('fails a job it cannot render and moves on', async () => {
    const link = new FakeLink();
    await spool.submit(receipt('BAD', 'front'));
    await spool.submit(receipt('GOOD', 'front'));
    const render: WorkerOptions['render'] = (doc, mark) => {
      if (doc.transactionId === 'BAD') throw new Error('image too wide');
      return testRender(doc, mark);
    };
    worker(link, { render });
    await eventually(async () => (await spool.get('GOOD'))?.state === 'printed');
    expect(await spool.get('BAD')).toMatchObject({ state: 'failed', lastErrorCode: 'RENDER_FAILED' });
  });

  it('watches the printer while idle: health answers without I/O and status events announce changes', async () => {
    const link = new FakeLink();
    const w = worker(link);
    await eventually(() => w.health?.reason === 'ok');
    const status = waitFor<{ reason: string; ready: boolean }>(spool, 'status', (h) => h.reason === 'paper near end');
    link.setStatus({ paperNearEnd: true });
    expect(await status).toMatchObject({ ready: true });
    expect(await spool.health('front')).toMatchObject({ ready: true, reason: 'paper near end' });
    link.setStatus({ coverOpen: true, online: false });
    await eventually(async () => (await spool.health('front')).reason === 'cover open');
    // Another process reads the same answer from the store.
    const other = openSpool({ path: spool.path });
    try {
      await eventually(async () => (await other.health('front')).reason === 'cover open');
      // A printer no worker ever served is not ready, and says why.
      expect(await other.health('nowhere')).toMatchObject({ ready: false, reason: 'no worker', heartbeatAt: null, servedBy: null });
    } finally {
      await other.close();
    }
  });

  it('stop() waits for the job in flight to be confirmed and recorded', async () => {
    const link = new FakeLink();
    link.script.push({ hang: true });
    await spool.submit(receipt('S-1', 'front'));
    const w = worker(link);
    // `confirming` is recorded from onSent, after which the fake link is hung (inFlight alone is
    // set before the hang: releasing then would release nothing and the stop would time out).
    await eventually(async () => (await spool.get('S-1'))?.state === 'confirming');
    const stopped = w.stop({ timeoutMs: 5000 });
    link.releaseHung(); // the hang ends with an error: recorded as a marked retry, not lost
    await stopped;
    expect(await spool.get('S-1')).toMatchObject({ state: 'retrying', mustMark: true });
  });

  it('renders the next unmarked job while the current one prints, once; marked copies are rendered at their claim', async () => {
    const link = new FakeLink();
    const rendered: string[] = [];
    const render: WorkerOptions['render'] = (doc, mark) => {
      rendered.push(`${doc.transactionId}${mark ? ` marked ${mark.copy}` : ''}`);
      return testRender(doc, mark);
    };
    for (const id of ['RA-1', 'RA-2', 'RA-3']) await spool.submit(receipt(id, 'front'));
    await spool.reprint('RA-1', { by: 'test', reason: 'customer asked' });
    // RA-2's first copy may have printed: its second is marked, so the unmarked bytes rendered ahead are not reused.
    link.script.push({ ok: true }, { ok: false, error: new ConfirmTimeoutError(undefined, { mayHavePrinted: true }), printed: true });
    spool.on('printing', (job) => rendered.push(`printing ${job.transactionId}`));
    worker(link, { render });
    await printedTransactions(4);
    expect(link.paper.map((p) => `${p.transactionId}${p.mark ? ` marked ${p.mark.copy}` : ''}`)).toEqual(['RA-1', 'RA-2', 'RA-2 marked 2', 'RA-3', 'RA-1 marked 2']);
    // Each unmarked copy rendered once: RA-3 ahead, before the worker took it up; marked copies after.
    expect(rendered.filter((r) => r === 'RA-1' || r === 'RA-3')).toEqual(['RA-1', 'RA-3']);
    expect(rendered.indexOf('RA-3')).toBeLessThan(rendered.indexOf('printing RA-3'));
    expect(rendered.indexOf('RA-2 marked 2')).toBeGreaterThan(rendered.indexOf('printing RA-2'));
    expect(rendered.indexOf('RA-1 marked 2')).toBeGreaterThan(rendered.lastIndexOf('printing RA-1'));
  });

  it('stopping between jobs returns the job claimed with the last completion untouched: it prints unmarked later', async () => {
    const link = new FakeLink();
    for (const id of ['B-1', 'B-2', 'B-3']) await spool.submit(receipt(id, 'front'));
    const w = worker(link, { holderId: 'first', leaseMs: 200 });
    let stopped: Promise<void> | undefined;
    spool.once('printed', () => {
      stopped = w.stop({ timeoutMs: 5000 });
    });
    await eventually(() => stopped !== undefined);
    await stopped;
    const states = (await spool.list()).map((job) => job.state);
    expect(states.filter((state) => state === 'sending' || state === 'confirming')).toEqual([]);
    const printedBefore = link.paper.length;
    // B-2 was claimed in the transaction that recorded B-1, then handed back.
    expect((await spool.history('B-2')).map((h) => h.message)).toContain('returned unsent');

    worker(link, { holderId: 'second', leaseMs: 200 });
    await printedTransactions(3);
    expect(link.paper.map((p) => p.transactionId)).toEqual(['B-1', 'B-2', 'B-3']);
    expect(link.paper.every((p) => p.mark === undefined)).toBe(true);
    expect(printedBefore).toBeLessThan(3);
  });
});
