/**
 * Seeded chaos (bounded to well under a minute): dozens of transactions, random faults from the
 * virtual printer (paper out, cover, power cycle, disconnect, hang, garbage) and random worker
 * kills. After the faults stop and a clean worker finishes, the journal must show every
 * transaction with ≥1 complete receipt and ≤1 unmarked. Set CHAOS_SEED to replay a run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { openSpool } from '../../src/spool/spool.js';
import { eventually, tempDir } from './helpers.js';
import { killChildren, startChild, type Child } from './processes.js';
import { stopChild } from '../../src/child-process.js';

const SEED = Number(process.env.CHAOS_SEED ?? 5150);
const ROUNDS = 40;
let dir: string | undefined;

afterEach(async () => {
  await killChildren();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it(`keeps the receipt invariant under printer faults and worker kills (seed ${SEED})`, { timeout: 90_000 }, async () => {
  dir = tempDir();
  const dbPath = path.join(dir, 'spool.db');
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  const spool = openSpool({ path: dbPath });
  let seed = SEED;
  const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const start = (): Child => startChild(['worker', dbPath, 'default'], { PRINTER_PORT: String(port), LEASE_MS: '300' });

  const faults = [
    () => printer.paperOut(),
    () => printer.loadPaper(),
    () => printer.openCover(),
    () => printer.closeCover(),
    () => printer.powerCycle({ offMs: 100 }),
    () => printer.disconnect(),
    () => printer.hang(150),
    () => printer.injectGarbage(Uint8Array.from([0x37, 0x22, 0x41, 0x00, 0xff])),
  ];
  const txns = Array.from({ length: 30 }, (_, i) => `Z-${i}`);
  try {
    let worker = start();
    for (let round = 0; round < ROUNDS; round++) {
      const txn = txns[round];
      if (txn) await spool.submit({ transactionId: txn, content: [`receipt ${txn}`, { cut: true }] });
      const roll = random();
      if (roll < 0.25) pick(faults)();
      else if (roll < 0.35) {
        await stopChild(worker.process, { signal: 'SIGKILL' });
        worker = start();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 120)));
    }
    // Faults end: a person loads paper and closes the cover; printing resumes by itself.
    printer.loadPaper();
    printer.closeCover();
    await eventually(async () => (await spool.list({ state: 'printed' })).length === txns.length, 45_000);
    await stopChild(worker.process);

    for (const txn of txns) {
      const copies = printer.journal.receipts.filter((r) => r.text.split('\n').includes(`receipt ${txn}`));
      const complete = copies.filter((r) => r.complete).length;
      const unmarked = copies.filter((r) => !r.text.includes('REPRINT')).length;
      expect({ txn, complete: complete >= 1, unmarked: unmarked <= 1 }).toEqual({ txn, complete: true, unmarked: true });
    }
  } finally {
    await spool.close();
    await printer.close();
  }
});
