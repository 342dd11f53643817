/**
 * A till for the outbox tests: its SQLite spool, a worker printing its own printer (a virtual
 * printer), its outbox to the fleet through a TCP proxy the test can close or cut; and a print
 * server: a worker on the fleet's PostgreSQL for a printer homed there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { Printer } from '../../src/printer/printer.js';
import { openOutbox, type Outbox, type OutboxOptions } from '../../src/spool/outbox/outbox.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { tempDir } from './helpers.js';
import { testDatabaseUrl } from './postgres-helpers.js';
import { CuttableProxy } from './tcp-proxy.js';

/** A proxy to the test server (cut it, close it: the till is cut off from the fleet). */
export function proxyToTestServer(): CuttableProxy {
  const server = new URL(testDatabaseUrl());
  return new CuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
}

/** The test server's URL with `schema`, through `port` when given (the proxy). */
export function fleetUrl(schema: string, port?: number): string {
  const url = new URL(testDatabaseUrl());
  if (port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** A virtual printer and a worker of `spool` printing to it. */
export async function printerWorker(spool: Spool, name: string): Promise<{ printer: VirtualPrinter; close(): Promise<void> }> {
  const printer = new VirtualPrinter({ linesPerSecond: 400 });
  const { port } = await printer.listen();
  const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), pollIntervalMs: 0 });
  spool.createWorker({ printer: name, link, profile: 'generic-80', statusPollMs: 500, leaseMs: 2000, retry: { initialMs: 20, maxMs: 200 } }).start();
  return {
    printer,
    async close() {
      await link.close();
      await printer.close();
    },
  };
}

export interface Till {
  dir: string;
  dbPath: string;
  spool: Spool;
  openOutbox(port: number, options?: Partial<OutboxOptions>): Outbox;
  close(): Promise<void>;
}

export function openTill(schema: string, host: string, homes: Record<string, string>): Till {
  const dir = tempDir();
  const dbPath = path.join(dir, 'till.db');
  const spool = openSpool({ path: dbPath });
  const outboxes: Outbox[] = [];
  return {
    dir,
    dbPath,
    spool,
    openOutbox(port, options = {}) {
      const outbox = openOutbox({ path: dbPath, fleet: { url: fleetUrl(schema, port), host, homes }, pollMs: 50, retryMs: 50, fleetTimeoutMs: 3000, ...options });
      outboxes.push(outbox);
      return outbox;
    },
    async close() {
      await Promise.all(outboxes.map((outbox) => outbox.close()));
      await spool.close({ timeoutMs: 2000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function receiptFor(txn: string, printer: string): { transactionId: string; printer: string; content: unknown[] } {
  return { transactionId: txn, printer, content: [`receipt ${txn}`, { cut: true }] };
}

/** The virtual printer's journal: each transaction has `copies` complete receipts, unmarked exactly as many as `unmarked`. */
export function journalCopies(printer: VirtualPrinter, txn: string): { complete: number; unmarked: number; total: number } {
  const copies = printer.journal.receipts.filter((r) => r.text.split('\n').includes(`receipt ${txn}`));
  return { complete: copies.filter((r) => r.complete).length, unmarked: copies.filter((r) => !r.text.includes('REPRINT')).length, total: copies.length };
}

/** Every transaction exactly once on paper, complete and unmarked (no host printed it twice). */
export function expectPrintedOnce(printer: VirtualPrinter, txns: readonly string[]): void {
  for (const txn of txns) expect({ txn, ...journalCopies(printer, txn) }).toEqual({ txn, complete: 1, unmarked: 1, total: 1 });
}

/** The order the transactions came out of the printer. */
export function journalOrder(printer: VirtualPrinter, txns: readonly string[]): string[] {
  return printer.journal.receipts.map((r) => txns.find((txn) => r.text.split('\n').includes(`receipt ${txn}`)) ?? '?');
}
