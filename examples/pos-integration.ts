/**
 * How a POS uses the spool: check the printer before taking the card, authorise, submit the
 * receipt (durable before the POS moves on), let the worker print it, react to
 * `needs-attention` with an operator prompt, and reprint a customer copy with an audit trail.
 *
 *   npx tsx examples/pos-integration.ts tcp://192.168.1.50:9100
 *   npx tsx examples/pos-integration.ts usb://04b8:0e15
 *   npx tsx examples/pos-integration.ts             (no URI: a virtual printer in this process)
 *
 * With the virtual printer the paper runs out during the second receipt. In a terminal you are
 * asked to load paper (press Enter); without one (CI) the example loads it itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { openSpool, receipt, type Job } from '../src/index.js';
import { explainGuarantee, nextEvent, reportFailure, say, waitUntil } from './support/console.js';
import { finish, openExamplePrinter, uriArgument } from './support/printers.js';

const PRINTER = 'front';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-pos-'));
const example = await openExamplePrinter(uriArgument(), { linesPerSecond: 30 });
const spool = openSpool({ path: path.join(dir, 'pos.db') });
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;

try {
  spool.on('needs-attention', (event) => void operatorPrompt(event));
  spool.on('recovered', ({ printer }) => say(`printer "${printer}" recovered; the spool resumes by itself`));
  spool.on('printed', (job) => say(`${job.transactionId} ${job.marked ? `(marked copy ${job.copy}) ` : ''}confirmed: ${job.guarantee}`));
  const worker = spool.createWorker({ printer: PRINTER, link: example.printer, statusPollMs: 250, pollMs: 100 }).start();
  await waitUntil('the worker’s first look at the printer', () => worker.health, 10_000);

  await sale('POS-0001', 3);
  if (example.virtual) {
    const virtual = example.virtual;
    const printing = nextEvent<Job>(spool, 'printing', (job) => job.transactionId === 'POS-0002', 'POS-0002 to start printing');
    void printing.then(async () => {
      await waitUntil('POS-0002 to be half printed', () => virtual.journal.current.length >= 5, 10_000).catch(() => {});
      say('(virtual printer) the paper runs out');
      virtual.paperOut();
    });
  }
  await sale('POS-0002', 12);

  // The customer asks for a copy: an operator reprint, always marked and recorded.
  const copy = nextEvent<{ job: Job }>(spool, 'reprinted', (event) => event.job.transactionId === 'POS-0001', 'the copy of POS-0001');
  await spool.reprint('POS-0001', { by: 'cashier-7', reason: 'customer asked for a copy' });
  await copy;

  console.log('\naudit trail:');
  for (const id of ['POS-0001', 'POS-0002']) {
    for (const entry of await spool.history(id)) {
      const detail = [entry.errorCode, entry.guarantee].filter(Boolean).join(' ');
      console.log(`  ${id} job ${entry.jobId} attempt ${entry.attempt}: ${entry.fromState ?? '—'} → ${entry.toState}${detail ? ` (${detail})` : ''}`);
    }
    for (const reprint of await spool.reprints(id)) {
      console.log(`  ${id} reprinted by ${reprint.by} at ${new Date(reprint.at).toISOString()}: ${reprint.reason}`);
    }
  }
} catch (error) {
  reportFailure(error);
} finally {
  await spool.close({ timeoutMs: 5000 });
  await finish(example);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** One sale: health check before the card, authorise, submit, wait for the receipt. */
async function sale(transactionId: string, items: number): Promise<void> {
  const health = await spool.health(PRINTER);
  say(`before the card: printer "${PRINTER}" ${health.ready ? 'ready' : `not ready (${health.reason})`}`);
  say(`${transactionId}: card authorised (simulated)`);
  const document = saleReceipt(transactionId, items);
  const printed = nextEvent<Job>(spool, 'printed', (job) => job.transactionId === transactionId && job.kind === 'original', `${transactionId} to print`, 120_000);
  const { job } = await spool.submit(document);
  say(`${transactionId}: in the spool (job ${job.id}); the POS can close the sale`);
  const done = await printed;
  say(`${transactionId}: ${explainGuarantee(done.guarantee ?? 'sent')}`);
}

/** What the operator sees when a person must act; the spool reprints by itself afterwards. */
async function operatorPrompt(event: { printer: string; job: Job | undefined; cause: string }): Promise<void> {
  say(`⚠ OPERATOR: ${event.cause} — receipt ${event.job?.transactionId ?? ''} is waiting (it will reprint, marked)`);
  const virtual = example.virtual;
  if (interactive) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    await rl.question(virtual ? 'Load paper, then press Enter… ' : 'Fix the printer; it resumes by itself. Press Enter to continue… ');
    rl.close();
  } else {
    say('(no terminal: answering the prompt automatically)');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (virtual) {
    say('(virtual printer) paper loaded');
    virtual.loadPaper();
  }
}

function saleReceipt(transactionId: string, items: number) {
  const builder = receipt(transactionId).printer(PRINTER).text('CORNER SHOP', { align: 'center', bold: true, size: 2 }).rule();
  for (let i = 1; i <= items; i++) builder.row(`Article ${i}`, (i * 1.25).toFixed(2));
  const total = (items * (items + 1) * 1.25) / 2;
  return builder.rule().row('TOTAL EUR', total.toFixed(2), { bold: true }).line(`Sale ${transactionId}`).barcode(transactionId).cut().build();
}
