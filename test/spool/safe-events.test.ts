/**
 * A user's listener never steers the worker: whatever it throws, the jobs, their marks and the
 * loop are what they would have been without it (safe-emitter.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ListenerErrorReport } from '../../src/safe-emitter.js';
import { SafeEmitter } from '../../src/safe-emitter.js';
import { Spool } from '../../src/spool/spool.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import type { Job } from '../../src/spool/types.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';

let dir: string;
let spool: Spool;
let store: SqliteStore;
let logged: string[];

beforeEach(() => {
  dir = tempDir();
  store = new SqliteStore(path.join(dir, 'spool.db'));
  spool = new Spool(store);
  logged = [];
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await spool.close({ timeoutMs: 2000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

function startWorker(link: FakeLink) {
  return spool.createWorker({ printer: 'front', link, render: testRender, retry: { initialMs: 5, maxMs: 20, jitter: 0 } }).start();
}

describe('safe events', () => {
  it('a printed listener that throws once: the next transaction prints once, unmarked', async () => {
    const link = new FakeLink();
    const reports: ListenerErrorReport[] = [];
    spool.on('listener-error', (report) => reports.push(report));
    let thrown = false;
    spool.on('printed', () => {
      if (thrown) return;
      thrown = true;
      throw new Error('POS display unplugged');
    });
    await spool.submit(receipt('T-1', 'front'));
    await spool.submit(receipt('T-2', 'front'));
    startWorker(link);
    await eventually(async () => (await spool.list({ state: 'printed' })).length === 2);
    expect(link.paper).toEqual([{ transactionId: 'T-1' }, { transactionId: 'T-2' }]);
    const second = await spool.get('T-2');
    expect({ marked: second?.marked, attempts: second?.attempts }).toEqual({ marked: false, attempts: 1 });
    expect(reports.map((r) => [r.event, r.error.message])).toEqual([['printed', 'POS display unplugged']]);
    expect(logged.filter((line) => line.includes("'printed' listener threw"))).toHaveLength(1);
  });

  it('a worker-error listener that throws: no unhandled rejection, and the worker goes on printing', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const claimJob = store.claimJob.bind(store);
      let failOnce = true;
      vi.spyOn(store, 'claimJob').mockImplementation((...args) => {
        if (!failOnce) return claimJob(...args);
        failOnce = false;
        return Promise.reject(new Error('a bug in the loop'));
      });
      const workerErrors: string[] = [];
      spool.on('worker-error', (error) => {
        workerErrors.push(error.message);
        throw new Error('the listener fails too');
      });
      const link = new FakeLink();
      const printed = waitFor<Job>(spool, 'printed');
      startWorker(link);
      await spool.submit(receipt('T-3', 'front'));
      expect((await printed).transactionId).toBe('T-3');
      await new Promise((resolve) => setImmediate(resolve));
      expect(workerErrors).toEqual(['a bug in the loop']);
      expect(unhandled).toEqual([]);
      expect(logged.some((line) => line.includes("'worker-error' listener threw"))).toBe(true);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('SafeEmitter', () => {
  it('calls every listener though one throws or rejects, keeps once(), and reports each failure', async () => {
    const emitter = new SafeEmitter();
    const reports: string[] = [];
    const calls: string[] = [];
    emitter.on('listener-error', (report: ListenerErrorReport) => reports.push(`${report.event}: ${report.error.message}`));
    emitter.on('ping', () => {
      calls.push('a');
      throw new Error('sync');
    });
    // oxlint-disable-next-line typescript/no-misused-promises -- what is tested: an async listener's rejection is reported
    emitter.on('ping', async () => {
      calls.push('b');
      throw new Error('async');
    });
    emitter.once('ping', (value: number) => calls.push(`once ${value}`));
    expect(emitter.emit('ping', 1)).toBe(true);
    expect(emitter.emit('ping', 2)).toBe(true);
    expect(emitter.emit('nobody')).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['a', 'b', 'once 1', 'a', 'b']);
    expect(reports).toEqual(['ping: sync', 'ping: sync', 'ping: async', 'ping: async']);
  });

  it('a listener-error listener that throws is logged, not reported again', () => {
    const emitter = new SafeEmitter();
    emitter.on('listener-error', () => {
      throw new Error('reporter broken');
    });
    emitter.on('ping', () => {
      throw new Error('first');
    });
    expect(() => emitter.emit('ping')).not.toThrow();
    expect(logged).toHaveLength(2);
    expect(logged[1]).toContain("'listener-error' listener threw");
  });
});
