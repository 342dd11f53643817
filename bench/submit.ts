/**
 * Part 3 — durable submit: `spool.submit()` latency and rate against two floors measured in the
 * same run on the same disk: a bare better-sqlite3 INSERT (WAL, synchronous=FULL) of a payload
 * of the same size, and a raw append + fsync of the same bytes.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { openSpool } from '../src/spool/spool.js';
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

async function timeEach(count: number, operation: (i: number) => unknown): Promise<Latencies> {
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await operation(i);
    times.push(performance.now() - t);
  }
  const elapsed = performance.now() - start;
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSecond: (count * 1000) / elapsed };
}

export async function submitPart(options: BenchOptions): Promise<PartResult> {
  const count = options.smoke ? 30 : 2000;
  const warmup = options.smoke ? 5 : 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-submit-'));
  const cafe = fixture('receipt-cafe.json');
  const documentFor = (i: number) => ({ ...cafe, transactionId: `BENCH-${String(i).padStart(8, '0')}` });
  const payload = JSON.stringify(documentFor(0));
  try {
    // spool.submit(): validation + card-data scan + durable commit
    const spool = openSpool({ path: path.join(dir, 'spool.db') });
    for (let i = 0; i < warmup; i++) await spool.submit(documentFor(-1 - i));
    const ours = await timeEach(count, (i) => spool.submit(documentFor(i)));
    await spool.close();

    // floor 1: a bare INSERT of the same payload in WAL with synchronous=FULL
    const db = new Database(path.join(dir, 'bare.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE jobs (id INTEGER PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE, document TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO jobs (transaction_id, document) VALUES (?, ?)');
    for (let i = 0; i < warmup; i++) insert.run(`W-${i}`, payload);
    const bare = await timeEach(count, (i) => insert.run(`T-${i}`, payload));
    db.close();

    // floor 2: append the same bytes to a file and fsync
    const fd = fs.openSync(path.join(dir, 'raw.log'), 'a');
    const bytes = Buffer.from(payload);
    for (let i = 0; i < warmup; i++) {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    }
    const raw = await timeEach(count, () => {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    });
    fs.closeSync(fd);

    const figures: Figure[] = [
      againstFloor(
        { name: 'submit p50', unit: 'ms', ours: ours.p50, others: { 'bare INSERT': bare.p50, 'write+fsync': raw.p50 }, better: 'lower' },
        'bare INSERT',
      ),
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
      absolute({ name: 'payload size', unit: 'bytes', ours: payload.length, others: {}, better: 'lower' }),
    ];
    return {
      part: 'submit',
      title: '3. Durable submit (spool.submit vs bare INSERT and write+fsync floors)',
      figures,
      notes: [
        `${count} sequential submits of the café receipt (unique transactionIds) after ${warmup} warm-up ones, in ${os.tmpdir()}`,
        'ratio = ours in units of the bare INSERT (latency ours/floor, rate floor/ours): 1 = as fast as the floor',
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, 'submit', submitPart);
