/** What the preview draws, dot by dot, for single commands: the picture follows the bytes. */
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/escpos/encoder.js';
import { bitmapFont } from '../../src/preview/fonts.js';
import { drawItems, Paper, printedItems } from '../../src/preview/index.js';
import { drawMissingBox } from '../../src/preview/text.js';
import { sampleReceipts } from './documents.js';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const bytes = (...parts: (number[] | string | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : [...p])));
const draw = (data: Uint8Array, width = 576) => drawItems(printedItems(data), width);

/** The cell's dots as a string of 0/1 rows, for comparing cells. */
function cell(paper: Paper, x: number, y: number, w: number, h: number): string {
  const rows: string[] = [];
  for (let row = y; row < y + h; row++) {
    let line = '';
    for (let col = x; col < x + w; col++) line += paper.dot(col, row);
    rows.push(line);
  }
  return rows.join('\n');
}
const inked = (dots: string) => [...dots].filter((c) => c === '1').length;

describe('Kanji mode', () => {
  const missingBox = (() => {
    const paper = new Paper(24);
    drawMissingBox(paper, 0, 0, 24, 24, 1);
    return cell(paper, 0, 0, 24, 24);
  })();

  it('prints Chinese characters as glyphs, not as missing-glyph boxes', () => {
    const text = '收银小票合计';
    const paper = draw(bytes([ESC, 0x40, FS, 0x26], iconv.encode(text, 'gb18030'), [0x0a]));
    const cells = [...text].map((_, i) => cell(paper, i * 24, 0, 24, 24));
    for (const dots of cells) {
      expect(inked(dots)).toBeGreaterThan(40);
      expect(dots).not.toBe(missingBox);
    }
    expect(new Set(cells).size).toBe(cells.length);
  });

  it('draws the box for a character the font lacks (the check above can fail)', () => {
    const font = bitmapFont('cjk');
    let missing: string | undefined;
    for (let cp = 0x4e00; cp < 0x9fa5 && !missing; cp++) {
      const ch = String.fromCodePoint(cp);
      if (!font.glyph(cp) && iconv.encode(ch, 'gb18030').length === 2) missing = ch;
    }
    expect(missing).toBeDefined();
    const paper = draw(bytes([FS, 0x26], iconv.encode(missing!, 'gb18030'), [0x0a]));
    expect(cell(paper, 0, 0, 24, 24)).toBe(missingBox);
  });

  it('prints the sample Chinese receipt in Kanji mode', () => {
    const chinese = sampleReceipts().find((s) => s.name === 'chinese')!;
    const items = printedItems(encode(chinese.document, 'xprinter-80').bytes);
    const first = items.find((item) => item.kind === 'text' && item.text.trim() !== '')!;
    expect(first.kind === 'text' && first.segments.some((s) => s.kanji)).toBe(true);
  });
});

describe('character styles', () => {
  const letter = (...style: number[][]) => draw(bytes([ESC, 0x40], ...style, 'H', [0x0a]));

  it('underlines the whole cell, 1 or 2 dots thick, at its bottom', () => {
    const one = letter([ESC, 0x2d, 1]);
    const two = letter([ESC, 0x2d, 2]);
    expect(cell(one, 0, 23, 12, 1)).toBe('1'.repeat(12));
    expect(cell(one, 0, 22, 12, 1)).not.toBe('1'.repeat(12));
    expect(cell(two, 0, 22, 12, 2)).toBe(`${'1'.repeat(12)}\n${'1'.repeat(12)}`);
  });

  it('inverts the cell, magnifies by dot doubling and emphasises with a second strike', () => {
    const plain = cell(letter(), 0, 0, 12, 24);
    const inverse = cell(letter([GS, 0x42, 1]), 0, 0, 12, 24);
    expect(inked(inverse)).toBe(12 * 24 - inked(plain));
    const big = letter([GS, 0x21, 0x77]); // 8 × 8
    expect(inked(cell(big, 0, 0, 96, 192))).toBe(inked(plain) * 64);
    expect(big.height).toBe(192);
    expect(inked(cell(letter([ESC, 0x45, 1]), 0, 0, 13, 24))).toBeGreaterThan(inked(plain));
  });

  it('uses font B cells (9 × 17) and the line spacing sent', () => {
    const paper = draw(bytes([ESC, 0x4d, 1, ESC, 0x33, 50], 'HH', [0x0a], 'H', [0x0a]));
    expect(cell(paper, 9, 0, 9, 17)).toBe(cell(paper, 0, 0, 9, 17));
    expect(cell(paper, 0, 50, 9, 17)).toBe(cell(paper, 0, 0, 9, 17));
    expect(paper.height).toBe(100);
  });

  it('aligns by ESC a and prints code page characters as the page maps them', () => {
    const right = draw(bytes([ESC, 0x61, 2], 'H', [0x0a]));
    expect(cell(right, 564, 0, 12, 24)).toBe(cell(letter(), 0, 0, 12, 24));
    // 0x8E is Ä in code page 437 and Ž in windows-1250 (ESC t 45).
    const cp437 = draw(bytes([ESC, 0x74, 0], [0x8e, 0x0a]));
    const cp1250 = draw(bytes([ESC, 0x74, 45], [0x8e, 0x0a]));
    const a = draw(bytes(iconv.encode('Ä', 'cp437'), [0x0a]));
    expect(cell(cp437, 0, 0, 12, 24)).toBe(cell(a, 0, 0, 12, 24));
    expect(cell(cp1250, 0, 0, 12, 24)).not.toBe(cell(cp437, 0, 0, 12, 24));
  });
});

describe('GS v 0 raster', () => {
  it('prints the image exactly as sent', () => {
    const width = 16;
    const height = 5;
    const data = Uint8Array.from({ length: (width / 8) * height }, (_, i) => (i * 37 + 11) & 0xff);
    const paper = draw(bytes([GS, 0x76, 0x30, 0, width / 8, 0, height, 0], data));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sent = (data[y * 2 + (x >> 3)]! >> (7 - (x & 7))) & 1;
        expect(paper.dot(x, y), `dot ${x},${y}`).toBe(sent);
      }
    }
  });
});

describe('reprint mark', () => {
  it('draws the mark line a marked copy carries, above the receipt', () => {
    const cafe = sampleReceipts().find((s) => s.name === 'cafe')!;
    const mark = { copy: 2, time: '2026-12-06T05:00:00Z' };
    const marked = printedItems(encode(cafe.document, 'generic-80', { mark }).bytes);
    const plain = printedItems(encode(cafe.document, 'generic-80').bytes);
    const at = marked.findIndex((item) => item.kind === 'text' && item.text.includes('REPRINT'));
    expect(at).toBeGreaterThanOrEqual(0);
    // Where the mark line is drawn there is ink, and the picture differs from the unmarked one there.
    const top = drawItems(marked.slice(0, at), 576).height;
    const paper = drawItems(marked, 576);
    const band = cell(paper, 0, top, 576, 24);
    expect(inked(band)).toBeGreaterThan(100);
    expect(band).not.toBe(cell(drawItems(plain, 576), 0, top, 576, 24));
  });
});
