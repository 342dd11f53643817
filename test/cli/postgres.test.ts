/**
 * The built CLI against a shared PostgreSQL store (`--db postgres://…` / RECEIPT_SPOOL_DB): submit,
 * list and show from separate processes, and a worker printing to a virtual printer from it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, postgres, testDatabaseUrl } from '../spool/postgres-helpers.js';
import { cleanup, jsonLines, receiptJson, runCli, startCli, startPrinter } from './helpers.js';

describe.skipIf(!postgres.available)('CLI with --db postgres://', () => {
  let schema: string;
  let db: string;

  beforeEach(() => {
    schema = freshSchema();
    const url = new URL(testDatabaseUrl());
    url.searchParams.set('schema', schema);
    db = url.toString();
  });
  afterEach(async () => {
    await cleanup();
    await dropSchema(schema);
  });

  it('submits, lists and shows jobs in PostgreSQL, idempotent per transaction', async () => {
    const first = await runCli(['submit', '-', '--db', db, '--json'], { input: receiptJson('PG-1') });
    expect(first.stderr).toBe('');
    expect(jsonLines(first.stdout)[0]).toMatchObject({ created: true, job: { transactionId: 'PG-1', state: 'queued' } });
    const again = await runCli(['submit', '-', '--json'], { input: receiptJson('PG-1'), env: { RECEIPT_SPOOL_DB: db } });
    expect(jsonLines(again.stdout)[0]).toMatchObject({ created: false });
    await runCli(['submit', '-', '--db', db], { input: receiptJson('PG-2', { printer: 'bar' }) });

    const listed = await runCli(['list', '--db', db, '--json']);
    expect(listed.code).toBe(0);
    expect(jsonLines(listed.stdout).map((job) => [job['transactionId'], job['printer']])).toEqual([
      ['PG-1', 'default'],
      ['PG-2', 'bar'],
    ]);

    const shown = await runCli(['show', 'PG-1', '--db', db, '--json']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('PG-1');
    expect(shown.stdout).toContain('"toState":"queued"');
  });

  it('prints through a worker that reads the same PostgreSQL store', async () => {
    const { vp, uri } = await startPrinter();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('PG-W1') });
    const worker = startCli(['worker', '--printer', uri, '--db', db, '--json']);
    await worker.waitForLine((line) => line.includes('"event":"printed"') && line.includes('PG-W1'));
    // Submitted by another process while the worker runs: it arrives by LISTEN/NOTIFY.
    await runCli(['submit', '-', '--db', db], { input: receiptJson('PG-W2') });
    await worker.waitForLine((line) => line.includes('"event":"printed"') && line.includes('PG-W2'));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(vp.journal.receipts.filter((r) => r.complete).map((r) => r.text.split('\n')[0])).toEqual(['receipt PG-W1', 'receipt PG-W2']);
  });

  it('says which server it could not reach, without the password, exit 1', async () => {
    const result = await runCli(['list', '--db', 'postgres://spool:secret@127.0.0.1:1/none']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PostgreSQL is unreachable: postgres:\/\/spool:\*\*\*@127\.0\.0\.1:1\/none/);
    expect(result.stderr).not.toContain('secret');
  });
});
