/**
 * Part 10 — the till's outbox: a busy till cut off from the fleet's PostgreSQL for 10 minutes,
 * then reconnected. Measures the till's submit latency while PostgreSQL is unreachable (the outbox
 * retrying against a port where nothing listens, the till's worker printing its own receipts),
 * against the same submits with no outbox; then how fast the backlog drains into PostgreSQL.
 * Backlog: 1 job per second for 10 minutes = 600 jobs (a busy till takes a few orders a minute:
 * e.g. 4 orders/min × 3 tickets = 12 jobs/min; 1/s is five times that), two thirds for the till's
 * own printer (printed while cut off: 4 history rows each), one third for the kitchen, homed on
 * a print server (handed over on reconnection). Against RECEIPT_SPOOL_TEST_PG or BENCH_PG:
 *   scripts/pg-test-cluster.sh run -- npm run bench outbox
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { VirtualPrinter } from '../src/emulator/index.js';
import { Printer } from '../src/printer/printer.js';
import { openOutbox } from '../src/spool/outbox/outbox.js';
import { openSpool, type Spool } from '../src/spool/spool.js';
import { TcpTransport } from '../src/transport/tcp.js';
import { fixture } from './encoding.js';
import { runIfMain } from './lib/cli.js';
import { percentile, type BenchOptions } from './lib/measure.js';
import { absolute, againstFloor, type Figure, type PartResult } from './lib/results.js';

const cafe = fixture('receipt-cafe.json');
const TITLE = '10. Till outbox: submit while PostgreSQL is unreachable, drain after a 10-minute outage';
const HOMES = { front: 'till-1', kitchen: 'server-1' };
const WARMUP = 12;

function schemaUrl(base: string, schema: string, port?: number): string {
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  if (port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }
  return url.toString();
}

/** A port on 127.0.0.1 where nothing listens (taken and given back). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Submit times (ms) of `count` receipts, two of three for `front`, one for `kitchen`. */
async function submitEach(spool: Spool, prefix: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await spool.submit({ ...cafe, transactionId: `${prefix}-${i}`, printer: i % 3 === 2 ? 'kitchen' : 'front' });
    times.push(performance.now() - t);
  }
  return times;
}

async function tillWithPrinter(dir: string, name: string): Promise<{ spool: Spool; dbPath: string; close(): Promise<void> }> {
  const dbPath = path.join(dir, `${name}.db`);
  const spool = openSpool({ path: dbPath });
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), pollIntervalMs: 0 });
  spool.createWorker({ printer: 'front', link, profile: 'epson-tm-t88', statusPollMs: 60_000 }).start();
  return {
    spool,
    dbPath,
    async close() {
      await spool.close({ timeoutMs: 2000 });
      await link.close();
      await printer.close();
    },
  };
}

async function outageFigures(admin: pg.Client, base: string, schema: string, jobs: number): Promise<{ figures: Figure[]; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-outbox-'));
  try {
    // The floor: the same till, the same submits, no outbox.
    const plain = await tillWithPrinter(dir, 'plain');
    await submitEach(plain.spool, 'PW', WARMUP);
    const floor = await submitEach(plain.spool, 'P', jobs);
    await plain.close();

    const till = await tillWithPrinter(dir, 'till');
    const cutOff = openOutbox({ path: till.dbPath, fleet: { url: schemaUrl(base, schema, await deadPort()), host: 'till-1', homes: HOMES }, retryMs: 200 });
    let fleetErrors = 0;
    cutOff.on('fleet-error', () => fleetErrors++);
    cutOff.start();
    // The warm-up receipts join the backlog: it holds `jobs` + WARMUP jobs.
    await submitEach(till.spool, 'TW', WARMUP);
    const during = await submitEach(till.spool, 'T', jobs);
    const ownJobs = jobs - Math.floor(jobs / 3) + WARMUP - Math.floor(WARMUP / 3);
    while ((await till.spool.list({ state: 'printed' })).length < ownJobs) await new Promise((resolve) => setTimeout(resolve, 50));
    await cutOff.close();
    if (fleetErrors === 0) throw new Error('outbox bench: the cut-off outbox never reported the fleet unreachable');

    const reconnected = openOutbox({ path: till.dbPath, fleet: { url: schemaUrl(base, schema), host: 'till-1', homes: HOMES } });
    const start = performance.now();
    const report = await reconnected.drain();
    const seconds = (performance.now() - start) / 1000;
    await reconnected.close();
    await till.close();
    const backlog = jobs + WARMUP;
    const inFleet = Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.jobs`)).rows[0]!.n);
    if (inFleet !== backlog) throw new Error(`outbox bench: ${inFleet} of ${backlog} jobs reached PostgreSQL`);
    return {
      rows: report.rows,
      figures: [
        againstFloor(
          { name: 'till submit p50, PostgreSQL unreachable', unit: 'ms', ours: percentile(during, 50), others: { 'no outbox': percentile(floor, 50) }, better: 'lower' },
          'no outbox',
        ),
        againstFloor(
          { name: 'till submit p99, PostgreSQL unreachable', unit: 'ms', ours: percentile(during, 99), others: { 'no outbox': percentile(floor, 99) }, better: 'lower' },
          'no outbox',
        ),
        absolute(
          { name: `outbox drain (${backlog} jobs backlog)`, unit: 'jobs/s', ours: backlog / seconds, others: {}, better: 'higher', goal: `≥ 60 (10 min of backlog in ≤ 10 s)` },
          60,
        ),
        absolute({ name: 'outbox drain, history rows', unit: 'rows/s', ours: report.rows / seconds, others: {}, better: 'higher' }),
        absolute({ name: 'outbox drain, whole backlog', unit: 's', ours: seconds, others: {}, better: 'lower' }),
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function outboxPart(options: BenchOptions): Promise<PartResult> {
  const base = process.env['BENCH_PG'] ?? process.env['RECEIPT_SPOOL_TEST_PG'];
  if (!base) {
    return {
      part: 'outbox',
      title: TITLE,
      figures: [],
      notes: ['not run: no PostgreSQL. Run `scripts/pg-test-cluster.sh run -- npm run bench outbox` (needs apt-get install postgresql), or set BENCH_PG=postgres://…'],
    };
  }
  const schema = `rs_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const jobs = options.smoke ? 30 : 600;
  try {
    const { figures, rows } = await outageFigures(admin, base, schema, jobs);
    return {
      part: 'outbox',
      title: TITLE,
      figures,
      notes: [
        `PostgreSQL ${(await admin.query<{ v: string }>('SELECT current_setting($$server_version$$) AS v')).rows[0]?.v ?? '?'} on 127.0.0.1 (default settings, fsync on), schema ${schema}`,
        `backlog: ${jobs} jobs (plus ${WARMUP} warm-up submits), what a till taking 1 job/s (a busy till takes about 12/min) accumulates in ${jobs / 60} min; two thirds printed on the till's own printer while cut off, one third for a kitchen printer homed on a print server; ${rows} history rows forwarded`,
        'submit: sequential spool.submit() of the café receipt on the till (SQLite, synchronous=FULL) while its worker prints and its outbox retries a port where nothing listens, vs the same without an outbox',
        'drain: one outbox.drain() after reconnection, batches of 500 history rows, each one PostgreSQL transaction with the till cursor',
      ],
    };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
  }
}

runIfMain(import.meta.url, 'outbox', outboxPart);
