/**
 * PostgreSQL crash-restarted (immediate stop, same port) while a worker prints from it and POS code
 * submits: every receipt still prints, the invariant holds on the virtual printer's journal. Runs
 * its own throwaway cluster (scripts/pg-test-cluster.sh), so the restart disturbs no other test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { StoreError } from '../../src/errors.js';
import { Printer } from '../../src/printer/printer.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { eventually } from './helpers.js';
import { postgres } from './postgres-helpers.js';

const script = new URL('../../scripts/pg-test-cluster.sh', import.meta.url).pathname;
const serverInstalled = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`));

describe.skipIf(!postgres.available || !serverInstalled)('PostgreSQL restarted under a printing worker', () => {
  let cluster: { dir: string; url: string };

  beforeAll(() => {
    const exports = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
    cluster = { dir: /PG_TEST_DIR='([^']+)'/.exec(exports)![1]!, url: /RECEIPT_SPOOL_TEST_PG='([^']+)'/.exec(exports)![1]! };
  });
  afterAll(() => {
    if (cluster) execFileSync('bash', [script, 'stop', cluster.dir]);
  });

  async function serverStartTime(url: string): Promise<string> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return String((await client.query<{ t: Date }>('SELECT pg_postmaster_start_time() AS t')).rows[0]!.t.getTime());
    } finally {
      await client.end();
    }
  }

  /** A POS retries a submit the store refused (here: while the server restarts). */
  async function submitRetrying(spool: Spool, txn: string): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        await spool.submit({ transactionId: txn, content: [`receipt ${txn}`, { cut: true }] });
        return;
      } catch (error) {
        if (!(error instanceof StoreError) || n === 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it('every receipt prints, at most one unmarked copy each', { timeout: 90_000 }, async () => {
    const printer = new VirtualPrinter({ linesPerSecond: 200 });
    const { port } = await printer.listen();
    const spool = openSpool({ url: cluster.url });
    const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), pollIntervalMs: 0 });
    spool.createWorker({ printer: 'default', link, profile: 'generic-80', statusPollMs: 500, retry: { initialMs: 20, maxMs: 200 } }).start();
    const txns = Array.from({ length: 10 }, (_, i) => `RS-${i}`);
    try {
      for (const txn of txns.slice(0, 5)) await submitRetrying(spool, txn);
      await eventually(async () => (await spool.list({ state: 'printed' })).length >= 2, 30_000);
      const startedBefore = await serverStartTime(cluster.url);
      execFileSync('bash', [script, 'restart', cluster.dir]);
      expect(await serverStartTime(cluster.url)).not.toBe(startedBefore);
      for (const txn of txns.slice(5)) await submitRetrying(spool, txn);
      await eventually(async () => (await spool.list({ state: 'printed' })).length === txns.length, 60_000);
      for (const txn of txns) {
        const copies = printer.journal.receipts.filter((r) => r.text.split('\n').includes(`receipt ${txn}`));
        expect({ txn, complete: copies.some((r) => r.complete), unmarked: copies.filter((r) => !r.text.includes('REPRINT')).length <= 1 }).toEqual({
          txn,
          complete: true,
          unmarked: true,
        });
      }
    } finally {
      await spool.close({ timeoutMs: 2000 });
      await link.close();
      await printer.close();
    }
  });
});
