/**
 * Operator truth in the library, with injected clocks: liveness (heartbeat, `no worker`), cancel
 * and move (refused while sending), same-host takeover of a dead holder's lease, a printer that
 * stays unreachable becoming `needs-attention`, waitFor/watch, and the reprint mark's local time.
 */
import { systemClock } from '../../src/clock.js';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DisconnectedError, JobBusyError, JobCancelledError, WaitTimeoutError } from '../../src/errors.js';
import { judgeHealth } from '../../src/spool/health.js';
import { processAlive } from '../../src/spool/lease.js';
import { formatMarkTime } from '../../src/spool/mark-time.js';
import { Spool } from '../../src/spool/spool.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import type { HistoryEntry } from '../../src/spool/types.js';
import { eventually, FakeLink, receipt, testRender, useTempSpool } from './helpers.js';

const context = useTempSpool();

/** Only `now` is driven here (`at`); timers are real. */
class ManualClock {
  constructor(public at = 1_000_000) {}
  now = (): number => this.at;
  setTimeout = systemClock.setTimeout;
  clearTimeout = systemClock.clearTimeout;
}

/** A pid that existed and is gone: a child that already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  expect(pid).toBeGreaterThan(0);
  return pid;
}

describe('liveness', () => {
  it('counts an observation only while a lease is live and the heartbeat fresh', () => {
    const observed = { printer: 'front', ready: true, reason: 'ok' as const, observedAt: 900, status: null, heartbeatAt: 1000 };
    const lease = { holder: 'w1', expiresAt: 20_000 };
    expect(judgeHealth('front', observed, lease, 5000, 15_000)).toMatchObject({ ready: true, reason: 'ok', servedBy: 'w1' });
    expect(judgeHealth('front', observed, lease, 16_001, 15_000)).toMatchObject({ ready: false, reason: 'no worker', heartbeatAt: 1000 });
    expect(judgeHealth('front', observed, undefined, 5000, 15_000)).toMatchObject({ ready: false, reason: 'no worker', observedAt: 900 });
    expect(judgeHealth('front', undefined, undefined, 5000, 15_000)).toMatchObject({ ready: false, reason: 'no worker', heartbeatAt: null });
  });

  it('a stopped worker leaves "no worker"; a running one heartbeats with each poll', async () => {
    const { spool } = context;
    const other = new Spool(new SqliteStore(spool.path));
    try {
      const worker = spool.createWorker({ printer: 'front', link: new FakeLink(), render: testRender, pollMs: 20, statusPollMs: 20 });
      worker.start();
      await worker.observed();
      await eventually(async () => (await other.health('front')).ready);
      const first = (await other.health('front')).heartbeatAt!;
      await eventually(async () => ((await other.health('front')).heartbeatAt ?? 0) > first);
      await worker.stop();
      expect(await other.health('front')).toMatchObject({ ready: false, reason: 'no worker', servedBy: null });
    } finally {
      await other.close();
    }
  });
});

describe('cancel and move', () => {
  it('cancels a waiting transaction (audited), refuses while it is being sent', async () => {
    const { spool } = context;
    const store = new SqliteStore(spool.path);
    try {
      await spool.submit(receipt('T-1', 'front'));
      await spool.submit(receipt('T-2', 'front'));
      expect(await store.acquireLease('front', 'w', 60_000, Date.now())).toBe(true);
      const claimed = await store.claimJob({ printer: 'front', holder: 'w', includeAttention: false }, Date.now());
      expect(claimed?.transactionId).toBe('T-1');
      const refused = await spool.cancel('T-1', { by: 'anna', reason: 'test' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(JobBusyError);
      expect((refused as Error).message).toContain('sending');
      expect((await spool.get('T-1'))?.state).toBe('sending');

      const cancelled = await spool.cancel('T-2', { by: 'anna', reason: 'customer left' });
      expect(cancelled.map((job) => job.state)).toEqual(['cancelled']);
      expect((await spool.history('T-2')).at(-1)).toMatchObject({ toState: 'cancelled', message: 'cancelled by anna: customer left' });
      await expect(spool.waitFor('T-2')).rejects.toBeInstanceOf(JobCancelledError);
      expect(await spool.cancel('T-2', { by: 'anna', reason: 'again' })).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('moves a stranded job to another printer, where its worker prints it', async () => {
    const { spool } = context;
    await spool.submit(receipt('M-1', 'front'));
    const moved = await spool.move('M-1', 'back', { by: 'anna', reason: 'front is off' });
    expect(moved).toMatchObject([{ printer: 'back', state: 'queued' }]);
    expect((await spool.history('M-1')).at(-1)?.message).toBe('moved from front to back by anna: front is off');
    const back = new FakeLink();
    spool.createWorker({ printer: 'back', link: back, render: testRender }).start();
    expect(await spool.waitFor('M-1', { timeoutMs: 10_000 })).toMatchObject({ state: 'printed', printedOn: 'back' });
    expect(back.paper.map((p) => p.transactionId)).toEqual(['M-1']);
  });
});

describe('same-host crash takeover', () => {
  it('takes over at once the lease of a holder on this host whose process is gone (time does not move)', async () => {
    const { spool } = context;
    const clock = new ManualClock();
    const store = new SqliteStore(spool.path);
    try {
      const pid = deadPid();
      expect(processAlive(pid)).toBe(false);
      expect(await store.acquireLease('front', 'crashed', 60_000, clock.now(), { host: hostname(), pid })).toBe(true);
      const frozen = new Spool(new SqliteStore(spool.path), { clock });
      await frozen.submit(receipt('K-1', 'front'));
      const link = new FakeLink();
      frozen.createWorker({ printer: 'front', link, render: testRender, clock }).start();
      expect(await frozen.waitFor('K-1', { timeoutMs: 10_000 })).toMatchObject({ state: 'printed' });
      expect((await store.readLease('front'))?.pid).toBe(process.pid);
      await frozen.close();
    } finally {
      store.close();
    }
  });

  it('leaves a live holder alone, and never signals pid 0 or below', async () => {
    const { spool } = context;
    const clock = new ManualClock();
    const store = new SqliteStore(spool.path);
    try {
      expect(processAlive(0)).toBe(true);
      expect(processAlive(-1)).toBe(true);
      // The test runner's parent is alive: its lease stands until it expires.
      expect(await store.acquireLease('front', 'alive', 60_000, clock.now(), { host: hostname(), pid: process.ppid })).toBe(true);
      const frozen = new Spool(new SqliteStore(spool.path), { clock });
      await frozen.submit(receipt('K-2', 'front'));
      frozen.createWorker({ printer: 'front', link: new FakeLink(), render: testRender, clock, pollMs: 10 }).start();
      await expect(frozen.waitFor('K-2', { timeoutMs: 500 })).rejects.toBeInstanceOf(WaitTimeoutError);
      expect((await store.readLease('front'))?.holder).toBe('alive');
      await frozen.close();
    } finally {
      store.close();
    }
  });
});

describe('a printer that stays unreachable', () => {
  it('becomes needs-attention "printer unreachable" after unreachableAfterMs of the injected clock', async () => {
    const clock = new ManualClock();
    const spool = new Spool(new SqliteStore(context.spool.path), { clock });
    const link = new FakeLink();
    const away = () => ({ ok: false as const, error: new DisconnectedError('connection refused', { mayHavePrinted: false }) });
    link.script.push(...Array.from({ length: 50 }, away));
    const attention = new Promise<{ code: string; cause: string }>((resolve) => spool.on('needs-attention', resolve));
    // Each attempt moves the clock 30 s on: the fourth one is past the 90 s limit.
    spool.on('retrying', () => (clock.at += 30_000));
    const worker = spool.createWorker({
      printer: 'front',
      link,
      render: testRender,
      clock,
      unreachableAfterMs: 90_000,
      retry: { initialMs: 1, maxMs: 5 },
      pollMs: 10,
      leaseMs: 3_600_000,
    });
    await spool.submit(receipt('U-1', 'front'));
    worker.start();
    expect(await attention).toMatchObject({ code: 'PRINTER_UNREACHABLE', cause: 'printer unreachable on front' });
    expect(await spool.get('U-1')).toMatchObject({ state: 'needs-attention', lastErrorCode: 'PRINTER_UNREACHABLE' });
    expect(link.calls.length).toBe(4);
    await spool.close();
  });
});

describe('watch and waitFor across processes (two Spools on one store)', () => {
  it('yields every state change in order, and waitFor resolves with the job printed by the other', async () => {
    const { spool } = context;
    const pos = new Spool(new SqliteStore(path.resolve(spool.path)));
    try {
      const seen: HistoryEntry[] = [];
      const stop = new AbortController();
      const watching = (async () => {
        for await (const entry of pos.watch({ signal: stop.signal })) {
          seen.push(entry);
          if (entry.toState === 'printed') stop.abort();
        }
      })();
      await new Promise((resolve) => setImmediate(resolve));
      await pos.submit(receipt('W-1', 'front'));
      spool.createWorker({ printer: 'front', link: new FakeLink(), render: testRender }).start();
      expect(await pos.waitFor('W-1', { timeoutMs: 10_000 })).toMatchObject({ state: 'printed', guarantee: 'printed' });
      await watching;
      expect(seen.map((entry) => entry.toState)).toEqual(['queued', 'sending', 'confirming', 'printed']);
      expect(seen.map((entry) => entry.id)).toEqual([...seen.map((entry) => entry.id)].sort((a, b) => a - b));
    } finally {
      await pos.close();
    }
  });
});

describe('reprint mark time', () => {
  it('is local time in the configured zone and format, not a UTC ISO instant', () => {
    const at = Date.UTC(2026, 11, 6, 3, 26, 15);
    expect(formatMarkTime(at, { timeZone: 'Asia/Shanghai' })).toBe('2026-12-06 11:26');
    expect(formatMarkTime(at, { timeZone: 'America/New_York', format: 'time' })).toBe('22:26');
    expect(formatMarkTime(at, { timeZone: 'UTC', format: 'date' })).toBe('2026-12-06');
  });
});
