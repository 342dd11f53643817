import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CardDataError, InvalidDocumentError, type ValidationIssue } from '../../src/errors.js';
import { LIMITS } from '../../src/document/limits.js';
import { checkReceipt, validateReceipt } from '../../src/document/validate.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

function issuesOf(input: unknown): ValidationIssue[] {
  const result = checkReceipt(input);
  if (result.ok) throw new Error('expected the document to be rejected');
  return result.issues;
}

const doc = (...content: unknown[]) => ({ transactionId: 'TXN-1', content });

describe('validateReceipt: valid documents', () => {
  it.each(['receipt-cafe.json', 'receipt-chinese.json', 'receipt-long.json'])('accepts fixture %s unchanged', (name) => {
    const input = fixture(name);
    expect(validateReceipt(input)).toEqual(input);
  });

  it('returns a copy that later changes to the input do not affect', () => {
    const input = doc('line', { text: 'x', bold: true });
    const result = validateReceipt(input);
    (input.content[1] as { bold: boolean }).bold = false;
    expect(result.content[1]).toEqual({ text: 'x', bold: true });
  });

  it('accepts every block kind', () => {
    const png = 'data:image/png;base64,' + readFileSync(new URL('../fixtures/logo-576x400.png', import.meta.url)).toString('base64');
    const input = doc(
      'plain\twith tab',
      { text: 'a\nb', align: 'right', bold: true, underline: 2, inverse: true, size: { width: 2, height: 3 }, font: 'B' },
      { row: ['Coffee', '3.50'], bold: true },
      { row: ['2x', 'Tea', '4.00'] },
      { rule: true },
      { rule: { char: '=' } },
      { feed: 0 },
      { barcode: '400638133393', symbology: 'ean13', height: 255, width: 6, hri: 'both' },
      { barcode: '*CODE 39*', symbology: 'code39' },
      { barcode: '0123', symbology: 'itf' },
      { barcode: 'A40156B', symbology: 'codabar' },
      { qr: 'https://example.com', size: 16, errorCorrection: 'H' },
      { pdf417: 'PDF', width: 2, rowHeight: 8, errorCorrection: 0 },
      { image: png, width: 384, dither: 'atkinson', threshold: 100, align: 'center' },
      { cut: 'partial', feed: 3 },
      { drawer: 5, pulseMs: 120 },
      { raw: '1b 40', unsafe: true },
    );
    expect(validateReceipt({ ...input, printer: 'front' })).toEqual({ ...input, printer: 'front' });
  });
});

describe('validateReceipt: errors name the path and the reason', () => {
  it.each([
    [doc({ qr: 5 }), 'content[0].qr', 'expected string'],
    [doc('ok', 'ok', 'ok', { qr: null }), 'content[3].qr', 'expected string'],
    [{ content: [] }, 'transactionId', 'required: expected string'],
    [{ transactionId: 'x' }, 'content', 'required: expected array'],
    [{ transactionId: '', content: [] }, 'transactionId', 'must not be empty'],
    [{ transactionId: 'x'.repeat(65), content: [] }, 'transactionId', 'longer than 64 characters'],
    [{ ...doc(), extra: 1 }, 'extra', 'unknown key "extra"; allowed: transactionId, printer, content'],
    [doc({ text: 'a', colour: 'red' }), 'content[0].colour', 'unknown key "colour"; allowed: text, align, bold, underline, inverse, size, font'],
    [doc({ text: 'a', size: 9 }), 'content[0].size', 'must be at most 8'],
    [doc({ text: 'a', size: { width: 2, height: 0 } }), 'content[0].size.height', 'must be at least 1'],
    [doc({ text: 'a', size: 'big' }), 'content[0].size', 'expected an integer 1–8 or { width, height } with integers 1–8'],
    [doc({ text: 'a', size: 1.5 }), 'content[0].size', 'expected an integer 1–8 or { width, height } with integers 1–8'],
    [doc({ barcode: '1', symbology: 'code128', height: 1.5 }), 'content[0].height', 'expected integer'],
    [doc({ feed: Number.NaN }), 'content[0].feed', 'expected number, got NaN'],
    [doc({ feed: Number.POSITIVE_INFINITY }), 'content[0].feed', 'expected number, got Infinity'],
    [doc({ feed: -1 }), 'content[0].feed', 'must be at least 0'],
    [doc({ feed: 256 }), 'content[0].feed', 'must be at most 255'],
    [doc({ text: 'a', align: 'middle' }), 'content[0].align', 'expected "left", "center", "right"'],
    [doc({ barcode: '1', symbology: 'code128', height: 0 }), 'content[0].height', 'must be at least 1'],
    [doc({ barcode: '1', symbology: 'code128', width: 7 }), 'content[0].width', 'must be at most 6'],
    [doc({ qr: 'x', size: 17 }), 'content[0].size', 'must be at most 16'],
    [doc({ row: ['a'] }), 'content[0].row', 'expected an array of 2 or 3 strings'],
    [doc({ row: ['a', 5] }), 'content[0].row[1]', 'expected string'],
    [doc({ rule: { char: '==' } }), 'content[0].rule.char', 'expected exactly one character'],
    [doc({ raw: '1b40' }), 'content[0].unsafe', 'required: raw blocks require "unsafe": true'],
    [doc({ raw: '1b4', unsafe: true }), 'content[0].raw', 'expected hex bytes such as "1b 40" or "1b40"'],
    [doc({ raw: 'zz', unsafe: true }), 'content[0].raw', 'expected hex bytes such as "1b 40" or "1b40"'],
    [doc({ cut: 'half' }), 'content[0].cut', 'expected true, "full" or "partial"'],
    [doc({ drawer: 3 }), 'content[0].drawer', 'expected true, 2 or 5'],
    [doc(42), 'content[0]', 'expected a string or a block object (one of text, row, rule, feed, barcode, qr, pdf417, image, cut, drawer, raw)'],
    [doc({ foo: 1 }), 'content[0]', 'unknown block "foo"; expected one of text, row, rule, feed, barcode, qr, pdf417, image, cut, drawer, raw'],
    [doc({ text: 'a', qr: 'b' }), 'content[0]', 'a block has exactly one kind; this one has text and qr'],
  ])('%j → %s: %s', (input, path, message) => {
    expect(issuesOf(input)).toContainEqual({ path, message });
  });

  it('rejects a non-object document at the root', () => {
    for (const input of [null, 'text', 3, [], undefined]) {
      expect(issuesOf(input)).toEqual([{ path: '', message: 'expected a receipt document object' }]);
    }
  });

  it('reports every issue, not only the first', () => {
    const paths = issuesOf(doc({ qr: 1 }, 'ok', { feed: -1 })).map((issue) => issue.path);
    expect(paths).toEqual(['content[0].qr', 'content[2].feed']);
  });

  it('throws InvalidDocumentError with a one-line message and no stack-trace text in it', () => {
    let caught: unknown;
    try {
      validateReceipt(doc({ qr: 5 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidDocumentError);
    const error = caught as InvalidDocumentError;
    expect(error.code).toBe('INVALID_DOCUMENT');
    expect(error.message).toBe('content[0].qr: expected string');
    expect(error.issues).toEqual([{ path: 'content[0].qr', message: 'expected string' }]);
  });

  it('does not echo an unknown key that could carry data', () => {
    const issues = issuesOf(doc({ text: 'a', '4111 1111 1111 1111': 1 }));
    expect(issues).toEqual([{ path: 'content[0]', message: expect.stringContaining('unknown key (name not shown)') }]);
  });
});

describe('validateReceipt: text that must never reach the printer as commands', () => {
  it.each([
    ['ESC in a plain line', doc('a\u001b@b'), 'content[0]', 'U+001B'],
    ['GS in text', doc({ text: 'cut\u001dV' }), 'content[0].text', 'U+001D'],
    ['NUL in a row cell', doc({ row: ['a\u0000', '1'] }), 'content[0].row[0]', 'U+0000'],
    ['newline in a row cell', doc({ row: ['a\nb', '1'] }), 'content[0].row[0]', 'U+000A'],
    ['CR in text', doc({ text: 'a\rb' }), 'content[0].text', 'U+000D'],
    ['C1 CSI in text', doc({ text: 'a\u009bb' }), 'content[0].text', 'U+009B'],
    ['DEL in the transaction id', { transactionId: 'T\u007f', content: [] }, 'transactionId', 'U+007F'],
    ['ESC in barcode data', doc({ barcode: 'A\u001bB', symbology: 'code128' }), 'content[0].barcode', 'U+001B'],
    ['DLE in QR data', doc({ qr: 'a\u0010' }), 'content[0].qr', 'U+0010'],
  ])('rejects %s', (_name, input, path, code) => {
    expect(issuesOf(input)).toContainEqual({ path, message: expect.stringContaining(`control character ${code}`) });
  });

  it.each([
    ['lone high surrogate', '\ud83d'],
    ['lone low surrogate', 'a\ude00b'],
    ['reversed pair', '\ude00\ud83d'],
  ])('rejects a %s (invalid UTF-16)', (_name, text) => {
    expect(issuesOf(doc({ text }))).toContainEqual({ path: 'content[0].text', message: expect.stringContaining('lone surrogate') });
    expect(issuesOf({ transactionId: text, content: [] })[0]?.path).toBe('transactionId');
  });

  it('accepts newlines and tabs in text, valid surrogate pairs and CJK', () => {
    expect(checkReceipt(doc({ text: 'a\tb\nc 😀 收银小票' }, 'Café €5 Привет 你好')).ok).toBe(true);
  });
});

describe('validateReceipt: barcode data per symbology', () => {
  it.each([
    ['ean13', '400638133393', true],
    ['ean13', '4006381333931', true],
    ['ean13', '4006381333932', false],
    ['ean13', '40063813339', false],
    ['ean8', '9638507', true],
    ['ean8', '96385074', true],
    ['upca', '03600029145', true],
    ['upca', '036000291452', true],
    ['upca', '036000291453', false],
    ['code39', 'ABC-123', true],
    ['code39', 'abc', false],
    ['itf', '123', false],
    ['codabar', '1234', false],
    ['code128', 'Straße', false],
  ] as const)('%s %s → valid: %s', (symbology, data, valid) => {
    const result = checkReceipt(doc('x', { barcode: data, symbology }));
    expect(result.ok).toBe(valid);
    if (!result.ok) expect(result.issues[0]?.path).toBe('content[1].barcode');
  });
});

describe('validateReceipt: limits', () => {
  it(`rejects more than ${LIMITS.maxContentBlocks} blocks`, () => {
    const input = doc(...Array.from({ length: LIMITS.maxContentBlocks + 1 }, () => 'x'));
    expect(issuesOf(input)).toContainEqual({ path: 'content', message: `more than ${LIMITS.maxContentBlocks} blocks` });
    expect(checkReceipt(doc(...Array.from({ length: LIMITS.maxContentBlocks }, () => 'x'))).ok).toBe(true);
  });

  it('rejects text longer than maxTextLength', () => {
    expect(issuesOf(doc('x'.repeat(LIMITS.maxTextLength + 1)))).toEqual([{ path: 'content[0]', message: `longer than ${LIMITS.maxTextLength} characters` }]);
  });

  it('rejects an image data URI over the size limit, a non-PNG and a file path', () => {
    const huge = 'data:image/png;base64,' + 'A'.repeat(LIMITS.maxImageDataUriBytes);
    expect(issuesOf(doc({ image: huge }))[0]).toEqual({ path: 'content[0].image', message: expect.stringContaining('longer than') });
    const gif = 'data:image/png;base64,' + Buffer.from('GIF89a-not-a-png-at-all-0000000').toString('base64');
    expect(issuesOf(doc({ image: gif }))[0]).toEqual({ path: 'content[0].image', message: 'not a PNG image (bad signature)' });
    expect(issuesOf(doc({ image: 'logo.png' }))[0]?.message).toContain('inlineImageFiles');
  });

  it('rejects QR data that no QR symbol can hold at the chosen level', () => {
    expect(checkReceipt(doc({ qr: 'x'.repeat(2953) })).ok).toBe(true);
    expect(issuesOf(doc({ qr: 'x'.repeat(2954) }))[0]?.path).toBe('content[0].qr');
    expect(issuesOf(doc({ qr: 'x'.repeat(1274), errorCorrection: 'H' }))[0]?.message).toContain('level H');
    expect(checkReceipt(doc({ qr: '1'.repeat(7089) })).ok).toBe(true);
  });
});

describe('validateReceipt: card data', () => {
  it.each([
    ['plain line, spaces', doc('Card 4111 1111 1111 1111'), 'content[0]'],
    ['text, dashes', doc({ text: 'PAN 4111-1111-1111-1111' }), 'content[0].text'],
    ['row cell, no separators', doc({ row: ['5555555555554444', '1.00'] }), 'content[0].row[0]'],
    ['15-digit Amex', doc({ text: 'Amex 378282246310005' }), 'content[0].text'],
    ['QR data', doc({ qr: 'pan=4111111111111111' }), 'content[0].qr'],
    ['code128 barcode', doc({ barcode: '4111111111111111', symbology: 'code128' }), 'content[0].barcode'],
  ])('rejects a full PAN in a %s with CARD_DATA, naming the path and not echoing digits', (_name, input, path) => {
    const result = checkReceipt(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(CardDataError);
    expect(result.error.code).toBe('CARD_DATA');
    expect(result.issues).toEqual([{ path, message: 'contains a full card number (PAN); mask it with maskPan() or pass allowCardNumbers' }]);
    expect(result.error.message).not.toMatch(/\d{4}/);
    expect(() => validateReceipt(input)).toThrow(CardDataError);
  });

  it('accepts masked numbers, Luhn-invalid digit runs and EAN data', () => {
    expect(
      checkReceipt(
        doc('Card **** **** **** 4242', '411111******1111', '************1111', 'Ref 4111 1111 1111 1112', {
          barcode: '4006381333931',
          symbology: 'ean13',
        }),
      ).ok,
    ).toBe(true);
  });

  it('allowCardNumbers opts out of the PAN rule only; track data and CVVs stay rejected', () => {
    const pan = doc('Card 4111 1111 1111 1111');
    expect(validateReceipt(pan, { allowCardNumbers: true })).toEqual(pan);
    for (const [text, words] of [
      ['%B4111111111111111^DOE/JOHN^25121010000000000?', 'track data'],
      [';4111111111111111=25121010000000000?', 'track data'],
      ['CVV2: 123', 'verification value'],
      ['cvc 4567', 'verification value'],
    ] as const) {
      const result = checkReceipt(doc('x', { text }), { allowCardNumbers: true });
      expect(result.ok, text).toBe(false);
      if (!result.ok) {
        expect(result.issues).toContainEqual({ path: 'content[1].text', message: expect.stringContaining(words) });
        expect(result.error.code).toBe('CARD_DATA');
        expect(result.error.message).not.toMatch(/\d{3}/);
      }
    }
  });
});
