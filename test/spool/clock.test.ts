/**
 * The spool's time is its clock's: a worker's backoff, sleeps and lease run on the injected
 * clock, so a test moves time instead of waiting for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ConfirmTimeoutError } from '../../src/errors.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import type { Job } from '../../src/spool/types.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';

let dir: string | undefined;
let spool: Spool | undefined;

afterEach(async () => {
  await spool?.close({ timeoutMs: 2000 });
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('a retrying job prints only once the worker clock passes its backoff', async () => {
  dir = tempDir();
  const clock = new ManualClock(1_000_000);
  spool = openSpool({ path: path.join(dir, 'spool.db'), clock });
  const link = new FakeLink();
  // A fault that may be the job's own: it backs off (a printer seen ready does not cut the wait short).
  link.script.push({ ok: false, error: new ConfirmTimeoutError() });
  const retrying = waitFor<{ job: Job; delayMs: number }>(spool, 'retrying');
  spool.createWorker({ printer: 'front', link, render: testRender, clock, retry: { initialMs: 4000, maxMs: 4000, jitter: 0 }, statusPollMs: 60_000, pollMs: 60_000 }).start();
  await spool.submit(receipt('C-1', 'front'));
  const { job, delayMs } = await retrying;
  expect({ delayMs, nextAttemptAt: job.nextAttemptAt }).toEqual({ delayMs: 4000, nextAttemptAt: 1_000_000 + 4000 });

  // The worker is asleep on the clock: however long the wall clock runs, nothing prints.
  await eventually(async () => (await spool!.get('C-1'))?.state === 'retrying' && clock.pending >= 2);
  clock.advance(3999);
  expect(link.calls).toHaveLength(1);
  expect((await spool.get('C-1'))?.state).toBe('retrying');

  const printed = waitFor<Job>(spool, 'printed');
  clock.advance(1);
  expect((await printed).transactionId).toBe('C-1');
  expect(link.paper).toEqual([{ transactionId: 'C-1', mark: expect.objectContaining({ copy: 2 }) }]);
});
