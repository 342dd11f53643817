/**
 * Part 7 — the fleet store (PostgreSQL), against the server named by RECEIPT_SPOOL_TEST_PG (or
 * BENCH_PG): submit p50/p99 vs a bare INSERT on the same server in the same run; the wake-up
 * (submit on one connection → watch() firing on another, by LISTEN/NOTIFY); submit on "host A" →
 * first byte at "host B"'s printer (the worker in another process, its own connections); ten
 * printers × N receipts through one database. Without a server it reports how to run it.
 *   scripts/pg-test-cluster.sh run -- npm run bench fleet
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { VirtualPrinter } from '../src/emulator/index.js';
import { Printer } from '../src/printer/printer.js';
import { PostgresStore } from '../src/spool/postgres/store.js';
import { openSpool, type Spool } from '../src/spool/spool.js';
import { TcpTransport } from '../src/transport/tcp.js';
import { fixture } from './encoding.js';
import { nextJobStart } from './first-byte.js';
import { startWorkerChild } from './lib/child.js';
import { runIfMain } from './lib/cli.js';
import { absoluteNow, percentile, type BenchOptions } from './lib/measure.js';
import { absolute, againstFloor, type Figure, type PartResult } from './lib/results.js';

const cafe = fixture('receipt-cafe.json');
const TITLE = '7. Fleet store (PostgreSQL): submit, wake-up, cross-host first byte, ten printers';

function schemaUrl(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return url.toString();
}

async function timeEach(count: number, operation: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await operation(i);
    times.push(performance.now() - t);
  }
  return times;
}

/** spool.submit() vs a bare INSERT of the same payload (autocommit, same server). */
async function submitFigures(admin: pg.Client, url: string, schema: string, count: number, warmup: number): Promise<Figure[]> {
  const spool = openSpool({ url });
  const doc = (i: number) => ({ ...cafe, transactionId: `SUB-${i}` });
  for (let i = 0; i < warmup; i++) await spool.submit(doc(-1 - i));
  const ours = await timeEach(count, (i) => spool.submit(doc(i)));
  await spool.close();
  const payload = JSON.stringify(doc(0));
  await admin.query(`CREATE TABLE ${schema}.bare_jobs (id BIGSERIAL PRIMARY KEY, transaction_id TEXT NOT NULL UNIQUE, document TEXT NOT NULL)`);
  const insert = (txn: string) => admin.query(`INSERT INTO ${schema}.bare_jobs (transaction_id, document) VALUES ($1, $2)`, [txn, payload]);
  for (let i = 0; i < warmup; i++) await insert(`W-${i}`);
  const bare = await timeEach(count, (i) => insert(`T-${i}`));
  return [
    againstFloor({ name: 'pg submit p50', unit: 'ms', ours: percentile(ours, 50), others: { 'bare INSERT': percentile(bare, 50) }, better: 'lower' }, 'bare INSERT'),
    againstFloor({ name: 'pg submit p99', unit: 'ms', ours: percentile(ours, 99), others: { 'bare INSERT': percentile(bare, 99) }, better: 'lower' }, 'bare INSERT'),
  ];
}

/** From the start of insertJob on one connection to watch() firing on another store's LISTEN connection. */
async function wakeupFigures(url: string, count: number): Promise<Figure[]> {
  const submitter = new PostgresStore(url);
  const watcher = new PostgresStore(url);
  let fired: (() => void) | undefined;
  const unwatch = watcher.watch(() => fired?.());
  await submitter.listJobs({ limit: 1 }); // migrated
  await new Promise((resolve) => setTimeout(resolve, 200)); // the LISTEN connection is up
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const woken = new Promise<number>((resolve) => (fired = () => resolve(performance.now())));
    const start = performance.now();
    await submitter.insertJob({ transactionId: `WAKE-${i}`, printer: 'nobody', document: { ...cafe, transactionId: `WAKE-${i}` }, kind: 'original' }, Date.now());
    latencies.push((await woken) - start);
  }
  unwatch();
  await Promise.all([submitter.close(), watcher.close()]);
  return [
    absolute({ name: 'wake-up p50 (submit → watch on another connection)', unit: 'ms', ours: percentile(latencies, 50), others: {}, better: 'lower' }),
    absolute({ name: 'wake-up p99', unit: 'ms', ours: percentile(latencies, 99), others: {}, better: 'lower', goal: '≤100 ms' }, 100),
  ];
}

/** Host A (this process) submits; host B (a child process with its own connections) prints. */
async function crossHostFigures(url: string, count: number, warmup: number): Promise<Figure[]> {
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  const submitter = openSpool({ url });
  const child = startWorkerChild(url, port);
  try {
    await child.line((l) => l === 'started');
    const latencies: number[] = [];
    for (let i = 0; i < warmup + count; i++) {
      const txn = `XHOST-${i}`;
      const firstByte = nextJobStart(printer);
      await submitter.submit({ ...cafe, printer: 'default', transactionId: txn });
      const resolved = absoluteNow();
      const latency = (await firstByte) - resolved;
      if (i >= warmup) latencies.push(latency);
      await child.line((l) => l === `printed ${txn}`);
    }
    return [
      absolute({ name: 'host A submit → host B first byte p50', unit: 'ms', ours: percentile(latencies, 50), others: {}, better: 'lower' }),
      absolute({ name: 'host A submit → host B first byte p99', unit: 'ms', ours: percentile(latencies, 99), others: {}, better: 'lower', goal: '≤100 ms' }, 100),
    ];
  } finally {
    await child.stop();
    await submitter.close();
    await printer.close();
  }
}

/** Ten printers, each with its worker, `perPrinter` receipts each submitted in one burst from another connection. */
async function tenPrintersFigures(url: string, perPrinter: number): Promise<Figure[]> {
  const printers = await Promise.all(
    Array.from({ length: 10 }, async (_, n) => {
      const vp = new VirtualPrinter();
      const { port } = await vp.listen();
      return { name: `p${n}`, vp, port };
    }),
  );
  const workers: Spool = openSpool({ url });
  const links = printers.map(({ port }) => new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), pollIntervalMs: 0 }));
  const submittedAt = new Map<string, number>();
  const latencies: number[] = [];
  const total = printers.length * perPrinter;
  const allPrinted = new Promise<void>((resolve) => {
    workers.on('printed', (job) => {
      latencies.push(performance.now() - submittedAt.get(job.transactionId)!);
      if (latencies.length === total) resolve();
    });
  });
  printers.forEach(({ name }, n) => workers.createWorker({ printer: name, link: links[n]!, profile: 'epson-tm-t88', statusPollMs: 60_000 }).start());
  const submitter = openSpool({ url });
  const start = performance.now();
  try {
    await Promise.all(
      printers.map(async ({ name }) => {
        for (let i = 0; i < perPrinter; i++) {
          const txn = `${name}-${i}`;
          submittedAt.set(txn, performance.now());
          await submitter.submit({ ...cafe, printer: name, transactionId: txn });
        }
      }),
    );
    await allPrinted;
    const seconds = (performance.now() - start) / 1000;
    return [
      absolute({ name: `10 printers × ${perPrinter}: throughput`, unit: 'receipts/s', ours: total / seconds, others: {}, better: 'higher' }),
      absolute({ name: `10 printers × ${perPrinter}: submit → printed p50`, unit: 'ms', ours: percentile(latencies, 50), others: {}, better: 'lower' }),
      absolute({ name: `10 printers × ${perPrinter}: submit → printed p99`, unit: 'ms', ours: percentile(latencies, 99), others: {}, better: 'lower' }),
    ];
  } finally {
    await submitter.close();
    await workers.close({ timeoutMs: 2000 });
    await Promise.all(links.map((link) => link.close()));
    await Promise.all(printers.map(({ vp }) => vp.close()));
  }
}

export async function fleetPart(options: BenchOptions): Promise<PartResult> {
  const base = process.env['BENCH_PG'] ?? process.env['RECEIPT_SPOOL_TEST_PG'];
  if (!base) {
    return {
      part: 'fleet',
      title: TITLE,
      figures: [],
      notes: ['not run: no PostgreSQL. Run `scripts/pg-test-cluster.sh run -- npm run bench fleet` (needs apt-get install postgresql), or set BENCH_PG=postgres://…'],
    };
  }
  const schema = `rs_bench_${randomBytes(4).toString('hex')}`;
  const url = schemaUrl(base, schema);
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const sizes = options.smoke
    ? { submits: 30, warmup: 5, wakeups: 20, crossHost: 5, perPrinter: 10 }
    : { submits: 2000, warmup: 100, wakeups: 500, crossHost: 200, perPrinter: 1000 };
  try {
    const figures = [
      ...(await submitFigures(admin, url, schema, sizes.submits, sizes.warmup)),
      ...(await wakeupFigures(url, sizes.wakeups)),
      ...(await crossHostFigures(url, sizes.crossHost, Math.min(sizes.warmup, 10))),
      ...(await tenPrintersFigures(url, sizes.perPrinter)),
    ];
    return {
      part: 'fleet',
      title: TITLE,
      figures,
      notes: [
        `PostgreSQL ${(await admin.query<{ v: string }>('SELECT current_setting($$server_version$$) AS v')).rows[0]?.v ?? '?'} on 127.0.0.1 (default settings, fsync on), schema ${schema}`,
        `submit: ${sizes.submits} sequential submits after ${sizes.warmup} warm-up, vs a bare autocommit INSERT of the same payload into a logged table on one connection`,
        'wake-up: from the start of insertJob on one store to watch() firing on another store (its own LISTEN connection)',
        `cross-host: ${sizes.crossHost} receipts, one at a time; the worker is a child process with its own pool and LISTEN connection; includes claim, render and the DLE EOT round trip`,
        `ten printers: ${sizes.perPrinter} receipts per printer submitted in a burst (one submitter per printer, concurrently) while ten workers in one process print to ten instant virtual printers; latency includes queueing behind the burst`,
      ],
    };
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
  }
}

runIfMain(import.meta.url, 'fleet', fleetPart);
