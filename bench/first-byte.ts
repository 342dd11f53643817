/**
 * Part 4 — submit to first byte: from `submit()` resolving to the first byte of that job
 * (its ESC @) arriving at the VirtualPrinter over TCP, with the worker in this process and in
 * another process (same store file; it learns of the job through the store's change watch).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VirtualPrinter } from '../src/emulator/index.js';
import { Printer } from '../src/printer/printer.js';
import { openSpool, type Spool } from '../src/spool/spool.js';
import { TcpTransport } from '../src/transport/tcp.js';
import { fixture } from './encoding.js';
import { startWorkerChild } from './lib/child.js';
import { runIfMain } from './lib/cli.js';
import { absoluteNow, percentile, type BenchOptions } from './lib/measure.js';
import { absolute, type PartResult } from './lib/results.js';

/** Resolves with the arrival time of the next chunk holding ESC @ (a job's first bytes). */
export function nextJobStart(printer: VirtualPrinter, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const onData = (bytes: Uint8Array): void => {
      const at = absoluteNow();
      for (let i = 0; i + 1 < bytes.length; i++) {
        if (bytes[i] === 0x1b && bytes[i + 1] === 0x40) {
          printer.off('data', onData);
          clearTimeout(timer);
          resolve(at);
          return;
        }
      }
    };
    const timer = setTimeout(() => {
      printer.off('data', onData);
      reject(new Error(`no job bytes within ${timeoutMs} ms`));
    }, timeoutMs);
    printer.on('data', onData);
  });
}

const cafe = fixture('receipt-cafe.json');

/**
 * Submits `count` receipts one at a time; each waits for the previous one to be printed. Times
 * from `submit()` resolving (the goal) and from calling it (the same plus the durable commit).
 */
async function measure(
  spool: Spool,
  printer: VirtualPrinter,
  label: string,
  count: number,
  printed: (txn: string) => Promise<unknown>,
): Promise<{ fromResolved: number[]; fromCall: number[] }> {
  const fromResolved: number[] = [];
  const fromCall: number[] = [];
  for (let i = 0; i < count; i++) {
    const txn = `${label}-${i}`;
    const firstByte = nextJobStart(printer);
    const called = absoluteNow();
    await spool.submit({ ...cafe, printer: 'default', transactionId: txn });
    const resolved = absoluteNow();
    const arrived = await firstByte;
    fromResolved.push(arrived - resolved);
    fromCall.push(arrived - called);
    await printed(txn);
  }
  return { fromResolved, fromCall };
}

export async function firstBytePart(options: BenchOptions): Promise<PartResult> {
  const count = options.smoke ? 5 : 200;
  const warmup = options.smoke ? 2 : 10;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-first-byte-'));
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  try {
    // in-process worker
    const spool = openSpool({ path: path.join(dir, 'in-process.db') });
    const link = new Printer({ transport: () => new TcpTransport({ host: '127.0.0.1', port }), pollIntervalMs: 0 });
    spool.createWorker({ printer: 'default', link, profile: 'epson-tm-t88', statusPollMs: 60_000 }).start();
    const printedIn = (txn: string): Promise<unknown> =>
      new Promise<void>((resolve) => {
        const listener = (job: { transactionId: string }): void => {
          if (job.transactionId !== txn) return;
          spool.off('printed', listener);
          resolve();
        };
        spool.on('printed', listener);
      });
    await measure(spool, printer, 'WARM', warmup, printedIn);
    const inProcess = await measure(spool, printer, 'IN', count, printedIn);
    await spool.close();
    await link.close();

    // worker in another process on the same store file
    const dbPath = path.join(dir, 'cross-process.db');
    const submitter = openSpool({ path: dbPath });
    const child = startWorkerChild(dbPath, port);
    let crossProcess: { fromResolved: number[]; fromCall: number[] };
    try {
      await child.line((l) => l === 'started');
      const printedOut = (txn: string): Promise<string> => child.line((l) => l === `printed ${txn}`);
      await measure(submitter, printer, 'XWARM', warmup, printedOut);
      crossProcess = await measure(submitter, printer, 'X', count, printedOut);
    } finally {
      await child.stop();
      await submitter.close();
    }

    const figure = (name: string, values: number[], p: number, limit?: number) =>
      absolute({ name, unit: 'ms', ours: percentile(values, p), others: {}, better: 'lower', ...(limit === undefined ? {} : { goal: `≤${limit} ms` }) }, limit);
    return {
      part: 'first-byte',
      title: '4. Submit → first job byte at the virtual printer (TCP)',
      figures: [
        figure('in-process p50', inProcess.fromResolved, 50),
        figure('in-process p99', inProcess.fromResolved, 99, 5),
        figure('in-process from the call p50', inProcess.fromCall, 50),
        figure('in-process from the call p99', inProcess.fromCall, 99),
        figure('cross-process p50', crossProcess.fromResolved, 50),
        figure('cross-process p99', crossProcess.fromResolved, 99, 100),
      ],
      notes: [
        `${count} café receipts each way, one at a time (next submit after the previous is printed), after ${warmup} warm-up`,
        'in-process: an idle worker’s claim is made in the submit’s own durable commit (one fsync before the first byte, inside submit()); a worker still busy claims in a commit of its own, after submit() resolved',
        '“from the call”: from calling submit() (its validation and durable commit included) to the first byte',
        'includes rendering and the DLE EOT status round trip Printer.print makes before each job',
        'cross-process: the child worker wakes from the store’s PRAGMA data_version watch (polled every 25 ms by default)',
      ],
    };
  } finally {
    await printer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, 'first-byte', firstBytePart);
