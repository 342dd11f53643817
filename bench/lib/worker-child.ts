/**
 * A worker in its own process, for the cross-process and scale parts:
 *   node --import tsx bench/lib/worker-child.ts DB PORT [EXIT_AFTER]   (DB: a SQLite file or a postgres:// URL)
 * Prints `opening <abs ms>` just before opening the store, `started`, `printed <txn>` per job,
 * and after EXIT_AFTER printed jobs `rss <bytes> <peak bytes>` and exits.
 */
import { openSpool } from '../../src/spool/spool.js';
import { Printer } from '../../src/printer/printer.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { absoluteNow } from './measure.js';

const [dbPath, port, exitAfter] = process.argv.slice(2);
const say = (line: string): void => void process.stdout.write(`${line}\n`);

say(`opening ${absoluteNow()}`);
const spool = openSpool(/^postgres(ql)?:\/\//i.test(dbPath!) ? { url: dbPath! } : { path: dbPath! });
const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port: Number(port) }), pollIntervalMs: 0 });
const worker = spool.createWorker({ printer: 'default', link, profile: 'epson-tm-t88', statusPollMs: 60_000 });
let printed = 0;
worker.on('printed', (job) => {
  say(`printed ${job.transactionId}`);
  printed++;
  if (exitAfter !== undefined && printed >= Number(exitAfter)) {
    const usage = process.memoryUsage();
    say(`rss ${usage.rss} ${process.resourceUsage().maxRSS * 1024}`);
    void spool.close().then(() => process.exit(0));
  }
});
worker.on('worker-error', (error) => process.stderr.write(`worker error: ${error.message}\n`));
worker.start();
say('started');
process.on('SIGTERM', () => void spool.close({ timeoutMs: 1000 }).then(() => process.exit(0)));
