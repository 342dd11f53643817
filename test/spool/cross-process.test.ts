import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSpool } from '../../src/spool/spool.js';
import type { Job } from '../../src/spool/types.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';
import { killChildren, startChild } from './processes.js';
import { stopChild } from '../../src/child-process.js';

let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = tempDir();
  dbPath = path.join(dir, 'spool.db');
});

afterEach(async () => {
  await killChildren();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('across processes', () => {
  it('a job whose submit resolved survives SIGKILL right after', async () => {
    await openSpool({ path: dbPath }).close(); // create and migrate first
    const txns = Array.from({ length: 30 }, (_, i) => `K-${i}`);
    const child = startChild(['submit', dbPath, ...txns]);
    await child.line((l) => l === 'submitted K-3');
    await stopChild(child.process, { signal: 'SIGKILL' });
    const confirmed = child.lines.filter((l) => l.startsWith('submitted ')).map((l) => l.slice('submitted '.length));
    const spool = openSpool({ path: dbPath });
    try {
      for (const txn of confirmed) expect({ txn, stored: (await spool.get(txn)) !== undefined }).toEqual({ txn, stored: true });
      expect(confirmed.length).toBeGreaterThanOrEqual(4);
    } finally {
      await spool.close();
    }
  });

  it('a worker wakes for a job submitted by another process without any in-process signal', async () => {
    const spool = openSpool({ path: dbPath });
    const link = new FakeLink();
    // Polls far apart: only the store's cross-process change watch can wake the worker in time.
    // Its first status poll happens on its first idle turn, just before it goes to sleep.
    const idle = waitFor(spool, 'status');
    spool.createWorker({ printer: 'default', link, render: testRender, pollMs: 60_000, statusPollMs: 60_000 }).start();
    try {
      await idle;
      const printed = waitFor<Job>(spool, 'printed', () => true, 20_000);
      const child = startChild(['submit', dbPath, 'X-1']);
      await child.exited;
      expect((await printed).transactionId).toBe('X-1');
    } finally {
      await spool.close();
    }
  });

  it('two workers in two processes for one printer never print the same receipt twice unmarked', async () => {
    const spool = openSpool({ path: dbPath });
    const txns = Array.from({ length: 12 }, (_, i) => `L-${i}`);
    try {
      const env = { FAKE: '1', LEASE_MS: '400' };
      const a = startChild(['worker', dbPath, 'default'], { ...env, HOLDER: 'a' });
      await a.line((l) => l === 'started');
      const b = startChild(['worker', dbPath, 'default'], { ...env, HOLDER: 'b' });
      await b.line((l) => l === 'started');
      for (const txn of txns) await spool.submit(receipt(txn));
      // Kill whichever is printing halfway; the other takes over once the lease expires.
      const first = await Promise.race([a, b].map((c) => c.line((l) => l.startsWith('printed L-5')).then(() => c)));
      await stopChild(first.process, { signal: 'SIGKILL' });
      await eventually(async () => (await spool.list({ state: 'printed' })).length === txns.length, 20_000);
      const printed = [...a.lines, ...b.lines].filter((l) => l.startsWith('printed ')).map((l) => l.split(' '));
      for (const txn of txns) {
        const copies = printed.filter(([, t]) => t === txn);
        const unmarked = copies.filter(([, , mark]) => mark === '-').length;
        expect({ txn, any: copies.length >= 1, atMostOneUnmarked: unmarked <= 1 }).toEqual({ txn, any: true, atMostOneUnmarked: true });
      }
      const survivor = first === a ? b : a;
      expect(survivor.lines.some((l) => l.startsWith('printed '))).toBe(true);
    } finally {
      await spool.close();
    }
  });
});
