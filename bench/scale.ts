/**
 * Part 6 — scale: a store with 100,000 printed jobs (+ a few needing attention on another
 * printer) and 10 queued. Time from a fresh worker process opening the store to the first byte of
 * the first queued job at the VirtualPrinter, that process's RSS, the store's size, and
 * `list --state needs-attention` through the library and through the CLI.
 *
 * The store has no bulk-import path, so the printed history is written with direct SQL (one
 * prepared INSERT in one transaction, synchronous=OFF while populating) into the schema the
 * spool's own migrations created; the 10 queued jobs go through `spool.submit()`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { VirtualPrinter } from '../src/emulator/index.js';
import { openSpool } from '../src/spool/spool.js';
import { fixture } from './encoding.js';
import { nextJobStart } from './first-byte.js';
import { startWorkerChild } from './lib/child.js';
import { runIfMain } from './lib/cli.js';
import { medianMs, type BenchOptions } from './lib/measure.js';
import { absolute, type Figure, type PartResult } from './lib/results.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const cafe = fixture('receipt-cafe.json');
const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function populate(dbPath: string, printed: number, attention: number): number {
  const started = Date.now();
  const db = new Database(dbPath);
  db.pragma('synchronous = OFF');
  const job = db.prepare(
    `INSERT INTO jobs (transaction_id, printer, kind, document, state, attempts, copy, guarantee, printed_on, created_at, updated_at, printed_at,
       last_error_code, last_error_message)
     VALUES (?, ?, 'original', ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const history = db.prepare(
    `INSERT INTO job_history (job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee) VALUES (?, ?, ?, 'confirming', ?, 1, 620, ?)`,
  );
  const base = Date.now() - 30 * 24 * 3600 * 1000;
  db.transaction(() => {
    for (let i = 0; i < printed + attention; i++) {
      const txn = `HIST-${String(i).padStart(7, '0')}`;
      const at = base + i * 1000;
      const document = JSON.stringify({ ...cafe, printer: 'default', transactionId: txn });
      const isAttention = i >= printed;
      const { lastInsertRowid } = isAttention
        ? job.run(txn, 'back', document, 'needs-attention', null, null, at, at, null, 'PAPER_END', 'paper out on back')
        : job.run(txn, 'default', document, 'printed', 'printed', 'default', at, at, at, null, null);
      history.run(lastInsertRowid, txn, at, isAttention ? 'needs-attention' : 'printed', isAttention ? null : 'printed');
    }
  })();
  db.close();
  return Date.now() - started;
}

const fileSize = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : 0);

export async function scalePart(options: BenchOptions): Promise<PartResult> {
  const printedCount = options.smoke ? 1000 : 100_000;
  const attentionCount = 5;
  const queued = 10;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-scale-'));
  const dbPath = path.join(dir, 'spool.db');
  const printer = new VirtualPrinter();
  const notes: string[] = [];
  try {
    await openSpool({ path: dbPath }).close(); // create + migrate with the spool's own schema
    const populateMs = populate(dbPath, printedCount, attentionCount);
    const spool = openSpool({ path: dbPath });
    for (let i = 0; i < queued; i++) await spool.submit({ ...cafe, printer: 'default', transactionId: `QUEUED-${i}` });
    const listMs = await medianMs(() => spool.list({ state: 'needs-attention' }), 5);
    const listed = (await spool.list({ state: 'needs-attention' })).length;
    if (listed !== attentionCount) throw new Error(`list found ${listed} jobs needing attention, expected ${attentionCount}`);
    await spool.close();
    const storeBytes = fileSize(dbPath) + fileSize(`${dbPath}-wal`);

    const { port } = await printer.listen();
    const firstByte = nextJobStart(printer, 60_000);
    const child = startWorkerChild(dbPath, port, queued);
    let openToFirstByte: number;
    let rss: number;
    let peakRss: number;
    try {
      const opening = Number((await child.line((l) => l.startsWith('opening '))).split(' ')[1]);
      openToFirstByte = (await firstByte) - opening;
      const rssLine = await child.line((l) => l.startsWith('rss '), 120_000);
      [rss, peakRss] = rssLine.split(' ').slice(1).map(Number) as [number, number];
      await child.exited;
    } finally {
      await child.stop();
    }

    const figures: Figure[] = [
      absolute({ name: 'open → first byte of first queued job', unit: 'ms', ours: openToFirstByte, others: {}, better: 'lower', goal: '≤500 ms' }, 500),
      absolute({ name: 'worker process peak RSS', unit: 'MB', ours: peakRss / 1e6, others: { 'RSS at exit': rss / 1e6 }, better: 'lower', goal: '≤150 MB' }, 150),
      absolute({ name: 'store size', unit: 'MB', ours: storeBytes / 1e6, others: {}, better: 'lower' }),
      absolute({ name: 'list needs-attention (library)', unit: 'ms', ours: listMs, others: {}, better: 'lower' }),
    ];
    if (fs.existsSync(CLI)) {
      const args = ['--import', 'tsx', CLI, 'list', '--state', 'needs-attention', '--db', dbPath, '--json'];
      const probe = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (probe.status === 0) {
        const cliMs = await medianMs(() => spawnSync(process.execPath, args, { encoding: 'utf8' }), options.smoke ? 1 : 3, 1);
        const version = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--version'], { encoding: 'utf8' });
        const startupMs = version.status === 0 ? await medianMs(() => spawnSync(process.execPath, ['--import', 'tsx', CLI, '--version']), options.smoke ? 1 : 3, 1) : null;
        figures.push(absolute({ name: 'list needs-attention (CLI process)', unit: 'ms', ours: cliMs, others: { 'CLI --version': startupMs }, better: 'lower' }));
        notes.push('CLI run from source through tsx (a built dist/cli starts faster); "CLI --version" is the same process doing nothing');
      } else {
        notes.push(`CLI list could not run: ${(probe.stderr || probe.stdout).trim().split('\n')[0]}`);
      }
    } else {
      notes.push('CLI not built yet (src/cli/main.ts missing): library figure only');
    }
    notes.unshift(
      `${printedCount} printed jobs (+1 history row each) and ${attentionCount} needs-attention jobs (printer "back") written by direct SQL in ${populateMs} ms; ${queued} queued via spool.submit()`,
      'first byte: from the child process calling openSpool() (after its module loading) to the first ESC @ at the VirtualPrinter over TCP',
    );
    return { part: 'scale', title: `6. Scale (${printedCount} printed + ${queued} queued)`, figures, notes };
  } finally {
    await printer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, 'scale', scalePart);
