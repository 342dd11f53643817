/**
 * Issue 15's eight observations, repeated as a new user would: the built CLI in separate
 * processes (worker, print, health, status, cancel, move, list) against the virtual printer.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from '../../src/child-process.js';
import { openSpool } from '../../src/spool/spool.js';
import { SqliteStore } from '../../src/spool/sqlite/store.js';
import type { HistoryEntry } from '../../src/spool/types.js';
import { cliEnv, collectOutput } from '../support/cli-process.js';
import { cleanup, eventually, jsonLines, receiptJson, runCli, startCli, startPrinter, tempStore } from './helpers.js';

afterEach(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');

async function startEmulator(): Promise<{ uri: string; receipts: () => { text: string }[]; stop: () => Promise<void> }> {
  const emulator = startCli(['emulate', '--port', '0', '--control-port', '0', '--json']);
  const listening = JSON.parse(await emulator.waitForLine((line) => line.includes('"listening"'))) as { uri: string };
  return {
    uri: listening.uri,
    receipts: () => emulator.lines.filter((line) => line.includes('"receipt"')).map((line) => JSON.parse(line) as { text: string }),
    stop: async () => {
      await stopChild(emulator.child, { signal: 'SIGINT' });
      await emulator.exited;
    },
  };
}

/** A TCP port on 127.0.0.1 where nothing listens: a printer that is switched off. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function healthOf(db: string, printer: string): Promise<{ code: number | null; json: Record<string, unknown> }> {
  const result = await runCli(['health', '--db', db, '--printer', printer, '--json']);
  return { code: result.code, json: jsonLines(result.stdout)[0]! };
}

describe('a worker in one process, the POS and the operator in others', () => {
  it('health follows the worker (fresh observation, "no worker" after SIGTERM); status asks the worker; print returns when the store says printed', async () => {
    const emulator = await startEmulator();
    const { db } = tempStore();
    const worker = startCli(['worker', '--printer', emulator.uri, '--name', 'front', '--db', db]);
    await worker.waitForLine((line) => line.includes('worker for front'));
    await eventually(async () => ((await healthOf(db, 'front')).code === 0 ? true : undefined));
    const ready = await healthOf(db, 'front');
    expect(ready.json).toMatchObject({ printer: 'front', ready: true, reason: 'ok' });
    // The observation is renewed with each status poll, not only when the state changes.
    const firstObserved = Date.parse(ready.json['observedAt'] as string);
    await eventually(async () => (Date.parse((await healthOf(db, 'front')).json['observedAt'] as string) > firstObserved ? true : undefined));

    // status while the worker holds the only connection: answered from its observation.
    const status = await runCli(['status', '--printer', emulator.uri, '--db', db, '--json']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(jsonLines(status.stdout)[0]).toMatchObject({ source: 'worker', printer: 'front', ready: true, confirmation: 'process-id', status: { online: true } });
    const human = await runCli(['status', '--printer', emulator.uri, '--db', db]);
    expect(human.stdout).toContain('from the worker holding front');

    // print with a long timeout: it must return when the worker printed it, not at the timeout.
    const doc = receiptJson('TX-1', { printer: 'front' });
    const printed = await runCli(['print', '-', '--printer', emulator.uri, '--db', db, '--timeout', '600', '--json'], { input: doc });
    expect(printed.code).toBe(0);
    expect(jsonLines(printed.stdout)[0]).toMatchObject({ ok: true, guarantee: 'printed', job: { transactionId: 'TX-1', state: 'printed' } });
    await eventually(async () => (emulator.receipts().some((r) => r.text.includes('receipt TX-1')) ? true : undefined));

    const again = await runCli(['print', '-', '--printer', emulator.uri, '--db', db], { input: doc });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/TX-1: already printed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d on front .*; nothing sent/);
    expect(emulator.receipts().filter((r) => r.text.includes('receipt TX-1'))).toHaveLength(1);

    await stopChild(worker.child, { signal: 'SIGTERM' });
    expect(await worker.exited).toBe(0);
    const after = await runCli(['health', '--db', db, '--printer', 'front']);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(/front\s+no\s+not ready: no worker serving front since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await emulator.stop();
  }, 120_000);

  it('waitFor and watch in a POS process see what a worker in another process did; spool.on("printed") does not', async () => {
    const { vp, uri } = await startPrinter();
    const { db } = tempStore();
    const pos = openSpool({ path: db });
    try {
      const worker = startCli(['worker', '--printer', uri, '--db', db]);
      await worker.waitForLine((line) => line.includes('worker for default'));
      const events: string[] = [];
      pos.on('printed', (job) => events.push(job.transactionId));
      const seen: HistoryEntry[] = [];
      const stop = new AbortController();
      const watching = (async () => {
        for await (const entry of pos.watch({ signal: stop.signal })) {
          seen.push(entry);
          if (entry.toState === 'printed') stop.abort();
        }
      })();
      await new Promise((done) => setImmediate(done));
      await pos.submit(JSON.parse(receiptJson('W-1')));
      expect(await pos.waitFor('W-1', { timeoutMs: 60_000 })).toMatchObject({ state: 'printed', guarantee: 'printed' });
      await watching;
      expect(seen.map((entry) => entry.toState)).toEqual(['queued', 'sending', 'confirming', 'printed']);
      expect(events).toEqual([]); // events fire in the worker's process only (README "Where events fire")
      expect(vp.journal.receipts.filter((r) => r.text.includes('receipt W-1'))).toHaveLength(1);
    } finally {
      await pos.close();
    }
  }, 120_000);
});

describe('printers by name', () => {
  it('warns at start and in health about jobs for a printer no worker serves; a config file serves it by name', async () => {
    const { vp, uri } = await startPrinter();
    const { dir, db } = tempStore();
    expect((await runCli(['submit', '-', '--db', db], { input: receiptJson('N-1', { printer: 'front' }) })).code).toBe(0);

    const unnamed = startCli(['worker', '--printer', uri, '--db', db]);
    const warning = await unnamed.waitForLine((line) => line.includes('WARNING'));
    expect(warning).toContain('1 job waits for printer "front"');
    expect(warning).toContain('which no worker serves; this one serves default');
    const health = await runCli(['health', '--db', db]);
    expect(health.code).toBe(1);
    expect(health.stdout).toMatch(/front\s+no\s+not ready: no worker serving front/);
    expect(health.stderr).toContain('1 job waits for "front", which no worker serves');
    await stopChild(unnamed.child, { signal: 'SIGTERM' });
    await unnamed.exited;

    const config = join(dir, 'receipt-spool.json');
    writeFileSync(config, JSON.stringify({ db: 'spool.db', printers: { front: { uri, profile: 'generic-80' } } }));
    const named = startCli(['worker', '--config', config]);
    await named.waitForLine((line) => line.includes('worker for front'));
    await eventually(async () => (vp.journal.receipts.some((r) => r.text.includes('receipt N-1')) ? true : undefined));
    // A name works wherever a URI does; the config file's "db" is the default store.
    const health2 = await runCli(['health', '--printer', 'front', '--json'], { env: { RECEIPT_SPOOL_CONFIG: config } });
    expect(jsonLines(health2.stdout)[0]).toMatchObject({ printer: 'front' });
    const status = await runCli(['status', '--printer', 'front', '--config', config, '--json']);
    expect(jsonLines(status.stdout)[0]).toMatchObject({ source: 'worker', printer: 'front' });
    await stopChild(named.child, { signal: 'SIGTERM' });
    await named.exited;
  }, 120_000);

  it('refuses a bad config file naming the JSON path (exit 2)', async () => {
    const { dir } = tempStore();
    const config = join(dir, 'receipt-spool.json');
    writeFileSync(config, JSON.stringify({ printers: { front: { uri: 'ftp://x', fallback: 'back' }, 'bad name!': { uri: 'tcp://127.0.0.1' } } }));
    const result = await runCli(['worker'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('printers.bad name!');
    const fixed = JSON.stringify({ printers: { front: { uri: 'ftp://x', fallback: 'back' } } });
    writeFileSync(config, fixed);
    const again = await runCli(['worker', '--config', config]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('printers.front.uri');
    expect(again.stderr).toContain('printers.front.fallback: "back" is not a printer in this file');
  });
});

describe('a printer that is switched off', () => {
  it('becomes needs-attention "printer unreachable"; the job can be cancelled or moved (audited), reprint --printer', async () => {
    const { vp, uri } = await startPrinter();
    const { db } = tempStore();
    const off = `tcp://127.0.0.1:${await closedPort()}`;
    const worker = startCli(['worker', '--printer', off, '--name', 'front', '--db', db, '--unreachable-after', '1', '--json']);
    await worker.waitForLine((line) => line.includes('"started"'));
    expect((await runCli(['submit', '-', '--db', db], { input: receiptJson('U-1', { printer: 'front' }) })).code).toBe(0);
    expect((await runCli(['submit', '-', '--db', db], { input: receiptJson('U-2', { printer: 'front' }) })).code).toBe(0);
    const attention = JSON.parse(await worker.waitForLine((line) => line.includes('"needs-attention"'), 60_000)) as Record<string, unknown>;
    expect(attention).toMatchObject({ code: 'PRINTER_UNREACHABLE', cause: 'printer unreachable on front' });

    const cancelled = await runCli(['cancel', 'U-1', '--by', 'anna', '--reason', 'customer left', '--db', db]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain('cancelled: U-1  cancelled');
    const noReason = await runCli(['cancel', 'U-2', '--db', db]);
    expect(noReason.code).toBe(2);

    const moved = await runCli(['move', 'U-2', '--to', 'back', '--by', 'anna', '--reason', 'front is off', '--db', db]);
    expect(moved.code).toBe(0);
    const back = startCli(['worker', '--printer', uri, '--name', 'back', '--db', db]);
    await eventually(async () => (vp.journal.receipts.some((r) => r.text.includes('receipt U-2')) ? true : undefined));
    const shown = await runCli(['show', 'U-2', '--db', db, '--json']);
    const history = (jsonLines(shown.stdout)[0]!['history'] as { message: string | null }[]).map((h) => h.message);
    expect(history).toContain('moved from front to back by anna: front is off');
    const shownU1 = await runCli(['show', 'U-1', '--db', db, '--json']);
    expect(jsonLines(shownU1.stdout)[0]).toMatchObject({ job: { state: 'cancelled' } });

    const copy = await runCli(['reprint', 'U-2', '--printer', 'back', '--by', 'anna', '--reason', 'copy', '--db', db, '--json']);
    expect(jsonLines(copy.stdout)[0]).toMatchObject({ printer: 'back', kind: 'reprint' });
    await eventually(async () => (vp.journal.receipts.filter((r) => r.text.includes('receipt U-2')).length === 2 ? true : undefined));
    const markLine = vp.journal.receipts
      .at(-1)!
      .text.split('\n')
      .find((line) => line.includes('Copy'))!;
    // Local time on the customer's receipt, not a UTC ISO instant.
    expect(markLine).toMatch(/Copy 2 · \d{4}-\d\d-\d\d \d\d:\d\d/);
    expect(markLine).not.toMatch(/T\d\d:\d\d:\d\d/);

    const list = await runCli(['list', '--db', db, '--limit', '2']);
    expect(list.stdout).toContain('GUARANTEE');
    expect(list.stdout.split('\n').filter((line) => line.startsWith('U-'))).toHaveLength(2);
    expect(list.stdout).toContain('U-2 (reprint)');
    expect(list.stdout).not.toMatch(/^U-1 /m); // the oldest of three is left out
    await Promise.all([stopChild(worker.child), stopChild(back.child)]);
    await Promise.all([worker.exited, back.exited]);
  }, 120_000);
});

describe('back to printing fast after a crash', () => {
  it("a worker restarted on the same host takes over the SIGKILLed holder's lease before it expires", async () => {
    const { vp, uri } = await startPrinter();
    const { db } = tempStore();
    const crashed = startCli(['worker', '--printer', uri, '--db', db]);
    await crashed.waitForLine((line) => line.includes('worker for default'));
    const store = new SqliteStore(db);
    try {
      await eventually(async () => ((await store.readLease('default'))?.pid === crashed.child.pid ? true : undefined));
      await stopChild(crashed.child, { signal: 'SIGKILL' });
      await crashed.exited;
      const expiresAt = (await store.readLease('default'))!.expiresAt;
      expect((await runCli(['submit', '-', '--db', db], { input: receiptJson('K-1') })).code).toBe(0);
      const restarted = startCli(['worker', '--printer', uri, '--db', db]);
      await eventually(async () => (vp.journal.receipts.some((r) => r.text.includes('receipt K-1')) ? true : undefined));
      // The paper comes out before the worker records the confirmation: wait for the store's word.
      const printedAt = await eventually(async () => (await store.findJob('K-1'))?.printedAt ?? undefined);
      expect(printedAt).toBeLessThan(expiresAt);
      await stopChild(restarted.child, { signal: 'SIGTERM' });
      await restarted.exited;
    } finally {
      store.close();
    }
  }, 120_000);
});

describe('README quick start', () => {
  it('runs as written against the virtual printer, prints the receipt and exits', async () => {
    const emulator = await startEmulator();
    const { dir, db } = tempStore();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Quick start: library'));
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    // The package as an installed dependency would resolve it: node_modules/receipt-spool → this clone.
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'receipt-spool'), 'dir');
    writeFileSync(join(dir, 'quickstart.mts'), snippet);
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'quickstart.mts'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: cliEnv({ RECEIPT_SPOOL_DB: db, RECEIPT_SPOOL_PRINTER: emulator.uri }),
    });
    const result = await collectOutput(child);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('TXN-000123: printed on front');
    await eventually(async () => (emulator.receipts().some((r) => r.text.includes('Espresso')) ? true : undefined));
    await emulator.stop();
  }, 120_000);
});
