/**
 * The till's outbox against a real PostgreSQL, cut off for real (a TCP proxy closed: nothing
 * listens on the port the till was given). The virtual printers' journals, not the stores, show
 * the invariant: every transaction on paper once, complete and unmarked, on its home's printer.
 */
import net from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/spool/postgres/store.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import type { HistoryEntry } from '../../src/spool/types.js';
import { eventually, waitFor } from './helpers.js';
import { expectPrintedOnce, fleetUrl, journalOrder, openTill, printerWorker, proxyToTestServer, receiptFor, type Till } from './outbox-helpers.js';
import type { CuttableProxy } from './tcp-proxy.js';
import { dropSchema, freshSchema, postgres } from './postgres-helpers.js';

const HOMES = { front: 'till-1', kitchen: 'server-1' };

describe.skipIf(!postgres.available)('the till outbox (SQLite spool forwarding to PostgreSQL)', () => {
  let schema: string;
  let proxy: CuttableProxy;
  let till: Till;
  let fleet: Spool;
  let fleetStore: PostgresStore;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    schema = freshSchema();
    proxy = proxyToTestServer();
    till = openTill(schema, 'till-1', HOMES);
    fleet = openSpool({ url: fleetUrl(schema) });
    fleetStore = new PostgresStore(fleetUrl(schema));
    await fleet.list(); // created and migrated
  });

  afterEach(async () => {
    await till.close();
    await fleet.close({ timeoutMs: 2000 });
    await fleetStore.close();
    for (const close of closers.splice(0)) await close();
    await proxy.close();
    await dropSchema(schema);
  });

  /** The till's local history rows of `txn` as the fleet should show them (states and attempts, in order). */
  async function localTrail(txn: string): Promise<string[]> {
    return trail(await till.spool.history(txn));
  }

  function trail(rows: HistoryEntry[]): string[] {
    return rows.map((row) => `${row.fromState ?? '-'}>${row.toState}#${row.attempt}`);
  }

  it(
    'cut off for the whole test, the till prints its own receipts; once reconnected it forwards them all, and the kitchen prints its receipts once',
    { timeout: 60_000 },
    async () => {
      const front = await printerWorker(till.spool, 'front');
      closers.push(front.close);
      await proxy.listen();
      const port = proxy.port;
      await proxy.close(); // nothing listens on the till's fleet port from now on
      const outbox = till.openOutbox(port);
      const firstError = waitFor<Error>(outbox, 'fleet-error');
      outbox.start();

      const frontTxns = Array.from({ length: 8 }, (_, i) => `F-${i}`);
      const kitchenTxns = Array.from({ length: 4 }, (_, i) => `K-${i}`);
      for (let i = 0; i < frontTxns.length; i++) {
        await till.spool.submit(receiptFor(frontTxns[i]!, 'front'));
        if (i % 2 === 1) await till.spool.submit(receiptFor(kitchenTxns[(i - 1) / 2]!, 'kitchen'));
      }
      expect((await firstError).message).toMatch(/PostgreSQL is unreachable/);
      await eventually(async () => (await till.spool.list({ state: 'printed', printer: 'front' })).length === frontTxns.length, 20_000);
      expectPrintedOnce(front.printer, frontTxns);
      expect(await fleet.list()).toEqual([]);
      expect((await till.spool.list({ printer: 'kitchen' })).map((job) => job.state)).toEqual(['queued', 'queued', 'queued', 'queued']);

      // The kitchen's print server runs on the fleet; the till reconnects.
      const kitchen = await printerWorker(fleet, 'kitchen');
      closers.push(kitchen.close);
      await proxy.listen(port);
      await eventually(async () => (await fleet.list({ state: 'printed' })).length === frontTxns.length + kitchenTxns.length, 30_000);

      expectPrintedOnce(kitchen.printer, kitchenTxns);
      expect(journalOrder(kitchen.printer, kitchenTxns)).toEqual(kitchenTxns);
      expectPrintedOnce(front.printer, frontTxns); // nobody printed the till's receipts again
      for (const txn of frontTxns) {
        const job = (await fleet.get(txn))!;
        expect({ txn, state: job.state, printer: job.printer, marked: job.marked }).toEqual({ txn, state: 'printed', printer: 'front', marked: false });
        expect(trail(await fleet.history(txn))).toEqual(await localTrail(txn));
        expect((await fleet.history(txn))[0]!.message).toMatch(/^on till-1: submitted/);
      }
      for (const txn of kitchenTxns) {
        const local = (await till.spool.get(txn))!;
        expect(local.state).toBe('cancelled');
        expect((await till.spool.history(txn)).at(-1)!.message).toBe('forwarded to the fleet: printed there by its home server-1');
        expect((await fleet.history(txn)).map((row) => row.message)).toContain('on till-1: forwarded to its home server-1');
      }
      // In submit order: the fleet's ids follow the till's.
      const fleetIds = await Promise.all([...frontTxns, ...kitchenTxns].map(async (txn) => [(await till.spool.get(txn))!.id, (await fleet.get(txn))!.id]));
      const byLocal = [...fleetIds].sort((a, b) => a[0]! - b[0]!).map(([, fleetId]) => fleetId);
      expect(byLocal).toEqual([...byLocal].sort((a, b) => a! - b!));
      // The till's own printer is leased to it in the fleet: no print server may claim its jobs.
      expect(await fleetStore.readLease('front')).toMatchObject({ holder: 'home:till-1', host: 'till-1' });
      expect(await fleetStore.acquireLease('front', 'print-server-worker', 5000, Date.now(), { host: 'server-1', pid: 1 })).toBe(false);
    },
  );

  it('a forward cut again and again mid-way is retried without duplicates, in order', { timeout: 60_000 }, async () => {
    const front = await printerWorker(till.spool, 'front');
    closers.push(front.close);
    const txns = Array.from({ length: 30 }, (_, i) => `C-${String(i).padStart(2, '0')}`);
    for (const txn of txns) await till.spool.submit(receiptFor(txn, txns.indexOf(txn) % 5 === 4 ? 'kitchen' : 'front'));
    const frontTxns = txns.filter((_, i) => i % 5 !== 4);
    const kitchenTxns = txns.filter((_, i) => i % 5 === 4);
    await eventually(async () => (await till.spool.list({ state: 'printed' })).length === frontTxns.length, 20_000);

    await proxy.listen();
    const outbox = till.openOutbox(proxy.port, { batchSize: 3 });
    let errors = 0;
    outbox.on('fleet-error', () => errors++);
    let cuts = 0;
    const cutter = setInterval(() => {
      if (cuts++ < 25) proxy.cut();
    }, 7);
    try {
      outbox.start();
      await eventually(async () => {
        const { forwardedThrough, latest } = await outbox.backlog();
        return forwardedThrough === latest;
      }, 40_000);
    } finally {
      clearInterval(cutter);
    }
    expect(errors).toBeGreaterThan(0);

    const fleetJobs = await fleet.list();
    expect(fleetJobs.map((job) => job.transactionId)).toEqual(txns); // each once, in submit order
    for (const txn of frontTxns) expect(trail(await fleet.history(txn))).toEqual(await localTrail(txn));
    for (const txn of kitchenTxns) expect((await fleet.get(txn))!.state).toBe('queued'); // waits for its home's worker

    const kitchen = await printerWorker(fleet, 'kitchen');
    closers.push(kitchen.close);
    await eventually(async () => (await fleet.list({ state: 'printed', printer: 'kitchen' })).length === kitchenTxns.length, 20_000);
    expectPrintedOnce(kitchen.printer, kitchenTxns);
    expect(journalOrder(kitchen.printer, kitchenTxns)).toEqual(kitchenTxns);
  });

  it('two outboxes of one till forwarding at once write every job and history row once', { timeout: 30_000 }, async () => {
    const txns = Array.from({ length: 20 }, (_, i) => `D-${i}`);
    const printerOf = (i: number): string => (i % 2 === 0 ? 'kitchen' : 'front');
    for (const [i, txn] of txns.entries()) await till.spool.submit(receiptFor(txn, printerOf(i)));
    await till.spool.cancel('D-1', { by: 'ana', reason: 'wrong table' });
    await proxy.listen();
    const one = till.openOutbox(proxy.port, { batchSize: 2 });
    const two = till.openOutbox(proxy.port, { batchSize: 2 });
    const reports = await Promise.all([one.drain(), two.drain()]);
    expect(reports.flatMap((report) => report.handedOver).length).toBe(txns.length / 2);
    const fleetJobs = await fleet.list();
    expect(fleetJobs.map((job) => job.transactionId)).toEqual(txns);
    expect(fleetJobs.map((job) => job.state)).toEqual(txns.map((txn) => (txn === 'D-1' ? 'cancelled' : 'queued')));
    expect(fleetJobs.every((job) => !job.mustMark)).toBe(true);
    for (const [i, txn] of txns.entries()) {
      if (printerOf(i) === 'front') expect(trail(await fleet.history(txn))).toEqual(await localTrail(txn));
      else expect((await till.spool.get(txn))!.state).toBe('cancelled');
    }
  });

  it('a transaction the fleet already has (submitted on another host) is not queued again', async () => {
    await fleet.submit(receiptFor('SAME-1', 'kitchen'));
    await till.spool.submit(receiptFor('SAME-1', 'kitchen'));
    await proxy.listen();
    const report = await till.openOutbox(proxy.port).drain();
    expect(report.handedOver).toMatchObject([{ created: false, home: 'server-1' }]);
    expect((await fleet.list()).length).toBe(1);
    expect((await till.spool.history('SAME-1')).at(-1)!.message).toBe('forwarded to the fleet, which had this transaction already');
  });

  it("after a crash between the fleet's commit and the till's withdrawal, the next outbox withdraws the job and queues nothing again", async () => {
    await till.spool.submit(receiptFor('CRASH-1', 'kitchen'));
    await proxy.listen();
    await till.openOutbox(proxy.port).drain();
    // The state a crash right after the fleet's COMMIT leaves: the till's job still queued, no withdrawal row.
    const db = new Database(till.dbPath);
    db.prepare(`UPDATE jobs SET state = 'queued' WHERE transaction_id = 'CRASH-1'`).run();
    db.prepare(`DELETE FROM job_history WHERE transaction_id = 'CRASH-1' AND to_state = 'cancelled'`).run();
    db.close();
    const report = await till.openOutbox(proxy.port).drain();
    expect(report.handedOver).toEqual([]);
    expect((await till.spool.get('CRASH-1'))!.state).toBe('cancelled');
    expect((await fleet.list()).map((job) => [job.transactionId, job.state])).toEqual([['CRASH-1', 'queued']]);
  });

  it('a fleet that accepts the connection and then says nothing (a silently dropped network) fails the forward after fleetTimeoutMs', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket.on('error', () => {})));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      await till.spool.submit(receiptFor('SILENT-1', 'kitchen'));
      const outbox = till.openOutbox((silent.address() as net.AddressInfo).port, { fleetTimeoutMs: 300 });
      await expect(outbox.drain()).rejects.toMatchObject({ code: 'STORE_ERROR' });
      expect((await till.spool.get('SILENT-1'))!.state).toBe('queued');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
