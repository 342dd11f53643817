/**
 * The lenient reading (the spool's) against the strict one (validateReceipt/checkReceipt): every
 * problem strict validation reports is a warning at the same path, and what the lenient
 * reading returns is a document strict validation accepts.
 */
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { readReceiptLeniently } from '../../src/document/lenient.js';
import { checkReceipt } from '../../src/document/validate.js';

/** A real PNG wider than LIMITS.maxImageDimension (8192), of a few hundred bytes. */
function oversizedPng(): string {
  const png = new PNG({ width: 9000, height: 1 });
  png.data.fill(255);
  return 'data:image/png;base64,' + PNG.sync.write(png).toString('base64');
}

/** The issue's "Done when" document: control characters, a bad EAN-13, an over-capacity QR, an oversized image. */
const doneWhen = {
  transactionId: 'DONE-1',
  content: ['Bell\u0007 and\u001b@ escape', { barcode: '4006381333909', symbology: 'ean13' }, { qr: 'é'.repeat(3000) }, { image: oversizedPng() }, { cut: true }],
};
const DONE_WHEN_PATHS = ['content[0]', 'content[1].barcode', 'content[2].qr', 'content[3].image'];

describe('lenient reading', () => {
  it('the "Done when" document prints with one warning per problem; strict names the same four paths', () => {
    const lenient = readReceiptLeniently(doneWhen);
    if (!lenient.ok) throw lenient.error;
    expect(lenient.warnings.map((w) => [w.path, w.code])).toEqual([
      ['content[0]', 'CHARACTERS_REPLACED'],
      ['content[1].barcode', 'BARCODE_AS_TEXT'],
      ['content[2].qr', 'QR_AS_TEXT'],
      ['content[3].image', 'IMAGE_DROPPED'],
    ]);
    expect(lenient.document.content).toEqual(['Bell? and?@ escape', { text: '4006381333909', align: 'center' }, { text: 'é'.repeat(3000), align: 'center' }, { cut: true }]);
    const strict = checkReceipt(doneWhen);
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.issues.map((i) => i.path)).toEqual(DONE_WHEN_PATHS);
  });

  it('a QR code over capacity at its level prints at the highest level it fits', () => {
    const lenient = readReceiptLeniently({ transactionId: 'Q', content: [{ qr: 'X'.repeat(3000), errorCorrection: 'H' }] });
    expect(lenient.ok && lenient.document.content).toEqual([{ qr: 'X'.repeat(3000), errorCorrection: 'M' }]);
    expect(lenient.ok && lenient.warnings.map((w) => [w.code, w.path])).toEqual([['QR_ERROR_CORRECTION_LOWERED', 'content[0].qr']]);
  });

  it('text over the limit is cut with a visible …; a row of the wrong shape keeps every cell readable', () => {
    const lenient = readReceiptLeniently({ transactionId: 'L', content: [{ text: 'a'.repeat(10_005) }, { row: ['Tea', 'x2', 'hot', '3.50'] }, { row: ['only'] }] });
    if (!lenient.ok) throw lenient.error;
    expect((lenient.document.content[0] as { text: string }).text).toBe('a'.repeat(9_999) + '…');
    expect(lenient.document.content.slice(1)).toEqual([{ row: ['Tea', 'x2 hot', '3.50'] }, { text: 'only' }]);
    expect(lenient.warnings.map((w) => [w.code, w.path])).toEqual([
      ['TEXT_TRUNCATED', 'content[0].text'],
      ['BLOCK_CHANGED', 'content[1].row'],
      ['BLOCK_CHANGED', 'content[2].row'],
    ]);
  });

  it('refuses only what is not a receipt, naming the top-level reason', () => {
    for (const [input, path] of [
      ['not an object', ''],
      [{ content: [] }, 'transactionId'],
      [{ transactionId: 7, content: [] }, 'transactionId'],
      [{ transactionId: 'T' }, 'content'],
      [{ transactionId: 'T', content: {} }, 'content'],
      [{ transactionId: 'T', printer: 5, content: [] }, 'printer'],
    ] as const) {
      const result = readReceiptLeniently(input);
      expect({ input, ok: result.ok }).toEqual({ input, ok: false });
      if (!result.ok) expect(result.issues.map((i) => i.path)).toEqual([path]);
    }
  });
});

const hostileText = fc.string({
  maxLength: 30,
  unit: fc.oneof(
    fc.constantFrom('\x1b', '\x07', '\n', '\t', '\r', '\ud800', '4111 1111 1111 1111', '4006381333908', 'CVV 123', '*'),
    fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }),
  ),
});
const anyNumber = fc.oneof(fc.integer({ min: -3, max: 300 }), fc.constantFrom(0.5, 1e9, -0));
const nearBlock: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.record({ text: fc.oneof(hostileText, anyNumber), size: anyNumber, align: fc.constantFrom('left', 'middle'), extra: fc.boolean() }, { requiredKeys: ['text'] }),
  fc.record({ row: fc.array(fc.oneof(hostileText, anyNumber), { maxLength: 5 }), bold: fc.oneof(fc.boolean(), anyNumber) }, { requiredKeys: ['row'] }),
  fc.record({ rule: fc.oneof(fc.constant(true), fc.constant(false), fc.record({ char: hostileText })) }),
  fc.record({ feed: anyNumber }),
  fc.record(
    {
      barcode: fc.oneof(hostileText, fc.stringMatching(/^[0-9]{12,13}$/)),
      symbology: fc.constantFrom('code128', 'ean13', 'ean8', 'code39', 'itf', 'codabar', 'qr'),
      hri: fc.constantFrom('below', 'sideways'),
    },
    { requiredKeys: ['barcode', 'symbology'] },
  ),
  fc.record(
    { qr: fc.oneof(hostileText, fc.constantFrom('X'.repeat(2000), 'é'.repeat(1500), 'é'.repeat(3000))), errorCorrection: fc.constantFrom('L', 'M', 'Q', 'H', 'X') },
    { requiredKeys: ['qr'] },
  ),
  fc.record({ pdf417: fc.oneof(hostileText, fc.constant('x'.repeat(1900))) }),
  fc.record({ image: fc.constantFrom('data:image/png;base64,AAAA', 'x.png', 5) }),
  fc.record({ cut: fc.constantFrom(true, 'half'), feed: anyNumber }, { requiredKeys: ['cut'] }),
  fc.record({ drawer: fc.constantFrom(true, 7) }),
  fc.record({ raw: fc.constantFrom('1b40', 'zz'), unsafe: fc.constantFrom(true, false) }, { requiredKeys: ['raw'] }),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('lenient and strict agree', () => {
  it('property: strict accepts ⇔ the lenient reading changes nothing; the lenient document is one strict accepts; warnings sit at strict paths', () => {
    fc.assert(
      fc.property(fc.array(nearBlock, { maxLength: 6 }), (content) => {
        const input = { transactionId: 'P-1', content };
        const strict = checkReceipt(input);
        const lenient = readReceiptLeniently(input);
        if (!lenient.ok) throw lenient.error;
        expect(strict.ok).toBe(lenient.warnings.length === 0);
        expect(checkReceipt(lenient.document).ok).toBe(true);
        // Every block strict validation names has a warning (card data is checked by strict only once the structure is valid).
        if (!strict.ok) {
          const warnedBlocks = new Set(lenient.warnings.map((w) => /^content\[\d+\]/.exec(w.path)?.[0]));
          for (const issue of strict.issues) expect(warnedBlocks).toContain(/^content\[\d+\]/.exec(issue.path)?.[0]);
        }
      }),
      { numRuns: 400 },
    );
  });
});
