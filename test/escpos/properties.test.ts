import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkReceipt } from '../../src/document/validate.js';
import { encode } from '../../src/escpos/encoder.js';
import { profiles } from '../../src/escpos/profiles.js';
import { interpret, lines } from './printout.js';

const logo = 'data:image/png;base64,' + readFileSync(new URL('../fixtures/logo-576x400.png', import.meta.url)).toString('base64');

const anyText = fc.string({ maxLength: 60, unit: 'binary' });
const align = fc.constantFrom('left', 'center', 'right');
const block: fc.Arbitrary<unknown> = fc.oneof(
  anyText,
  fc.record(
    {
      text: anyText,
      align,
      bold: fc.boolean(),
      underline: fc.constantFrom(true, false, 1, 2),
      inverse: fc.boolean(),
      size: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.record({ width: fc.integer({ min: 1, max: 8 }), height: fc.integer({ min: 1, max: 8 }) })),
      font: fc.constantFrom('A', 'B'),
    },
    { requiredKeys: ['text'] },
  ),
  fc.record({ row: fc.oneof(fc.tuple(anyText, anyText), fc.tuple(anyText, anyText, anyText)), bold: fc.boolean() }, { requiredKeys: ['row'] }),
  fc.record({ rule: fc.constantFrom(true, { char: '=' }, { char: '＝' }) }),
  fc.record({ feed: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ barcode: fc.stringMatching(/^[ -~]{1,40}$/), symbology: fc.constant('code128'), hri: fc.constantFrom('none', 'above', 'below', 'both') }),
  fc.record({ barcode: fc.stringMatching(/^[0-9]{12}$/), symbology: fc.constant('ean13') }),
  fc.record({ qr: fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }), size: fc.integer({ min: 1, max: 16 }), errorCorrection: fc.constantFrom('L', 'M', 'Q', 'H') }),
  fc.record({ pdf417: fc.string({ minLength: 1, maxLength: 100 }) }),
  fc.record({ cut: fc.constantFrom(true, 'full', 'partial'), feed: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: ['cut'] }),
  fc.record({ drawer: fc.constantFrom(true, 2, 5), pulseMs: fc.integer({ min: 2, max: 500 }) }, { requiredKeys: ['drawer'] }),
  fc.constant({ image: logo, width: 200, dither: 'atkinson' }),
);

describe('properties', () => {
  it('any valid document encodes on every profile without throwing, and a printer could parse every byte', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 12 }), fc.constantFrom(...Object.keys(profiles)), (content, profile) => {
        const checked = checkReceipt({ transactionId: 'TXN-1', content });
        fc.pre(checked.ok);
        if (!checked.ok) return;
        const { bytes, warnings } = encode(checked.document, profile, { mark: { copy: 2, time: '2026-01-01T00:00:00Z' } });
        expect(() => interpret(bytes)).not.toThrow();
        for (const w of warnings) expect(w.path).toMatch(/^(content\[\d+\]|options\.)/);
      }),
      { numRuns: 300 },
    );
  });

  const chars = (ranges: [number, number][]): string[] => ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i)));
  const roundTrip = (alphabet: string[], profile: string, maxLength: number) =>
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...alphabet), maxLength }), (text) => {
        const { bytes, warnings } = encode({ transactionId: 'T', content: [text] }, profile);
        expect(warnings).toEqual([]);
        expect(lines(interpret(bytes)).join('')).toBe(text.normalize('NFC').trimEnd());
      }),
      { numRuns: 300 },
    );

  const latin1 = chars([
    [0x20, 0x7e],
    [0xa0, 0xff],
  ]);
  const cyrillic = chars([
    [0x20, 0x7e],
    [0x410, 0x44f],
    [0x401, 0x401],
    [0x451, 0x451],
  ]);
  const greek = chars([
    [0x20, 0x7e],
    [0x391, 0x3a1],
    [0x3a3, 0x3a9],
    [0x3b1, 0x3c9],
    [0x3ac, 0x3af],
  ]);
  const cjk = chars([
    [0x20, 0x7e],
    [0x4e00, 0x4fff],
    [0x3001, 0x3002],
    [0xff01, 0xff5e],
  ]);

  it('Latin-1 text round-trips through the chosen code pages (epson-tm-t88)', () => roundTrip(latin1, 'epson-tm-t88', 40));
  it('Cyrillic text round-trips (epson-tm-t88 and generic-80)', () => {
    roundTrip(cyrillic, 'epson-tm-t88', 40);
    roundTrip(cyrillic, 'generic-80', 40);
  });
  it('Greek text round-trips (epson-tm-t88)', () => roundTrip(greek, 'epson-tm-t88', 40));
  it('CJK and full-width text round-trips through FS & + GB18030 (xprinter-80)', () => roundTrip(cjk, 'xprinter-80', 24));
  it('Latin-1 mixed with CJK round-trips on xprinter-80', () => roundTrip([...latin1, ...cjk.slice(100, 200)], 'xprinter-80', 24));
});

describe('images', () => {
  it('image(logo 576×400) → GS v 0 bands of at most maxBandRows rows at the profile width', () => {
    const t88 = interpret(encode({ transactionId: 'T', content: [{ image: logo }] }, 'epson-tm-t88').bytes);
    expect(t88.filter((i) => i.kind === 'image')).toEqual([{ kind: 'image', widthBytes: 72, rows: 400 }]);
    const generic = interpret(encode({ transactionId: 'T', content: [{ image: logo }] }, 'generic-80').bytes);
    expect(generic.filter((i) => i.kind === 'image')).toEqual([
      { kind: 'image', widthBytes: 72, rows: 255 },
      { kind: 'image', widthBytes: 72, rows: 145 },
    ]);
    const narrow = interpret(encode({ transactionId: 'T', content: [{ image: logo }] }, 'generic-58').bytes);
    expect(narrow.filter((i) => i.kind === 'image').map((i) => i.kind === 'image' && i.widthBytes)).toEqual([48, 48]);
  });
  it('a broken image is skipped with a warning', () => {
    const { warnings } = encode({ transactionId: 'T', content: [{ image: 'data:image/png;base64,AAAA' }] }, 'epson-tm-t88');
    expect(warnings).toMatchObject([{ code: 'IMAGE_INVALID', path: 'content[0]' }]);
  });
});
