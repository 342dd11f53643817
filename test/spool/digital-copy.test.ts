/**
 * The digital copy: a printer out of paper for a long time (an injected clock, no sleeps) makes
 * the worker emit `digital-copy-due` once for the waiting job, which keeps waiting and prints
 * when paper is loaded.
 */
import { systemClock } from '../../src/clock.js';
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { PaperEndError } from '../../src/errors.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import type { SpoolEvents } from '../../src/spool/types.js';
import { eventually, FakeLink, receipt, tempDir, testRender, waitFor } from './helpers.js';

const MINUTE = 60_000;
let dir: string;
let spool: Spool;
let now: number;
/** `now` is driven by the test; timers are real. */
const clock = { ...systemClock, now: () => now };

beforeEach(() => {
  now = Date.now();
  dir = tempDir();
  spool = openSpool({ path: path.join(dir, 'spool.db'), clock });
});

afterEach(async () => {
  await spool.close({ timeoutMs: 2000 });
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A link that counts status polls, so the test knows the worker looked at the printer again. */
class CountingLink extends FakeLink {
  polls = 0;
  override async status() {
    this.polls++;
    return super.status();
  }
}

type DigitalCopy = Parameters<SpoolEvents['digital-copy-due']>[0];

it('emits digital-copy-due once after a long paper-out; the job keeps waiting and prints on recovery', async () => {
  const link = new CountingLink();
  link.currentStatus = { ...link.currentStatus, paperEnd: true, online: false };
  link.script.push({ ok: false, error: new PaperEndError(undefined, { mayHavePrinted: false }) });
  const copies: DigitalCopy[] = [];
  spool.on('digital-copy-due', (event) => copies.push(event));
  await spool.submit(receipt('DC-1', 'front'));
  const worker = spool
    .createWorker({
      printer: 'front',
      link,
      render: testRender,
      clock,
      statusPollMs: 20,
      pollMs: 20,
      digitalCopyAfterMs: 10 * MINUTE,
      // The lease is timed by the same clock: long enough that 40 minutes of paper-out do not expire it.
      leaseMs: 24 * 60 * MINUTE,
    })
    .start();
  await waitFor(spool, 'needs-attention');

  /** Move the clock and wait until the worker has polled the printer twice at the new time (one whole idle pass). */
  const advance = async (ms: number) => {
    now += ms;
    const polls = link.polls;
    worker.wake();
    await eventually(() => link.polls > polls);
    now += 25;
    worker.wake();
    await eventually(() => link.polls > polls + 1);
  };

  await advance(9 * MINUTE);
  expect(copies).toEqual([]);

  const due = waitFor<DigitalCopy>(spool, 'digital-copy-due');
  now += MINUTE;
  worker.wake();
  const event = await due;
  expect(event).toMatchObject({ printer: 'front', job: { transactionId: 'DC-1', state: 'needs-attention' } });
  expect(event.waitingMs).toBeGreaterThanOrEqual(10 * MINUTE);
  expect(event.job.document?.transactionId).toBe('DC-1');

  await advance(30 * MINUTE);
  expect(copies).toHaveLength(1);
  expect((await spool.get('DC-1'))?.state).toBe('needs-attention');
  expect(link.paper).toEqual([]);

  link.setStatus({ paperEnd: false, online: true });
  await eventually(async () => (await spool.get('DC-1'))?.state === 'printed');
  expect(link.paper.map((p) => p.transactionId)).toEqual(['DC-1']);
});
