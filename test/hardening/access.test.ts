/**
 * Files and access: the store and its -wal/-shm are mode 0600 even under umask 000 (library and
 * CLI); the worker's log lines (CLI `worker --json`) and the spool's events never carry document
 * text; the default retention is 30 days and keeps the reprint audit; every server the project
 * opens (virtual printer data port, control port, `receipt-spool emulate`) listens on 127.0.0.1.
 */
import { systemClock } from '../../src/clock.js';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentPurgedError } from '../../src/errors.js';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { Printer } from '../../src/printer/printer.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { DEFAULT_RETENTION_MS, openSpool } from '../../src/spool/spool.js';
import { cliBuilt, listeningAddresses, runCli, startCli, tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

function scratch(): string {
  const { dir, remove } = tempDir();
  cleanups.push(remove);
  return dir;
}

const modeOf = (path: string) => (fs.statSync(path).mode & 0o777).toString(8);
const SECRET = 'SECRET-LINE-Ωmega-超市';

describe('store file permissions', () => {
  it('openSpool under umask 000: database, -wal and -shm are 0600', async () => {
    const db = join(scratch(), 'spool.db');
    const previous = process.umask(0);
    try {
      const spool = openSpool({ path: db });
      await spool.submit({ transactionId: 'P-1', content: ['x'] });
      expect({ db: modeOf(db), wal: modeOf(db + '-wal'), shm: modeOf(db + '-shm') }).toEqual({ db: '600', wal: '600', shm: '600' });
      await spool.close();
    } finally {
      process.umask(previous);
    }
  });

  it.skipIf(!cliBuilt)(
    'CLI under umask 000: submit creates the store 0600; a running worker keeps -wal/-shm 0600; its --json log has no document text (skipped only when dist/ is not built)',
    async () => {
      const dir = scratch();
      const db = join(dir, 'spool.db');
      const printer = new VirtualPrinter();
      const { uri } = await printer.listen({ port: 0 });
      cleanups.push(() => printer.close());
      const doc = JSON.stringify({ transactionId: 'LOG-1', content: [SECRET, { text: SECRET }, { row: [SECRET, '9.99'] }, { qr: SECRET }, { cut: true }] });

      const submitted = await runCli(['submit', '-', '--db', db, '--json'], { input: doc, umask: '000' });
      expect(submitted.code).toBe(0);
      expect(submitted.stdout + submitted.stderr).not.toContain(SECRET);
      expect(modeOf(db)).toBe('600');

      const worker = startCli(['worker', '--db', db, '--printer', uri, '--json'], { umask: '000' });
      cleanups.push(() => worker.stop());
      await worker.waitForLine((line) => line.includes('"event":"printed"'));
      expect({ db: modeOf(db), wal: modeOf(db + '-wal'), shm: modeOf(db + '-shm') }).toEqual({ db: '600', wal: '600', shm: '600' });
      await worker.stop();
      expect(printer.journal.receipts.at(-1)?.text).toContain('SECRET-LINE');
      const log = worker.lines.join('\n') + worker.stderr();
      expect(worker.lines.length).toBeGreaterThan(1);
      for (const line of worker.lines.filter((l) => l.trim() !== '')) expect(() => JSON.parse(line)).not.toThrow();
      expect(log).not.toContain('SECRET-LINE');
      expect(log).not.toContain('"document"');
    },
  );
});

describe('no document text in history or event messages', () => {
  it('history entries and fault messages (needs-attention cause, retry/failure/store errors) never contain document text', async () => {
    const dir = scratch();
    const spool = openSpool({ path: join(dir, 'spool.db') });
    const printer = new VirtualPrinter();
    const messages: string[] = [];
    spool.on('store-error', (e) => messages.push(e.message));
    spool.on('failed', (e) => messages.push(e.error.message));
    spool.on('retrying', (e) => messages.push(e.error.message));
    spool.on('needs-attention', (e) => messages.push(e.cause));
    const { uri } = await printer.listen({ port: 0 });
    cleanups.push(() => printer.close());
    const port = Number(new URL(uri).port);
    const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }) });
    const worker = spool.createWorker({ printer: 'default', link });
    worker.start();
    await spool.submit({ transactionId: 'EV-1', content: [SECRET, { cut: true }] });
    await new Promise<void>((done) => spool.on('printed', () => done()));
    printer.paperOut();
    await spool.submit({ transactionId: 'EV-2', content: [SECRET, { cut: true }] });
    await new Promise<void>((done) => spool.once('needs-attention', () => done()));
    const history = [...(await spool.history('EV-1')), ...(await spool.history('EV-2'))];
    expect(JSON.stringify(history) + messages.join('\n')).not.toContain('SECRET-LINE');
    await spool.close({ timeoutMs: 2000 });
    await link.close().catch(() => {});
  });
});

describe('retention', () => {
  it('the default period is 30 days: 29-day-old printed jobs stay, 31-day-old ones lose their document; jobs, history and reprint audit stay', async () => {
    expect(DEFAULT_RETENTION_MS).toBe(30 * 24 * 60 * 60 * 1000);
    const dir = scratch();
    let now = Date.UTC(2026, 0, 31);
    const spool = openSpool({ path: join(dir, 'spool.db'), clock: { ...systemClock, now: () => now } });
    const day = 24 * 60 * 60 * 1000;
    for (const id of ['OLD', 'YOUNG', 'QUEUED']) await spool.submit({ transactionId: id, content: ['x'] });
    await spool.reprint('OLD', { by: 'alice', reason: 'customer asked' });
    const db = new Database(spool.path);
    db.prepare(`UPDATE jobs SET state = 'printed', printed_at = ? WHERE transaction_id = 'OLD'`).run(now - 31 * day);
    db.prepare(`UPDATE jobs SET state = 'printed', printed_at = ? WHERE transaction_id = 'YOUNG'`).run(now - 29 * day);
    db.close();

    expect(await spool.purge()).toBe(2); // OLD and its reprint copy
    expect((await spool.get('OLD'))?.document).toBeNull();
    expect((await spool.get('YOUNG'))?.document).not.toBeNull();
    expect((await spool.get('QUEUED'))?.document).not.toBeNull();
    expect(await spool.reprints('OLD')).toMatchObject([{ by: 'alice', reason: 'customer asked' }]);
    expect((await spool.history('OLD')).length).toBeGreaterThan(0);
    await expect(spool.reprint('OLD', { by: 'bob', reason: 'again' })).rejects.toBeInstanceOf(DocumentPurgedError);
    now += 2 * day;
    expect(await spool.purge()).toBe(1); // YOUNG is 31 days old now; QUEUED never printed
    expect((await spool.get('QUEUED'))?.document).not.toBeNull();
    await spool.close();
  });
});

describe('servers bind 127.0.0.1 by default', () => {
  it('VirtualPrinter.listen(): data port and control port listen on 127.0.0.1 only', async () => {
    const printer = new VirtualPrinter();
    const result = await printer.listen({ port: 0, control: true, controlPort: 0 });
    cleanups.push(() => printer.close());
    expect(result.uri).toBe(`tcp://127.0.0.1:${result.port}`);
    expect(listeningAddresses(result.port)).toEqual(['127.0.0.1']);
    expect(listeningAddresses(result.controlPort!)).toEqual(['127.0.0.1']);
  });

  it.skipIf(!cliBuilt)('receipt-spool emulate: data and control ports on 127.0.0.1 (skipped only when dist/ is not built)', async () => {
    const emulator = startCli(['emulate', '--port', '0', '--control-port', '0', '--json']);
    cleanups.push(() => emulator.stop());
    const line = await emulator.waitForLine((l) => l.includes('"event":"listening"'));
    const listening = JSON.parse(line) as { uri: string; port: number; controlPort: number };
    expect(listening.uri).toBe(`tcp://127.0.0.1:${listening.port}`);
    expect(listeningAddresses(listening.port)).toEqual(['127.0.0.1']);
    expect(listeningAddresses(listening.controlPort)).toEqual(['127.0.0.1']);
  });
});
