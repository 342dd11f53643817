/**
 * A separate process for the spool's cross-process tests, run with `node --import tsx`.
 *   submit DB TXN...      submits each and prints `submitted TXN` once submit resolved
 *   worker DB PRINTER     runs a worker; env PRINTER_PORT (virtual printer on 127.0.0.1) or
 *                         FAKE=1 (prints to stdout as `printed TXN mark|-`); env HOLDER, LEASE_MS,
 *                         CRASH_AT=claimed|sent|printed|retrying|needs-attention: SIGKILL itself there
 *   host DB               a fleet host: a worker per printer of env FLEET_PRINTERS (`name=port,...`, virtual
 *                         printers on 127.0.0.1), lease host env HOST_NAME; prints `printing NAME TXN`,
 *                         `done NAME TXN`; env HOLDER, LEASE_MS as for worker
 *   lock DB               holds an exclusive lock until stdin closes
 *   open DB               tries to open the spool; prints `ok` or the error code
 * DB is a SQLite file, or a postgres:// URL for submit and worker (another "host" of a fleet).
 */
import { createRequire } from 'node:module';
import { openSpool } from '../../src/spool/spool.js';
import { Printer } from '../../src/printer/printer.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import type { PrinterLink, PrintOptions } from '../../src/printer/types.js';
import { FakeLink, testRender } from './helpers.js';

const [mode, dbPath, ...rest] = process.argv.slice(2);
const say = (line: string): void => void process.stdout.write(`${line}\n`);
const storeOf = (db: string) => (/^postgres(ql)?:\/\//i.test(db) ? { url: db } : { path: db });
const crash = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

async function main(): Promise<void> {
  if (mode === 'submit') {
    const spool = openSpool(storeOf(dbPath!));
    for (const txn of rest) {
      await spool.submit({ transactionId: txn, content: [`receipt ${txn}`, { cut: true }] });
      say(`submitted ${txn}`);
    }
    return;
  }
  if (mode === 'open') {
    try {
      openSpool({ path: dbPath! });
      say('ok');
    } catch (error) {
      say(String((error as { code?: unknown }).code));
    }
    return;
  }
  if (mode === 'lock') {
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Database(dbPath!);
    db.exec('BEGIN EXCLUSIVE');
    say('locked');
    process.stdin.resume();
    // Referenced until the end: a collected connection would close and drop the lock.
    process.stdin.on('end', () => {
      db.close();
      process.exit(0);
    });
    return;
  }
  if (mode === 'worker') await runWorker(rest[0] ?? 'default');
  if (mode === 'host') runHost();
}

function runHost(): void {
  const spool = openSpool(storeOf(dbPath!));
  const holder = process.env.HOLDER ?? `host-${process.pid}`;
  for (const entry of (process.env.FLEET_PRINTERS ?? '').split(',').filter(Boolean)) {
    const [name, port] = entry.split('=') as [string, string];
    const worker = spool.createWorker({
      printer: name,
      link: new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port: Number(port) }), timeouts: { confirm: 3000 } }),
      profile: 'generic-80',
      holderId: `${holder}/${name}`,
      ...(process.env.HOST_NAME ? { host: process.env.HOST_NAME } : {}),
      leaseMs: Number(process.env.LEASE_MS ?? 1000),
      statusPollMs: 200,
      retry: { initialMs: 20, maxMs: 200 },
    });
    worker.on('printing', (job) => say(`printing ${name} ${job.transactionId}`));
    worker.on('printed', (job) => say(`done ${name} ${job.transactionId}`));
    worker.start();
  }
  say('started');
}

async function runWorker(printer: string): Promise<void> {
  const crashAt = process.env.CRASH_AT;
  const spool = openSpool(storeOf(dbPath!));
  const fake = process.env.FAKE === '1';
  const link: PrinterLink = fake
    ? new StdoutLink()
    : new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port: Number(process.env.PRINTER_PORT) }), timeouts: { confirm: 3000 } });
  const worker = spool.createWorker({
    printer,
    link: crashAt === 'sent' ? crashAfterSent(link) : link,
    ...(fake ? { render: testRender } : { profile: 'generic-80' }),
    holderId: process.env.HOLDER ?? `child-${process.pid}`,
    leaseMs: Number(process.env.LEASE_MS ?? 1000),
    statusPollMs: 200,
    retry: { initialMs: 20, maxMs: 200 },
  });
  worker.on('printing', (job) => {
    say(`printing ${job.transactionId}`);
    if (crashAt === 'claimed') crash();
  });
  worker.on('printed', (job) => {
    say(`done ${job.transactionId}`);
    if (crashAt === 'printed') crash();
  });
  worker.on('retrying', () => crashAt === 'retrying' && crash());
  worker.on('needs-attention', () => crashAt === 'needs-attention' && crash());
  worker.start();
  say('started');
  process.on('SIGTERM', () => void worker.stop({ timeoutMs: 2000 }).then(() => process.exit(0)));
}

/** Kills the process once the printer accepted the job's bytes, before its confirmation. */
function crashAfterSent(link: PrinterLink): PrinterLink {
  return new Proxy(link, {
    get(target, key, receiver) {
      if (key !== 'print') {
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (bytes: Uint8Array, options: PrintOptions = {}) =>
        target.print(bytes, {
          ...options,
          onSent: (n) => {
            options.onSent?.(n);
            setTimeout(crash, 1); // after the worker's confirming write
          },
        });
    },
  });
}

/** Prints to stdout, so the parent sees exactly what went to "paper" across processes. */
class StdoutLink extends FakeLink {
  override async print(bytes: Uint8Array, options: PrintOptions = {}) {
    const result = await super.print(bytes, options);
    const printed = this.paper.at(-1)!;
    say(`printed ${printed.transactionId} ${printed.mark ? printed.mark.copy : '-'}`);
    return result;
  }
}

main().catch((error: unknown) => {
  say(`error ${(error as Error).message}`);
  process.exit(1);
});
