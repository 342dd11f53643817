/**
 * Part 3 — durable submit: `spool.submit()` latency and rate against two floors measured in the
 * same run on the same disk, interleaved one operation each in turn (so a noisy neighbour on the
 * shared machine hits all three alike): a bare better-sqlite3 INSERT of the same row, with the
 * store's own durability settings (`makeDurable`: WAL, synchronous=FULL), and a raw append +
 * fsync of the same bytes.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { openSpool } from '../src/spool/spool.js';
import { makeDurable } from '../src/spool/sqlite/open.js';
import { fixture } from './encoding.js';
import { runIfMain } from './lib/cli.js';
import { percentile, type BenchOptions } from './lib/measure.js';
import { absolute, againstFloor, type Figure, type PartResult } from './lib/results.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;

interface Latencies {
  p50: number;
  p99: number;
  perSecond: number;
}

type Operation = (i: number) => unknown;

/** Runs the operations in turn, `count` rounds (the first of each round alternating), timing each call. */
async function timeInterleaved(count: number, operations: readonly Operation[]): Promise<Latencies[]> {
  const times = operations.map(() => [] as number[]);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < operations.length; k++) {
      const which = (k + i) % operations.length;
      const t = performance.now();
      await operations[which]!(i);
      times[which]!.push(performance.now() - t);
    }
  }
  return times.map((each) => {
    const total = each.reduce((sum, t) => sum + t, 0);
    return { p50: percentile(each, 50), p99: percentile(each, 99), perSecond: (each.length * 1000) / total };
  });
}

/** The settings that decide what a commit costs, as SQLite reports them for the connection. */
function durability(db: BetterSqlite3.Database, names: readonly string[]): string {
  return names.map((name) => `${name}=${String(db.pragma(name, { simple: true }))}`).join(' ');
}

export async function submitPart(options: BenchOptions): Promise<PartResult> {
  const count = options.smoke ? 30 : 2000;
  const warmup = options.smoke ? 5 : 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-submit-'));
  const cafe = fixture('receipt-cafe.json');
  // Same length for every id, in every store: BENCH-W0000001 (warm-up), BENCH-00000001.
  const transactionId = (prefix: string, i: number) => `BENCH-${prefix}${String(i).padStart(8 - prefix.length, '0')}`;
  const documentFor = (txn: string) => ({ ...cafe, transactionId: txn });
  try {
    // spool.submit(): validation + card-data scan + the job, its indexes and its history row in one durable commit
    const spool = openSpool({ path: path.join(dir, 'spool.db') });
    for (let i = 0; i < warmup; i++) await spool.submit(documentFor(transactionId('W', i)));
    // The bare row carries the document exactly as the spool stored it (after the lenient reading).
    const stored = await spool.get(transactionId('W', 0));
    const payload = JSON.stringify(stored!.document).replace(transactionId('W', 0), '%TXN%');
    const bareRow = (txn: string) => payload.replace('%TXN%', txn);

    // floor 1: a bare INSERT of the same row, with the store's durability settings
    const db = new Database(path.join(dir, 'bare.db'));
    makeDurable(db);
    db.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE, document TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO jobs (transaction_id, document) VALUES (?, ?)');
    for (let i = 0; i < warmup; i++) insert.run(transactionId('W', i), bareRow(transactionId('W', i)));

    // floor 2: append the same bytes to a file and fsync
    const fd = fs.openSync(path.join(dir, 'raw.log'), 'a');
    const append = (txn: string): void => {
      fs.writeSync(fd, bareRow(txn));
      fs.fsyncSync(fd);
    };
    for (let i = 0; i < warmup; i++) append(transactionId('W', i));

    const spoolFile = new Database(path.join(dir, 'spool.db'), { readonly: true });
    const fileSettings = ['journal_mode', 'page_size'];
    const settings = { spool: durability(spoolFile, fileSettings), bare: durability(db, [...fileSettings, 'synchronous', 'wal_autocheckpoint']) };
    spoolFile.close();
    const [ours, bare, raw] = (await timeInterleaved(count, [
      (i) => spool.submit(documentFor(transactionId('', i))),
      (i) => insert.run(transactionId('', i), bareRow(transactionId('', i))),
      (i) => append(transactionId('', i)),
    ])) as [Latencies, Latencies, Latencies];
    await spool.close();
    db.close();
    fs.closeSync(fd);
    const bytes = Buffer.byteLength(bareRow(transactionId('', 0)));

    const figures: Figure[] = [
      againstFloor({ name: 'submit p50', unit: 'ms', ours: ours.p50, others: { 'bare INSERT': bare.p50, 'write+fsync': raw.p50 }, better: 'lower' }, 'bare INSERT'),
      againstFloor(
        {
          name: 'submit p99',
          unit: 'ms',
          ours: ours.p99,
          others: { 'bare INSERT': bare.p99, 'write+fsync': raw.p99 },
          better: 'lower',
          goal: '≤1.5× bare INSERT p99',
        },
        'bare INSERT',
        1.5,
      ),
      againstFloor(
        { name: 'submit rate', unit: 'submits/s', ours: ours.perSecond, others: { 'bare INSERT': bare.perSecond, 'write+fsync': raw.perSecond }, better: 'higher' },
        'bare INSERT',
      ),
      absolute({ name: 'payload size', unit: 'bytes', ours: bytes, others: {}, better: 'lower' }),
    ];
    return {
      part: 'submit',
      title: '3. Durable submit (spool.submit vs bare INSERT and write+fsync floors)',
      figures,
      notes: [
        `${count} rounds after ${warmup} warm-up ones, in ${os.tmpdir()}: each round one spool.submit() of the café receipt, one bare INSERT, one write+fsync, in turn (the first alternating), timed one call at a time`,
        `bare INSERT: one row (id INTEGER PRIMARY KEY, transaction_id TEXT UNIQUE, document TEXT = the ${bytes}-byte JSON the spool stored) in its own autocommit transaction; the spool's commit holds the same document plus the job's other columns, its indexes and its history row`,
        `durability: both connections set by makeDurable (src/spool/sqlite/open.ts: WAL, synchronous=FULL, an fsync at every commit); spool file ${settings.spool}; bare ${settings.bare} (synchronous 2 = FULL)`,
        'ratio = ours in units of the bare INSERT (latency ours/floor, rate floor/ours): 1 = as fast as the floor',
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, 'submit', submitPart);
