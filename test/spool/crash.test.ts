/**
 * Crash tests: a child process runs the worker against the virtual printer over TCP and is
 * killed with SIGKILL at each state transition and at random moments. After a clean restart,
 * the virtual printer's journal (not our store) must show, for every transaction, at least one
 * complete receipt and at most one without the REPRINT mark.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { eventually, tempDir } from './helpers.js';
import { killChildren, startChild, type Child } from './processes.js';
import { stopChild } from '../../src/child-process.js';

let dir: string;
let dbPath: string;
let printer: VirtualPrinter;
let port: number;
let spool: Spool;

beforeEach(async () => {
  dir = tempDir();
  dbPath = path.join(dir, 'spool.db');
  printer = new VirtualPrinter();
  ({ port } = await printer.listen());
  spool = openSpool({ path: dbPath });
});

afterEach(async () => {
  await killChildren();
  await spool.close();
  await printer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function submitAll(txns: string[]): Promise<void> {
  for (const txn of txns) await spool.submit({ transactionId: txn, content: [`receipt ${txn}`, { cut: true }] });
}

function worker(env: Record<string, string> = {}): Child {
  return startChild(['worker', dbPath, 'default'], { PRINTER_PORT: String(port), LEASE_MS: '300', ...env });
}

/** Restarts a clean worker and waits until the store says every job printed. */
async function finishCleanly(count: number): Promise<void> {
  const clean = worker();
  await eventually(async () => (await spool.list({ state: 'printed' })).length === count, 25_000);
  await stopChild(clean.process);
}

function expectJournalInvariant(txns: string[]): void {
  const receipts = printer.journal.receipts;
  for (const txn of txns) {
    const copies = receipts.filter((r) => r.text.split('\n').includes(`receipt ${txn}`));
    const complete = copies.filter((r) => r.complete).length;
    const unmarked = copies.filter((r) => !r.text.includes('REPRINT')).length;
    expect({ txn, complete: complete >= 1, unmarked: unmarked <= 1 }).toEqual({ txn, complete: true, unmarked: true });
  }
}

describe('crash recovery against the virtual printer', () => {
  const txns = ['C-1', 'C-2', 'C-3'];

  for (const crashAt of ['claimed', 'printed'] as const) {
    it(`SIGKILL right after the worker ${crashAt === 'claimed' ? 'claimed a job (sending)' : 'recorded a job printed'}`, async () => {
      await submitAll(txns);
      const crashing = worker({ CRASH_AT: crashAt });
      const { signal } = await crashing.exited;
      expect(signal).toBe('SIGKILL');
      await finishCleanly(txns.length);
      expectJournalInvariant(txns);
    });
  }

  it('SIGKILL while the job bytes reach the printer (sending → confirming)', async () => {
    await submitAll(txns);
    const crashing = worker();
    printer.once('data', () => void stopChild(crashing.process, { signal: 'SIGKILL' }));
    await crashing.exited;
    await finishCleanly(txns.length);
    expectJournalInvariant(txns);
    expect((await spool.history('C-1')).some((h) => h.errorCode === 'IN_DOUBT')).toBe(true);
  });

  it('SIGKILL after the receipt came out but before the confirmation was recorded', async () => {
    await submitAll(txns);
    const crashing = worker();
    printer.once('receipt', () => void stopChild(crashing.process, { signal: 'SIGKILL' }));
    await crashing.exited;
    await finishCleanly(txns.length);
    expectJournalInvariant(txns);
    // If the kill beat the confirmation, C-1 was in doubt and its second copy carries the mark.
    const inDoubt = (await spool.history('C-1')).some((h) => h.errorCode === 'IN_DOUBT');
    const copies = printer.journal.receipts.filter((r) => r.text.includes('receipt C-1'));
    expect(copies.filter((r) => r.text.includes('REPRINT')).length).toBe(inDoubt ? copies.length - 1 : 0);
  });

  it('SIGKILL at seeded random moments, repeatedly', async () => {
    const many = Array.from({ length: 8 }, (_, i) => `R-${i}`);
    await submitAll(many);
    let seed = 20_261_126;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 5; round++) {
      const crashing = worker();
      await crashing.line((l) => l === 'started');
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 400)));
      await stopChild(crashing.process, { signal: 'SIGKILL' });
    }
    await finishCleanly(many.length);
    expectJournalInvariant(many);
  });
});
