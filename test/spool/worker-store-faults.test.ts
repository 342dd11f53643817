/**
 * Every store write of the worker loop failing: the worker reports `store-error`, keeps what it
 * knows (a confirmed print stays confirmed in memory, never printed again) and carries on once
 * the store takes writes again. The store is a real SQLite store behind a proxy that refuses
 * chosen methods a chosen number of times, as a full or locked store would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DisconnectedError, PaperEndError, StoreFullError } from '../../src/errors.js';
import { Spool } from '../../src/spool/spool.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import type { SpoolStore } from '../../src/spool/store.js';
import type { WorkerOptions } from '../../src/spool/worker.js';
import { eventually, FakeLink, receipt, tempDir, testRender } from './helpers.js';

type AsyncMethod = {
  [K in keyof SpoolStore]-?: SpoolStore[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof SpoolStore];

/** A store whose chosen methods reject the next `times` calls (with `error()`, default StoreFullError). */
class FaultyStore {
  readonly store: SpoolStore;
  readonly refused: string[] = [];
  readonly #faults = new Map<string, { times: number; error: () => Error }>();

  constructor(inner: SqliteStore) {
    this.store = new Proxy(inner, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const fault = this.#faults.get(String(property));
          if (fault && fault.times > 0) {
            fault.times--;
            this.refused.push(String(property));
            return Promise.reject(fault.error());
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  fail(method: AsyncMethod, times: number, error = (): Error => new StoreFullError('injected: store is full', 'test.db')): void {
    this.#faults.set(method, { times, error });
  }
}

let dir: string;
let faulty: FaultyStore;
let spool: Spool;
let storeErrors: Error[];

beforeEach(() => {
  dir = tempDir();
  faulty = new FaultyStore(new SqliteStore(path.join(dir, 'spool.db')));
  spool = new Spool(faulty.store);
  storeErrors = [];
  spool.on('store-error', (error) => storeErrors.push(error));
});

afterEach(async () => {
  await spool.close({ timeoutMs: 2000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

function startWorker(link: FakeLink, options: Partial<WorkerOptions> = {}) {
  return spool
    .createWorker({
      printer: 'front',
      link,
      render: testRender,
      retry: { initialMs: 5, maxMs: 20, jitter: 0 },
      statusPollMs: 50,
      pollMs: 50,
      leaseMs: 3000,
      ...options,
    })
    .start();
}

async function submitAll(ids: string[]): Promise<void> {
  for (const id of ids) await spool.submit(receipt(id, 'front'));
}

async function allPrinted(ids: string[]): Promise<void> {
  await eventually(async () => (await spool.list({ state: 'printed' })).length === ids.length, 20_000);
}

/** At least one complete copy per transaction, at most one unmarked; returns copies per transaction. */
function expectInvariant(paper: FakeLink['paper'], ids: string[]): Record<string, number> {
  const copies: Record<string, number> = {};
  for (const id of ids) {
    const mine = paper.filter((p) => p.transactionId === id);
    expect({ id, atLeastOne: mine.length >= 1, unmarked: mine.filter((p) => !p.mark).length <= 1 }).toEqual({
      id,
      atLeastOne: true,
      unmarked: true,
    });
    copies[id] = mine.length;
  }
  return copies;
}

describe('worker with a store that refuses writes', () => {
  it('completeAndClaim and completeJob refused: the confirmed print is recorded once the store accepts it, never printed again', async () => {
    const ids = ['C-1', 'C-2', 'C-3'];
    await submitAll(ids);
    faulty.fail('completeAndClaim', 2);
    faulty.fail('completeJob', 4);
    const link = new FakeLink();
    startWorker(link);
    await allPrinted(ids);
    expect(faulty.refused.filter((m) => m === 'completeJob')).toHaveLength(4);
    expect(faulty.refused.filter((m) => m === 'completeAndClaim')).toHaveLength(2);
    expect(storeErrors.length).toBeGreaterThanOrEqual(4);
    expect(storeErrors.every((error) => error instanceof StoreFullError)).toBe(true);
    expect(expectInvariant(link.paper, ids)).toEqual({ 'C-1': 1, 'C-2': 1, 'C-3': 1 });
    expect(link.paper.map((p) => p.transactionId)).toEqual(ids);
    expect(link.maxInFlight).toBe(1);
    const job = await spool.get('C-1');
    expect(job).toMatchObject({ state: 'printed', attempts: 1, marked: false });
  });

  it.each([
    ['claimJob', 3],
    ['markConfirming', 3],
    ['acquireLease', 2],
    ['resetInDoubt', 2],
  ] as const)('%s refused %i times: the worker carries on and prints every job once', async (method, times) => {
    const ids = ['A-1', 'A-2', 'A-3'];
    await submitAll(ids);
    faulty.fail(method, times);
    const link = new FakeLink();
    startWorker(link);
    await allPrinted(ids);
    expect(faulty.refused.filter((m) => m === method)).toHaveLength(times);
    expect(storeErrors.length).toBeGreaterThanOrEqual(times);
    expect(expectInvariant(link.paper, ids)).toEqual({ 'A-1': 1, 'A-2': 1, 'A-3': 1 });
  });

  it('retryJob refused after a transient fault: recorded late, the job retries unmarked (nothing reached paper)', async () => {
    const ids = ['R-1', 'R-2'];
    await submitAll(ids);
    faulty.fail('retryJob', 3);
    const link = new FakeLink();
    link.script.push({ ok: false, error: new DisconnectedError(undefined, { mayHavePrinted: false }) });
    startWorker(link);
    await allPrinted(ids);
    expect(faulty.refused.filter((m) => m === 'retryJob')).toHaveLength(3);
    expect(expectInvariant(link.paper, ids)).toEqual({ 'R-1': 1, 'R-2': 1 });
    expect(link.paper.every((p) => p.mark === undefined)).toBe(true);
  });

  it('retryJob refused after a fault that may have printed: the next copy is marked', async () => {
    const ids = ['M-1'];
    await submitAll(ids);
    faulty.fail('retryJob', 3);
    const link = new FakeLink();
    link.script.push({ ok: false, error: new DisconnectedError(undefined, { mayHavePrinted: true }), printed: true });
    startWorker(link);
    await allPrinted(ids);
    expect(expectInvariant(link.paper, ids)).toEqual({ 'M-1': 2 });
    expect(link.paper.map((p) => p.mark?.copy ?? 'unmarked')).toEqual(['unmarked', 2]);
  });

  it('markNeedsAttention and resumePrinter refused: the job waits for the printer and prints after its recovery', async () => {
    const ids = ['N-1', 'N-2'];
    await submitAll(ids);
    faulty.fail('markNeedsAttention', 3);
    faulty.fail('resumePrinter', 3);
    const link = new FakeLink();
    link.setStatus({ paperEnd: true, online: false });
    link.script.push({ ok: false, error: new PaperEndError(undefined, { mayHavePrinted: false }) });
    startWorker(link);
    await eventually(async () => (await spool.get('N-1'))?.state === 'needs-attention');
    expect(link.calls).toHaveLength(1);
    link.setStatus({ paperEnd: false, online: true });
    await allPrinted(ids);
    expect(faulty.refused.filter((m) => m === 'markNeedsAttention')).toHaveLength(3);
    expect(faulty.refused.filter((m) => m === 'resumePrinter')).toHaveLength(3);
    expect(expectInvariant(link.paper, ids)).toEqual({ 'N-1': 1, 'N-2': 1 });
  });

  it('failJob refused for an unrenderable job: it ends failed and the jobs behind it print', async () => {
    await submitAll(['BAD', 'GOOD']);
    faulty.fail('failJob', 3);
    const link = new FakeLink();
    const render: WorkerOptions['render'] = (doc, mark) => {
      if (doc.transactionId === 'BAD') throw new Error('image too wide');
      return testRender(doc, mark);
    };
    startWorker(link, { render });
    await eventually(async () => (await spool.get('GOOD'))?.state === 'printed', 20_000);
    expect(await spool.get('BAD')).toMatchObject({ state: 'failed', lastErrorCode: 'RENDER_FAILED' });
    expect(faulty.refused.filter((m) => m === 'failJob')).toHaveLength(3);
    expect(link.paper.map((p) => p.transactionId)).toEqual(['GOOD']);
  });

  it('an outcome lost to an unexpected error does not block the queue: the job is reprinted marked', async () => {
    const ids = ['L-1', 'L-2'];
    await submitAll(ids);
    faulty.fail('completeAndClaim', 1, () => new Error('not a store error'));
    const link = new FakeLink();
    const workerErrors: Error[] = [];
    spool.on('worker-error', (error) => workerErrors.push(error));
    startWorker(link);
    await allPrinted(ids);
    expect(workerErrors.map((e) => e.message)).toContain('not a store error');
    expect(expectInvariant(link.paper, ids)).toEqual({ 'L-1': 2, 'L-2': 1 });
    expect(link.paper.map((p) => [p.transactionId, p.mark?.copy ?? 'unmarked'])).toEqual([
      ['L-1', 'unmarked'],
      ['L-1', 2],
      ['L-2', 'unmarked'],
    ]);
  });

  it('the process stops while recording the print is refused: the next worker reprints the job marked', async () => {
    await submitAll(['K-1']);
    faulty.fail('completeAndClaim', 1_000_000);
    faulty.fail('completeJob', 1_000_000);
    const first = new FakeLink();
    const worker = startWorker(first, { holderId: 'first', leaseMs: 200 });
    await eventually(() => storeErrors.length >= 2);
    expect(first.paper).toHaveLength(1);
    await worker.stop({ timeoutMs: 50 });
    expect((await spool.get('K-1'))?.state).toBe('confirming');

    faulty.fail('completeAndClaim', 0);
    faulty.fail('completeJob', 0);
    const second = new FakeLink();
    startWorker(second, { holderId: 'second', leaseMs: 200 });
    await allPrinted(['K-1']);
    expect(first.paper).toHaveLength(1); // the stopped worker printed nothing more
    expect(expectInvariant([...first.paper, ...second.paper], ['K-1'])).toEqual({ 'K-1': 2 });
    expect(second.paper.map((p) => p.mark?.copy)).toEqual([2]);
  });
});
