/**
 * Commands that need no printer, run as the built binary against a temporary store:
 * submit, list, show, reprint, retry, purge, health, preview.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, FIXTURES, jsonLines, receiptJson, runCli, tempStore } from './helpers.js';

afterEach(cleanup);

describe('submit', () => {
  it('queues a file durably and is idempotent per transaction', async () => {
    const { db } = tempStore();
    const first = await runCli(['submit', join(FIXTURES, 'receipt-cafe.json'), '--db', db]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('queued: TXN-000123');

    const again = await runCli(['submit', join(FIXTURES, 'receipt-cafe.json'), '--db', db, '--json']);
    expect(again.code).toBe(0);
    const [result] = jsonLines(again.stdout);
    expect(result).toMatchObject({ created: false, job: { transactionId: 'TXN-000123', state: 'queued', kind: 'original' } });
    expect(result!['job']).not.toHaveProperty('document');
  });

  it('reads standard input for - and takes the store from RECEIPT_SPOOL_DB', async () => {
    const { db } = tempStore();
    const result = await runCli(['submit', '-', '--json'], { input: receiptJson('STDIN-1'), env: { RECEIPT_SPOOL_DB: db } });
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ created: true, job: { transactionId: 'STDIN-1' } });
    const listed = await runCli(['list', '--json', '--db', db]);
    expect(jsonLines(listed.stdout).map((job) => job['transactionId'])).toEqual(['STDIN-1']);
  });

  it('with --strict, refuses a document with a problem naming its JSON path (exit 2) and queues nothing', async () => {
    const { db } = tempStore();
    const bad = JSON.stringify({ transactionId: 'BAD-1', content: ['ok', { qr: 5 }] });
    const result = await runCli(['submit', '-', '--db', db, '--strict'], { input: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid receipt in standard input: content\[1\]\.qr: .*expected string/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const listed = await runCli(['list', '--json', '--db', db]);
    expect(listed.stdout).toBe('');
  });

  it("the issue's three receipts (an EAN-13, a timestamp, an order number that pass Luhn) are queued without warnings and shown unchanged", async () => {
    const { db } = tempStore();
    for (const [id, line] of [
      ['T1', 'Milk 4006381333908'],
      ['T2', 'Ref 20261206032603'],
      ['T3', 'Order 1234567812345670'],
    ]) {
      const result = await runCli(['submit', '-', '--db', db], { input: JSON.stringify({ transactionId: id, content: [line] }) });
      expect({ id, code: result.code, stderr: result.stderr }).toEqual({ id, code: 0, stderr: '' });
      expect((await runCli(['show', id!, '--db', db])).stdout).toContain(line);
    }
  });

  it('refuses what is not a receipt (exit 2), naming the top-level reason', async () => {
    const { db } = tempStore();
    const result = await runCli(['submit', '-', '--db', db], { input: JSON.stringify({ content: ['ok'] }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('transactionId: required');
  });

  it('the "Done when" document (control characters, bad EAN-13, over-capacity QR, oversized image) prints with 4 warnings; --strict and preview refuse naming all 4 paths', async () => {
    const { dir, db } = tempStore();
    const { PNG } = await import('pngjs');
    const png = new PNG({ width: 9000, height: 1 });
    png.data.fill(255);
    writeFileSync(join(dir, 'wide.png'), PNG.sync.write(png));
    const file = join(dir, 'done-when.json');
    const content = ['Bell\u0007 here', { barcode: '4006381333909', symbology: 'ean13' }, { qr: 'é'.repeat(3000) }, { image: 'wide.png' }, { cut: true }];
    writeFileSync(file, JSON.stringify({ transactionId: 'DONE-1', content }));
    const paths = ['content[0]', 'content[1].barcode', 'content[2].qr', 'content[3].image'];

    const strict = await runCli(['submit', file, '--db', db, '--strict']);
    expect(strict.code).toBe(2);
    for (const path of paths) expect(strict.stderr).toContain(`${path}: `);
    const preview = await runCli(['preview', file]);
    expect(preview.code).toBe(2);
    for (const path of paths) expect(preview.stderr).toContain(`${path}: `);

    const lenient = await runCli(['submit', file, '--db', db, '--json']);
    expect(lenient.code).toBe(0);
    const [result] = jsonLines(lenient.stdout);
    expect((result!['warnings'] as { path: string }[]).map((w) => w.path)).toEqual(paths);
    const shown = await runCli(['show', 'DONE-1', '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Bell? here');
    expect(shown.stdout).toContain('4006381333909');
    for (const code of ['CHARACTERS_REPLACED', 'BARCODE_AS_TEXT', 'QR_AS_TEXT', 'IMAGE_DROPPED']) expect(shown.stdout).toContain(code);
    expect(shown.stdout).toContain('submitted with 4 warnings');
  });

  it('rejects bad JSON and a missing file with exit 2 and a message; masks card numbers (refused with --strict)', async () => {
    const { dir, db } = tempStore();
    const badJson = await runCli(['submit', '-', '--db', db], { input: '{"transactionId": "X", ' });
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('bad JSON in standard input');

    const missing = await runCli(['submit', join(dir, 'nope.json'), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');

    const pan = JSON.stringify({ transactionId: 'PAN-1', content: ['Card 4111 1111 1111 1111'] });
    const strict = await runCli(['submit', '-', '--db', db, '--strict'], { input: pan });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('card number');
    expect(strict.stderr).not.toContain('4111 1111 1111 1111');
    const card = await runCli(['submit', '-', '--db', db], { input: pan });
    expect(card.code).toBe(0);
    expect(card.stderr).toContain('warning: CARD_NUMBER_MASKED at content[0]');
    expect(card.stdout + card.stderr).not.toContain('4111 1111 1111 1111');
    const optedOut = await runCli(['submit', '-', '--db', db, '--allow-card-numbers'], { input: pan.replace('PAN-1', 'PAN-2') });
    expect(optedOut.code).toBe(0);
  });

  it('reads image files relative to the document file; a missing one is left out with a warning (refused with --strict)', async () => {
    const { dir, db } = tempStore();
    const file = join(dir, 'logo-receipt.json');
    writeFileSync(file, JSON.stringify({ transactionId: 'IMG-1', content: [{ image: join(FIXTURES, 'logo-576x400.png') }, { cut: true }] }));
    const ok = await runCli(['submit', file, '--db', db]);
    expect(ok.code).toBe(0);
    writeFileSync(file, JSON.stringify({ transactionId: 'IMG-2', content: [{ image: 'missing.png' }] }));
    const missing = await runCli(['submit', file, '--db', db]);
    expect(missing.code).toBe(0);
    expect(missing.stderr).toMatch(/warning: IMAGE_DROPPED at content\[0\]\.image: cannot read image file "[^"]*missing\.png" \(ENOENT\): left out/);
    writeFileSync(file, JSON.stringify({ transactionId: 'IMG-3', content: [{ image: 'missing.png' }] }));
    const strict = await runCli(['submit', file, '--db', db, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/content\[0\]\.image: cannot read image file/);
  });
});

describe('list', () => {
  it('shows a table, filters by state and age, and prints JSON lines', async () => {
    const { db } = tempStore();
    for (const id of ['L-1', 'L-2']) await runCli(['submit', '-', '--db', db], { input: receiptJson(id) });

    const table = await runCli(['list', '--db', db]);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trim().split('\n');
    expect(header!.split('\t')).toEqual(['TRANSACTION', 'STATE', 'GUARANTEE', 'PRINTER', 'ATTEMPTS', 'AGE', 'LAST ERROR']);
    expect(rows.map((row) => row.split('\t').slice(0, 5))).toEqual([
      ['L-1', 'queued', '', 'default', '0'],
      ['L-2', 'queued', '', 'default', '0'],
    ]);

    const json = jsonLines((await runCli(['list', '--db', db, '--json', '--state', 'queued', '--since', '1h'])).stdout);
    expect(json.map((job) => job['transactionId'])).toEqual(['L-1', 'L-2']);
    expect(json[0]).toMatchObject({ state: 'queued', attempts: 0, printer: 'default' });
    expect(typeof json[0]!['createdAt']).toBe('string');

    expect((await runCli(['list', '--db', db, '--json', '--state', 'needs-attention'])).stdout).toBe('');
    expect((await runCli(['list', '--db', db, '--json', '--since', '2999-01-01'])).stdout).toBe('');
  });

  it('rejects a bad state, a bad --since and a missing store with exit 2', async () => {
    const { db } = tempStore();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('L-3') });
    const state = await runCli(['list', '--db', db, '--state', 'lost']);
    expect(state.code).toBe(2);
    expect(state.stderr).toContain('"lost" is not a job state');
    const since = await runCli(['list', '--db', db, '--since', 'yesterday']);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain('"yesterday" is not an ISO date');
    const noStore = await runCli(['list', '--db', `${db}.absent`]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toContain('no spool store at');
  });
});

describe('show, reprint, retry, purge, health', () => {
  it('show renders the receipt as text with its history; --json has job, document, history, reprints', async () => {
    const { db } = tempStore();
    await runCli(['submit', join(FIXTURES, 'receipt-cafe.json'), '--db', db]);
    const shown = await runCli(['show', 'TXN-000123', '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Cappuccino large');
    expect(shown.stdout).toContain('History');
    expect(shown.stdout).toMatch(/→ queued/);

    const json = jsonLines((await runCli(['show', 'TXN-000123', '--db', db, '--json'])).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ job: { transactionId: 'TXN-000123', document: { transactionId: 'TXN-000123' } }, reprints: [] });
    expect((json[0]!['history'] as unknown[]).length).toBeGreaterThan(0);

    const unknown = await runCli(['show', 'NOPE', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no job with transaction id "NOPE"');
  });

  it('reprint queues a marked copy recorded in the audit trail', async () => {
    const { db } = tempStore();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('R-1') });
    const reprint = await runCli(['reprint', 'R-1', '--db', db, '--by', 'alice', '--reason', 'customer lost it', '--json']);
    expect(reprint.code).toBe(0);
    expect(jsonLines(reprint.stdout)[0]).toMatchObject({ transactionId: 'R-1', kind: 'reprint', state: 'queued' });

    const shown = jsonLines((await runCli(['show', 'R-1', '--db', db, '--json'])).stdout)[0]!;
    expect(shown['reprints']).toEqual([expect.objectContaining({ by: 'alice', reason: 'customer lost it' })]);
    expect(shown['copies']).toEqual([expect.objectContaining({ kind: 'reprint' })]);

    const unknown = await runCli(['reprint', 'R-404', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('R-404');
  });

  it('retry needs a transaction or --all; with nothing failed it re-queues nothing', async () => {
    const { db } = tempStore();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('T-1') });
    const neither = await runCli(['retry', '--db', db]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('either a transaction id or --all');
    const both = await runCli(['retry', 'T-1', '--all', '--db', db]);
    expect(both.code).toBe(2);
    const all = await runCli(['retry', '--all', '--db', db, '--json']);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('');
    const unknown = await runCli(['retry', 'T-404', '--db', db]);
    expect(unknown.code).toBe(2);
  });

  it('purge reports how many documents it dropped and rejects a bad age', async () => {
    const { db } = tempStore();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('P-1') });
    const purged = await runCli(['purge', '--db', db, '--json']);
    expect(purged.code).toBe(0);
    expect(jsonLines(purged.stdout)).toEqual([{ purged: 0, olderThanMs: 30 * 86_400_000 }]);
    const human = await runCli(['purge', '--db', db, '--older-than', '12h']);
    expect(human.stdout).toContain('purged the documents of 0 printed jobs');
    const bad = await runCli(['purge', '--db', db, '--older-than', 'forever']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"forever" is not a duration');
  });

  it('health says "no worker" (exit 1) until a worker serves the printer', async () => {
    const { db } = tempStore();
    await runCli(['submit', '-', '--db', db], { input: receiptJson('H-1') });
    const health = await runCli(['health', '--db', db, '--json']);
    expect(health.code).toBe(1);
    expect(jsonLines(health.stdout)).toEqual([
      { printer: 'default', ready: false, reason: 'no worker', observedAt: null, status: null, heartbeatAt: null, servedBy: null, waitingJobs: 1 },
    ]);
    const table = await runCli(['health', '--db', db]);
    expect(table.stdout).toMatch(/default\s+no\s+not ready: no worker serving default \(none has run\)\s+never\s+1/);
  });
});

describe('preview', () => {
  it('renders the receipt at the width of the profile, Chinese included', async () => {
    const wide = await runCli(['preview', join(FIXTURES, 'receipt-cafe.json')]);
    expect(wide.code).toBe(0);
    const rule80 = wide.stdout.split('\n').find((line) => /^-+$/.test(line));
    expect(rule80).toHaveLength(48);

    const narrow = await runCli(['preview', join(FIXTURES, 'receipt-cafe.json'), '--profile', 'generic-58']);
    expect(narrow.stdout.split('\n').find((line) => /^-+$/.test(line))).toHaveLength(32);

    const chinese = await runCli(['preview', join(FIXTURES, 'receipt-chinese.json'), '--profile', 'xprinter-80', '--json']);
    expect(chinese.code).toBe(0);
    const [result] = jsonLines(chinese.stdout);
    expect(result).toMatchObject({ profile: 'xprinter-80', columns: 48, warnings: [] });
    expect(result!['text']).toContain('收银小票');
  });

  it('rejects an unknown profile and a bad document with exit 2', async () => {
    const profile = await runCli(['preview', join(FIXTURES, 'receipt-cafe.json'), '--profile', 'nope-80']);
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain('unknown printer profile "nope-80"');
    const bad = await runCli(['preview', '-'], { input: JSON.stringify({ content: [] }) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('transactionId');
  });
});
