/**
 * The demo: `npm run demo` — no printer, no configuration, ends by itself in a few seconds.
 *
 * Two virtual printers on 127.0.0.1 (an Epson TM-T88V at the counter that confirms each job
 * with GS ( H, and an Xprinter XP-80 for Chinese receipts that only answers GS r), a spool in
 * a temporary SQLite file, and one worker per printer. Receipts are submitted as a POS would;
 * the counter printer runs out of paper in the middle of one, the job turns `needs-attention`,
 * paper is loaded, and the spool reprints it by itself with a visible REPRINT mark. Each receipt
 * is drawn as the virtual printer put it on paper.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VirtualPrinter } from '../src/exports/emulator.js';
import { openSpool, receipt, type Job, type Spool } from '../src/index.js';
import { explainGuarantee, nextEvent, say, showReceipt, waitUntil } from './support/console.js';
import { printerAt, startVirtualPrinter } from './support/printers.js';

const LINES_PER_SECOND = 25; // slow enough to see a receipt being printed
const WATCHDOG_MS = 50_000;

const cleanups: (() => Promise<unknown> | void)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse())
    await Promise.resolve()
      .then(cleanup)
      .catch(() => {});
}

async function main(): Promise<void> {
  console.log('receipt-spool demo: a card payment is authorised, so its receipt must come out.\n');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-demo-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));

  const counter = await startVirtualPrinter({ maker: 'EPSON', model: 'TM-T88V', linesPerSecond: LINES_PER_SECOND });
  cleanups.push(() => counter.virtual.close());
  const chinese = await startVirtualPrinter({ maker: 'Xprinter', model: 'XP-80', language: 'CHINA GB18030', processId: false, linesPerSecond: LINES_PER_SECOND });
  cleanups.push(() => chinese.virtual.close());
  say(`virtual printers: "counter" Epson TM-T88V at ${counter.uri}, "china" Xprinter XP-80 at ${chinese.uri}`);
  drawReceipts(counter.virtual, 'counter');
  drawReceipts(chinese.virtual, 'china');

  const spool = openSpool({ path: path.join(dir, 'spool.db') });
  cleanups.push(() => spool.close({ timeoutMs: 3000 }));
  say(`spool: ${spool.path} (SQLite, every submit is durable before it returns)`);
  narrate(spool);

  const counterLink = printerAt(counter.uri);
  const chineseLink = printerAt(chinese.uri);
  cleanups.push(
    () => counterLink.close(),
    () => chineseLink.close(),
  );
  const workerOptions = { statusPollMs: 250, pollMs: 100 };
  spool.createWorker({ printer: 'counter', link: counterLink, ...workerOptions }).start();
  spool.createWorker({ printer: 'china', link: chineseLink, profile: 'xprinter-80', ...workerOptions }).start();

  // 1. An ordinary receipt.
  await printAndWait(spool, cafeReceipt('TXN-1001', 'counter', 6));

  // 2. A Chinese receipt on the GB18030 printer.
  await printAndWait(spool, chineseReceipt('TXN-1002'));

  // 3. Paper runs out while TXN-1003 is printing.
  const printing = nextEvent<Job>(spool, 'printing', (job) => job.transactionId === 'TXN-1003', 'TXN-1003 to start printing');
  const attention = nextEvent<{ job: Job | undefined; cause: string; code: string }>(
    spool,
    'needs-attention',
    (event) => event.job?.transactionId === 'TXN-1003',
    'TXN-1003 to turn needs-attention after the paper-out',
  );
  await spool.submit(cafeReceipt('TXN-1003', 'counter', 24));
  await printing;
  await waitUntil('TXN-1003 to be half printed', () => countPrintedLines(counter.virtual, 'TXN-1003') >= 8, 15_000);
  say('!! the paper roll runs out in the middle of TXN-1003 (virtual printer: paperOut())');
  counter.virtual.paperOut();
  const { cause, code } = await attention;
  const stuck = await spool.get('TXN-1003');
  say(`TXN-1003 is now "${stuck?.state}" — cause: ${cause} (${code}); the POS knows, nothing is lost`);
  const health = await spool.health('counter');
  say(`spool.health("counter"): ready=${health.ready}, reason="${health.reason}"`);

  await new Promise((resolve) => setTimeout(resolve, 1000));
  const reprinted = nextEvent<{ job: Job; reason: string }>(spool, 'reprinted', (event) => event.job.transactionId === 'TXN-1003', 'the automatic reprint of TXN-1003');
  say('the cashier loads a new roll (virtual printer: loadPaper())');
  counter.virtual.loadPaper();
  const { job: copy } = await reprinted;
  await waitUntil('the reprint to be drawn', () => drawn.has(`counter#${counter.virtual.journal.receipts.length - 1}`), 5000);
  say(`TXN-1003 reprinted automatically, marked as copy ${copy.copy}: ${explainGuarantee(copy.guarantee ?? 'printed')}`);

  // 4. The audit trail the operator can read (also `receipt-spool show TXN-1003`).
  console.log('\nhistory of TXN-1003:');
  for (const entry of await spool.history('TXN-1003')) {
    const detail = [entry.errorCode, entry.guarantee].filter(Boolean).join(' ');
    console.log(`  attempt ${entry.attempt}: ${entry.fromState ?? '—'} → ${entry.toState}${detail ? `  (${detail})` : ''}`);
  }
  console.log('\nall jobs:');
  for (const job of await spool.list()) {
    console.log(`  ${job.transactionId}  ${job.printer.padEnd(8)} ${job.state.padEnd(8)} ${job.guarantee ?? ''}${job.marked ? `  marked copy ${job.copy}` : ''}`);
  }
  const reprintText = counter.virtual.journal.receipts.at(-1)?.text ?? '';
  if (!reprintText.includes('REPRINT')) throw new Error('the reprint of TXN-1003 carries no REPRINT mark');
  console.log('\nEvery authorised transaction has its complete receipt; the only duplicate says REPRINT.');
}

const drawn = new Set<string>();

/** Draws every receipt a virtual printer finishes (cut or cleared after a fault). */
function drawReceipts(virtual: VirtualPrinter, name: string): void {
  virtual.on('receipt', (printed) => {
    if (printed.items.length === 0) return;
    const id = /TXN-\d+/.exec(printed.text)?.[0] ?? '';
    showReceipt(printed, `printer "${name}": ${id}`);
    drawn.add(`${name}#${printed.index}`);
  });
}

function narrate(spool: Spool): void {
  spool.on('queued', (job) => say(`queued    ${job.transactionId} for "${job.printer}"${job.kind === 'reprint' ? ' (operator reprint)' : ''}`));
  spool.on('printing', (job) => say(`printing  ${job.transactionId}${job.marked ? ` (marked copy ${job.copy})` : ''}`));
  spool.on('printed', (job) => say(`printed   ${job.transactionId}: guarantee "${job.guarantee}"`));
  spool.on('retrying', ({ job, error, delayMs }) => say(`retrying  ${job.transactionId} in ${delayMs} ms: ${error.message}`));
  spool.on('needs-attention', ({ job, cause }) => say(`NEEDS ATTENTION ${job?.transactionId ?? ''}: ${cause}`));
  spool.on('recovered', ({ printer }) => say(`recovered "${printer}" is ready again`));
  spool.on('reprinted', ({ job, reason }) => say(`reprinted ${job.transactionId} (${reason}), marked copy ${job.copy}`));
  spool.on('failed', ({ job, error }) => say(`FAILED    ${job.transactionId}: ${error.message}`));
}

async function printAndWait(spool: Spool, document: ReturnType<typeof cafeReceipt>): Promise<void> {
  const printed = nextEvent<Job>(spool, 'printed', (job) => job.transactionId === document.transactionId, `${document.transactionId} to print`);
  await spool.submit(document);
  const job = await printed;
  say(`${job.transactionId}: ${explainGuarantee(job.guarantee ?? 'sent')}`);
}

function countPrintedLines(virtual: VirtualPrinter, transactionId: string): number {
  const current = virtual.journal.current;
  return current.some((item) => item.kind === 'text' && item.text.includes(transactionId)) ? current.filter((item) => item.kind === 'text').length : 0;
}

function cafeReceipt(transactionId: string, printer: string, items: number) {
  const menu = ['Espresso', 'Cappuccino', 'Croissant', 'Orange juice', 'Bagel', 'Muffin', 'Tea'];
  const builder = receipt(transactionId)
    .printer(printer)
    .text('CAFÉ DEMO', { align: 'center', bold: true, size: 2 })
    .text(`Transaction ${transactionId}`, { align: 'center' })
    .rule();
  let total = 0;
  for (let i = 0; i < items; i++) {
    const price = 1.5 + ((i * 7) % 5) * 0.6;
    total += price;
    builder.row(menu[i % menu.length]!, price.toFixed(2));
  }
  return builder.rule().row('TOTAL EUR', total.toFixed(2), { bold: true }).line('Card **** 4242  authorised').barcode(transactionId).cut().build();
}

function chineseReceipt(transactionId: string) {
  return receipt(transactionId)
    .printer('china')
    .text('好邻居便利店', { align: 'center', bold: true, size: 2 })
    .text(`收银小票 ${transactionId}`, { align: 'center' })
    .rule()
    .row('拿铁咖啡 大杯', '¥28.00')
    .row('全麦面包', '¥12.50')
    .rule()
    .row('合计', '¥40.50', { bold: true })
    .line('银行卡 **** 4242 已授权')
    .qr(`https://example.com/r/${transactionId}`)
    .cut()
    .build();
}

const watchdog = setTimeout(() => {
  console.error(`demo: did not finish within ${WATCHDOG_MS / 1000} s`);
  void cleanUp().finally(() => process.exit(1));
}, WATCHDOG_MS);

try {
  await main();
  await cleanUp();
  clearTimeout(watchdog);
  say('demo finished: temporary spool removed, virtual printers stopped');
} catch (error) {
  console.error(`\ndemo failed: ${(error as Error).message}`);
  await cleanUp();
  clearTimeout(watchdog);
  process.exitCode = 1;
}
