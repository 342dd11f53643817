/**
 * Worker "hosts" (separate processes, each with its own PostgreSQL connections) sharing one
 * printer through one PostgreSQL store. The virtual printer's journal, not the store, must show
 * for every transaction at least one complete receipt and at most one without the REPRINT mark.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { eventually } from './helpers.js';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from './postgres-helpers.js';
import { killChildren, startChild, type Child } from './processes.js';

describe.skipIf(!postgres.available)('worker hosts sharing a printer through PostgreSQL', () => {
  let schema: string;
  let url: string;
  let printer: VirtualPrinter;
  let port: number;
  let spool: Spool;

  beforeEach(async () => {
    schema = freshSchema();
    const parsed = new URL(testDatabaseUrl());
    parsed.searchParams.set('schema', schema);
    url = parsed.toString();
    printer = new VirtualPrinter();
    ({ port } = await printer.listen());
    spool = openSpool({ url });
    await spool.list(); // created and migrated before the hosts start
  });

  afterEach(async () => {
    await killChildren();
    await spool.close();
    await printer.close();
    await dropSchema(schema);
  });

  async function submitAll(txns: string[]): Promise<void> {
    for (const txn of txns) await spool.submit({ transactionId: txn, content: [`receipt ${txn}`, { cut: true }] });
  }

  function host(name: string, env: Record<string, string> = {}): Child {
    return startChild(['worker', url, 'default'], { PRINTER_PORT: String(port), LEASE_MS: '300', HOLDER: name, ...env });
  }

  async function allPrinted(count: number): Promise<void> {
    await eventually(async () => (await spool.list({ state: 'printed' })).length === count, 25_000);
  }

  function expectJournalInvariant(txns: string[]): { copies: number } {
    let copiesTotal = 0;
    for (const txn of txns) {
      const copies = printer.journal.receipts.filter((r) => r.text.split('\n').includes(`receipt ${txn}`));
      copiesTotal += copies.length;
      const complete = copies.filter((r) => r.complete).length;
      const unmarked = copies.filter((r) => !r.text.includes('REPRINT')).length;
      expect({ txn, complete: complete >= 1, unmarked: unmarked <= 1 }).toEqual({ txn, complete: true, unmarked: true });
    }
    return { copies: copiesTotal };
  }

  it('two hosts started for one printer: one holds the lease, every receipt prints exactly once', async () => {
    const txns = Array.from({ length: 6 }, (_, i) => `TWO-${i}`);
    const a = host('host-a');
    const b = host('host-b');
    await Promise.all([a.line((l) => l === 'started'), b.line((l) => l === 'started')]);
    await submitAll(txns);
    await allPrinted(txns.length);
    expect(expectJournalInvariant(txns)).toEqual({ copies: txns.length });
  });

  it('the host printing is killed after sending: another host takes the printer once the lease expires and prints the in-doubt job marked', { timeout: 90_000 }, async () => {
    const txns = ['KILL-1', 'KILL-2', 'KILL-3'];
    await submitAll(txns);
    const dying = host('host-a', { CRASH_AT: 'sent' });
    await dying.line((l) => l === 'printing KILL-1');
    const taker = host('host-b');
    expect((await dying.exited).signal).toBe('SIGKILL');
    await allPrinted(txns.length);
    expectJournalInvariant(txns);
    const history = await spool.history('KILL-1');
    expect(history.some((h) => h.errorCode === 'IN_DOUBT')).toBe(true);
    expect(history.at(-1)).toMatchObject({ toState: 'printed' });
    const job = await spool.get('KILL-1');
    expect(job).toMatchObject({ marked: true, attempts: 2 });
    expect(taker.lines).toContain('done KILL-1');
  });

  it('two hosts, one of them (by a seeded choice) killed at a random moment and restarted, four times', { timeout: 120_000 }, async () => {
    const txns = Array.from({ length: 8 }, (_, i) => `RND-${i}`);
    await submitAll(txns);
    let seed = 20_261_206;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const hosts = [host('host-0'), host('host-1')];
    for (let round = 0; round < 4; round++) {
      const index = random() < 0.5 ? 0 : 1;
      await hosts[index]!.line((l) => l === 'started');
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 300)));
      await hosts[index]!.kill('SIGKILL');
      await hosts[index]!.exited;
      hosts[index] = host(`host-${index}-${round}`);
    }
    await allPrinted(txns.length);
    expectJournalInvariant(txns);
  });
});
