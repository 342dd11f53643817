/**
 * Found by the fleet chaos test (seed 15): a print server (re)started while its printer was hung
 * or power-cycling heard no status at connect, took the two-way printer for a one-way link, and
 * gave the job up as ONE_WAY (`failed`, for an operator to retry). The printer is asked again
 * before a job is refused as one-way: a printer that answers by then prints the job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { Printer } from '../../src/printer/printer.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { eventually, tempDir } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

it('a printer silent when the worker connects, answering by the time the job goes out, prints it', { timeout: 30_000 }, async () => {
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  const dir = tempDir();
  const spool: Spool = openSpool({ path: path.join(dir, 'spool.db') });
  const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), timeouts: { probe: 300, status: 300 } });
  cleanup = async () => {
    await spool.close({ timeoutMs: 2000 });
    await link.close();
    await printer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  await spool.submit({ transactionId: 'HUNG-1', content: ['receipt HUNG-1', { cut: true }] });
  printer.hang(500); // answers nothing while the worker connects and probes
  spool.createWorker({ printer: 'default', link, profile: 'generic-80', statusPollMs: 100, retry: { initialMs: 50, maxMs: 200 } }).start();

  await eventually(async () => ['printed', 'failed'].includes((await spool.get('HUNG-1'))!.state), 20_000);
  expect(await spool.get('HUNG-1')).toMatchObject({ state: 'printed', attempts: 1, marked: false, guarantee: 'printed' });
  expect(printer.journal.receipts.filter((r) => r.text.includes('receipt HUNG-1') && r.complete)).toHaveLength(1);
});
