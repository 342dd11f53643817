import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../src/errors.js';
import { validateReceipt } from '../../src/document/validate.js';
import { inlineImageFiles } from '../../src/spool/inline-images.js';

const logoPath = new URL('../fixtures/logo-576x400.png', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'receipt-spool-images-'));
copyFileSync(logoPath, join(dir, 'logo.png'));
writeFileSync(join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0]));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inlineImageFiles', () => {
  it('replaces a relative file path with a PNG data URI, leaving the input untouched', async () => {
    const input = { transactionId: 'T', content: ['x', { image: 'logo.png', width: 200 }] };
    const inlined = (await inlineImageFiles(input, dir)) as typeof input;
    expect(inlined.content[1]).toEqual({ image: 'data:image/png;base64,' + readFileSync(logoPath).toString('base64'), width: 200 });
    expect(input.content[1]).toEqual({ image: 'logo.png', width: 200 });
    expect(validateReceipt(inlined).content).toHaveLength(2);
  });

  it('passes data URIs, other blocks and non-documents through unchanged', async () => {
    const input = { transactionId: 'T', content: [{ image: 'data:image/png;base64,AAAA' }, { text: 'logo.png' }] };
    expect(await inlineImageFiles(input, dir)).toEqual(input);
    expect(await inlineImageFiles('not a document', dir)).toBe('not a document');
  });

  it('names the block path and the file when a file is missing or not a PNG', async () => {
    const input = { transactionId: 'T', content: [{ image: 'missing.png' }, 'x', { image: 'photo.jpg' }] };
    const error = await inlineImageFiles(input, dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidDocumentError);
    expect((error as InvalidDocumentError).issues).toEqual([
      { path: 'content[0].image', message: `cannot read image file "${join(dir, 'missing.png')}" (ENOENT)` },
      { path: 'content[2].image', message: `image file "${join(dir, 'photo.jpg')}" is not a PNG` },
    ]);
  });
});
