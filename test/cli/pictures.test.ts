/** Pictures from the CLI: preview --png, show --png (with the reprint mark when marked), emulate --save. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { PaperEndError } from '../../src/errors.js';
import { renderReceipt } from '../../src/preview/index.js';
import { openSpool } from '../../src/spool/spool.js';
import { decodeSymbols } from '../support/decode-symbols.js';
import { eventually as eventuallyTrue, FakeLink, testRender } from '../spool/helpers.js';
import { cleanup, FIXTURES, runCli, startCli, startPrinter, tempStore } from './helpers.js';

afterEach(cleanup);

const CAFE = join(FIXTURES, 'receipt-cafe.json');
const CAFE_SYMBOLS = ['TXN-000123', 'https://example.com/r/TXN-000123'];
const size = (png: Buffer) => {
  const image = PNG.sync.read(png);
  return [image.width, image.height];
};

describe('preview --png', () => {
  it('writes the receipt as printed, at the profile width', async () => {
    const { dir } = tempStore();
    const out = join(dir, 'cafe.png');
    const result = await runCli(['preview', CAFE, '--png', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Cappuccino large');
    expect(result.stderr).toContain(`wrote ${out} (576 × `);
    const png = readFileSync(out);
    expect(size(png)[0]).toBe(576);
    expect((await decodeSymbols(png)).map((s) => s.text)).toEqual(CAFE_SYMBOLS);

    const narrow = join(dir, 'narrow.png');
    expect((await runCli(['preview', CAFE, '--profile', 'generic-58', '--png', narrow])).code).toBe(0);
    expect(size(readFileSync(narrow))[0]).toBe(384);

    const unwritable = await runCli(['preview', CAFE, '--png', join(dir, 'missing', 'x.png')]);
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toContain('cannot write');
  });
});

describe('show --png', () => {
  it('draws the job as its latest attempt printed: marked after an in-doubt reprint', async () => {
    const { dir, db } = tempStore();
    const document = JSON.parse(readFileSync(CAFE, 'utf8'));
    const spool = openSpool({ path: db });
    try {
      await spool.submit(document);
      // The first attempt may have printed (paper ran out mid-job): the second copy carries the mark.
      const link = new FakeLink();
      link.script.push({ ok: false, error: new PaperEndError(undefined, { mayHavePrinted: true }), printed: true });
      spool.createWorker({ printer: 'front', link, render: testRender, retry: { initialMs: 5, maxMs: 20, jitter: 0 }, statusPollMs: 20, pollMs: 20 }).start();
      await eventuallyTrue(async () => (await spool.get('TXN-000123'))?.state === 'printed');
    } finally {
      await spool.close({ timeoutMs: 2000 });
    }
    const reopened = openSpool({ path: db });
    const job = (await reopened.get('TXN-000123'))!;
    await reopened.close();
    expect(job).toMatchObject({ marked: true, copy: 2 });

    const out = join(dir, 'shown.png');
    const result = await runCli(['show', 'TXN-000123', '--db', db, '--png', out]);
    expect(result.code).toBe(0);
    const png = readFileSync(out);
    const marked = renderReceipt(document, 'generic-80', { mark: { copy: 2, time: new Date(job.printedAt!).toISOString() } });
    expect(png.equals(Buffer.from(marked))).toBe(true);
    expect(size(png)[1]).toBeGreaterThan(size(Buffer.from(renderReceipt(document, 'generic-80')))[1]!);
    expect((await decodeSymbols(png)).map((s) => s.text)).toEqual(CAFE_SYMBOLS);
  });
});

describe('emulate --save', () => {
  it('writes each receipt as a PNG as it prints', async () => {
    const { dir, db } = tempStore();
    const saveDir = join(dir, 'receipts');
    const emulator = startCli(['emulate', '--port', '0', '--control-port', '0', '--json', '--save', saveDir]);
    const listening = JSON.parse(await emulator.waitForLine((line) => line.includes('"listening"'))) as { uri: string };
    const printed = await runCli(['print', CAFE, '--printer', listening.uri, '--db', db]);
    expect(printed.code).toBe(0);
    const receipt = JSON.parse(await emulator.waitForLine((line) => line.includes('"receipt"'))) as { png: string };
    expect(receipt.png).toBe(join(saveDir, 'receipt-1.png'));
    await eventuallyTrue(() => existsSync(receipt.png) && readFileSync(receipt.png).length > 0);
    const png = readFileSync(receipt.png);
    expect(size(png)[0]).toBe(576);
    expect((await decodeSymbols(png)).map((s) => s.text)).toEqual(CAFE_SYMBOLS);
    emulator.child.kill('SIGINT');
    expect(await emulator.exited).toBe(0);
  });
});

describe('worker --digital-copies', () => {
  it('writes a marked digital copy of a job waiting for a printer out of paper; the job keeps waiting', async () => {
    const { dir, db } = tempStore();
    const copies = join(dir, 'copies');
    const { vp, uri } = await startPrinter();
    vp.paperOut();
    expect((await runCli(['submit', CAFE, '--db', db])).code).toBe(0);
    const worker = startCli(['worker', '--printer', uri, '--name', 'front', '--db', db, '--json', '--digital-copy-after', '1s', '--digital-copies', copies]);
    const due = JSON.parse(await worker.waitForLine((line) => line.includes('"event":"digital-copy-due"'))) as { job: { state: string } };
    expect(due.job.state).toBe('needs-attention');
    const written = JSON.parse(await worker.waitForLine((line) => line.includes('"event":"digital-copy"'))) as { file: string };
    expect(written.file).toBe(join(copies, 'TXN-000123.png'));
    const png = readFileSync(written.file);
    expect((await decodeSymbols(png)).map((s) => s.text)).toEqual(CAFE_SYMBOLS);
    expect(vp.journal.receipts).toHaveLength(0);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const usage = await runCli(['worker', '--printer', uri, '--db', db, '--digital-copies', copies]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--digital-copies needs --digital-copy-after');
  });
});
