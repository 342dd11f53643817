/**
 * The fleet under faults, seeded. Two worker hosts (processes with their own host names, each
 * serving both virtual printers, so every printer has a worker on each host) share one PostgreSQL
 * through a TCP proxy while a seeded schedule: pulls paper, opens covers, power-cycles, hangs and
 * drops printer links; SIGKILLs a host while it prints (restarted at once or after its lease ran
 * out, so the other host takes the printer); crash-restarts PostgreSQL; cuts every host connection,
 * or the one connection that next sends a claim, a confirmation, a completion or a COMMIT, just
 * before or just after the server gets it. Then the virtual printers' journals, not the store, must
 * show every transaction with at least one complete receipt and at most one unmarked copy.
 * FLEET_CHAOS_SEED=n replays a run (the seed is in the test's name and in the failure message).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/index.js';
import { StoreError } from '../../src/errors.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { eventually } from './helpers.js';
import { postgres } from './postgres-helpers.js';
import { killChildren, startChild, type Child } from './processes.js';
import { CuttableProxy, type StatementCut } from './tcp-proxy.js';

const SEED = Number(process.env['FLEET_CHAOS_SEED'] ?? 20_261_206);
const TRANSACTIONS = 60;
const LEASE_MS = 600;
const MAX_RESTARTS = 3;
const PRINTERS = ['front', 'kitchen'] as const;
const HOSTS = ['host-a', 'host-b'] as const;

const run = promisify(execFile);
const script = new URL('../../scripts/pg-test-cluster.sh', import.meta.url).pathname;
const serverInstalled = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/pg_ctl`));

type Event = 'fault' | 'kill' | 'cut-all' | 'cut-statement' | 'restart' | 'none';

/** The whole schedule from the seed, every kind of event at least once, at most MAX_RESTARTS restarts. */
function schedule(random: () => number): Event[] {
  const events = Array.from({ length: TRANSACTIONS }, (): Event => {
    const roll = random();
    if (roll < 0.22) return 'fault';
    if (roll < 0.3) return 'kill';
    if (roll < 0.37) return 'cut-all';
    if (roll < 0.5) return 'cut-statement';
    if (roll < 0.53) return 'restart';
    return 'none';
  });
  for (const required of ['fault', 'kill', 'cut-all', 'cut-statement', 'restart'] as const) {
    if (!events.includes(required)) events[5 + Math.floor(random() * (TRANSACTIONS - 10))] = required;
  }
  let restarts = 0;
  return events.map((event) => (event === 'restart' && ++restarts > MAX_RESTARTS ? 'none' : event));
}

/** Jobs a new lease holder re-queued in doubt, and how many of those it took from a holder on the other host. */
async function inDoubtTakeovers(spool: Spool, txns: { txn: string }[]): Promise<{ total: number; byOtherHost: number }> {
  let total = 0;
  let byOtherHost = 0;
  const hostOf = (text: string | null, pattern: RegExp): string | undefined => pattern.exec(text ?? '')?.[1];
  for (const { txn } of txns) {
    const history = await spool.history(txn);
    for (const [index, entry] of history.entries()) {
      if (entry.errorCode !== 'IN_DOUBT') continue;
      total++;
      const claimer = history.slice(0, index).findLast((earlier) => earlier.toState === 'sending');
      const from = hostOf(claimer?.message ?? null, /claimed by (host-[ab])-/);
      const to = hostOf(entry.message, /(host-[ab])-\d+\/\w+ took the printer/);
      if (from && to && from !== to) byOtherHost++;
    }
  }
  return { total, byOtherHost };
}

describe.skipIf(!postgres.available || !serverInstalled)('fleet chaos: two worker hosts sharing one PostgreSQL', () => {
  let cluster: { dir: string; url: string };

  beforeAll(async () => {
    const { stdout } = await run('bash', [script, 'start']);
    cluster = { dir: /PG_TEST_DIR='([^']+)'/.exec(stdout)![1]!, url: /RECEIPT_SPOOL_TEST_PG='([^']+)'/.exec(stdout)![1]! };
  });
  afterAll(async () => {
    if (cluster) await run('bash', [script, 'stop', cluster.dir]);
  });
  afterEach(() => killChildren());

  /** A POS retries a submit the store refused (here: while the server restarts). */
  async function submitRetrying(spool: Spool, txn: string, printer: string): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        await spool.submit({ transactionId: txn, printer, content: [`receipt ${txn}`, { cut: true }] });
        return;
      } catch (error) {
        if (!(error instanceof StoreError) || n === 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it(`every transaction: at least one complete receipt, at most one unmarked (seed ${SEED})`, { timeout: 240_000 }, async () => {
    let state = SEED;
    const random = (): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const log: string[] = [];
    const counts: Record<string, number> = {};
    const note = (what: string, kind = what): void => {
      log.push(what);
      counts[kind] = (counts[kind] ?? 0) + 1;
    };

    const printers = new Map(PRINTERS.map((name) => [name, new VirtualPrinter({ linesPerSecond: 400 })]));
    const ports = await Promise.all([...printers].map(async ([name, printer]) => `${name}=${(await printer.listen()).port}`));
    const server = new URL(cluster.url);
    const proxy = new CuttableProxy({ host: server.hostname, port: Number(server.port) });
    await proxy.listen();
    const spool = openSpool({ url: cluster.url }); // the POS reaches the server directly
    await spool.list(); // created and migrated before the hosts start

    let generation = 0;
    const startHost = (name: string): Child =>
      startChild(['host', proxy.urlThrough(cluster.url)], {
        FLEET_PRINTERS: ports.join(','),
        HOST_NAME: name,
        HOLDER: `${name}-${generation++}`,
        LEASE_MS: String(LEASE_MS),
      });
    const hosts = new Map<string, Child>(HOSTS.map((name) => [name, startHost(name)]));

    const faults: Record<string, (printer: VirtualPrinter) => void> = {
      'paper out': (p) => p.paperOut(),
      'paper loaded': (p) => p.loadPaper(),
      'cover open': (p) => p.openCover(),
      'cover closed': (p) => p.closeCover(),
      'power cycle': (p) => p.powerCycle({ offMs: 100 }),
      'link dropped': (p) => p.disconnect(),
      hang: (p) => p.hang(150),
    };
    const statements: StatementCut[] = ['claimed by', "state = 'confirming'", "state = 'printed'", 'COMMIT'].flatMap((statement) => [
      { statement, when: 'before' as const },
      { statement, when: 'after' as const },
    ]);

    /** SIGKILLs the first host seen printing (any host after 3 s without), and restarts it after 0–2 lease times. */
    async function killWhilePrinting(): Promise<void> {
      const printing = await Promise.any(
        [...hosts].map(async ([name, host]) => {
          const seen = host.lines.length;
          return { name, line: await host.line((line) => line.startsWith('printing ') && host.lines.lastIndexOf(line) >= seen, 3000) };
        }),
      ).catch(() => undefined);
      const name = printing?.name ?? pick(HOSTS);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 40)));
      await hosts.get(name)!.kill('SIGKILL');
      const downMs = Math.floor(random() * 2 * LEASE_MS);
      note(`kill ${name} ${printing ? `while ${printing.line}` : 'idle'}, down ${downMs} ms`, 'kill');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      hosts.set(name, startHost(name));
    }

    const txns: { txn: string; printer: string }[] = [];
    try {
      await Promise.all([...hosts.values()].map((host) => host.line((line) => line === 'started')));
      for (const [round, event] of schedule(random).entries()) {
        const entry = { txn: `F-${round}`, printer: pick(PRINTERS) };
        txns.push(entry);
        await submitRetrying(spool, entry.txn, entry.printer);
        if (event === 'fault') {
          const [name, fault] = [pick(PRINTERS), pick(Object.keys(faults))];
          faults[fault]!(printers.get(name)!);
          note(`${fault} on ${name}`, fault);
        } else if (event === 'kill') {
          await killWhilePrinting();
        } else if (event === 'cut-all') {
          proxy.cut();
          note('cut every host connection', 'cut-all');
        } else if (event === 'cut-statement') {
          const cut = pick(statements);
          const armed = `cut ${cut.when} "${cut.statement}"`;
          void proxy.cutOn(cut).then(() => note(armed, 'cut-statement'));
        } else if (event === 'restart') {
          await run('bash', [script, 'restart', cluster.dir]);
          note('PostgreSQL crash-restarted', 'restart');
        }
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 100)));
      }
      // The faults end: a person loads paper and closes covers; printing resumes by itself.
      proxy.disarm();
      for (const printer of printers.values()) {
        printer.loadPaper();
        printer.closeCover();
      }
      await eventually(async () => (await spool.list({ state: 'printed' })).length === txns.length, 90_000).catch(async (error: unknown) => {
        const open = await spool.list({ state: ['queued', 'sending', 'confirming', 'retrying', 'needs-attention', 'failed'] });
        throw new Error(`not all printed; still open: ${open.map((job) => `${job.transactionId} ${job.state} ${job.lastErrorCode}: ${job.lastErrorMessage}`).join(', ')}`, {
          cause: error,
        });
      });

      const journals = [...printers].map(([name, printer]) => ({ name, receipts: printer.journal.receipts }));
      for (const { txn, printer } of txns) {
        const copies = journals.flatMap((journal) => journal.receipts.filter((r) => r.text.split('\n').includes(`receipt ${txn}`)).map((r) => ({ ...r, on: journal.name })));
        expect({
          txn,
          complete: copies.some((r) => r.complete),
          unmarked: copies.filter((r) => !r.text.includes('REPRINT')).length <= 1,
          elsewhere: copies.filter((r) => r.on !== printer).length,
        }).toEqual({ txn, complete: true, unmarked: true, elsewhere: 0 });
      }
      const receipts = journals.flatMap((journal) => journal.receipts);
      const marked = receipts.filter((r) => r.text.includes('REPRINT')).length;
      const takeovers = await inDoubtTakeovers(spool, txns);
      console.info(
        `fleet chaos seed ${SEED}: ${receipts.length} receipts (${marked} marked) for ${txns.length} transactions; ` +
          `${takeovers.total} jobs re-queued in doubt (${takeovers.byOtherHost} by the other host); ${JSON.stringify(counts)}`,
      );
      if (process.env['FLEET_CHAOS_VERBOSE']) console.info(log.join('\n'));
    } catch (error) {
      throw new Error(`fleet chaos failed (replay: FLEET_CHAOS_SEED=${SEED}): ${(error as Error).message}\nschedule: ${log.join('; ')}`, { cause: error });
    } finally {
      await proxy.close();
      await killChildren();
      await spool.close({ timeoutMs: 2000 });
      await Promise.all([...printers.values()].map((printer) => printer.close()));
    }
  });
});
