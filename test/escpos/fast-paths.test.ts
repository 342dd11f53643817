/**
 * The encoder's fast paths must give exactly what the general paths give: NFC skipped only for
 * text NFC leaves alone, reused buffers and shared command bytes never leaking between calls.
 */
import { describe, expect, it } from 'vitest';
import { encode, encodeCommands } from '../../src/escpos/encoder.js';
import { isNfcInert } from '../../src/escpos/text.js';
import { ByteWriter } from '../../src/escpos/writer.js';

const NFC_INERT_RANGES: [number, number][] = [
  [0x00, 0x2ff],
  [0x3000, 0x3029],
  [0x4e00, 0x9fff],
  [0xff01, 0xff60],
  [0xffe0, 0xffe6],
];

describe('isNfcInert', () => {
  it('every claimed unit is NFC on its own, after a base, and before another claimed unit', () => {
    const bases = ['a', 'A', 'e', 'o', 'u', 'ß', '你', '　', 'Ａ', '\u00e9'];
    const failures: string[] = [];
    for (const [from, to] of NFC_INERT_RANGES) {
      for (let unit = from; unit <= to; unit++) {
        expect(isNfcInert(unit)).toBe(true);
        const ch = String.fromCharCode(unit);
        for (const base of bases) {
          for (const s of [ch, base + ch, ch + base]) if (s.normalize('NFC') !== s) failures.push(s);
        }
      }
    }
    expect(failures).toEqual([]);
  });
  it('rejects combining marks, surrogates, compatibility ideographs and Hangul', () => {
    for (const unit of [0x0301, 0x302a, 0x3099, 0xd83d, 0xdc00, 0xf900, 0xac00, 0x1161, 0xff9e]) expect(isNfcInert(unit)).toBe(false);
  });
});

describe('encoder fast paths', () => {
  it('text that is not NFC is still normalised (é as e + U+0301 prints as the single cp437 byte 82)', () => {
    const composed = encode({ transactionId: 'T', content: ['Caf\u00e9 你好'] }, 'xprinter-80').bytes;
    const decomposed = encode({ transactionId: 'T', content: ['Cafe\u0301 你好'] }, 'xprinter-80').bytes;
    expect(Buffer.from(decomposed).toString('hex')).toBe(Buffer.from(composed).toString('hex'));
  });
  it('each encode() returns its own bytes: a later encode leaves an earlier result unchanged', () => {
    const first = encode({ transactionId: 'T', content: ['first', { cut: true }] }, 'epson-tm-t88').bytes;
    const copy = Uint8Array.from(first);
    encode({ transactionId: 'T', content: ['second receipt, longer than the first', { cut: true }] }, 'epson-tm-t88');
    expect(first).toEqual(copy);
  });
  it('commands from encodeCommands() own their payloads: changing one changes no later output', () => {
    const document = { transactionId: 'T', content: [{ text: 'A', bold: true, align: 'center' as const }, 'B'] };
    const before = encode(document, 'epson-tm-t88').bytes;
    for (const command of encodeCommands(document, 'epson-tm-t88').commands) command.payload.fill(0x21);
    expect(encode(document, 'epson-tm-t88').bytes).toEqual(before);
  });
});

describe('ByteWriter', () => {
  it('writeLatin1 appends one byte per character code, across growth', () => {
    const writer = new ByteWriter(16);
    const text = 'receipt line \u00e9\u00ff '.repeat(20);
    writer.writeLatin1(text);
    expect(Buffer.from(writer.toBytes()).toString('latin1')).toBe(text);
  });
  it('repeat appends copies of a byte, and short writes land in order after it', () => {
    const writer = new ByteWriter(16);
    writer.repeat(0x2d, 40).write([1, 2, 3]).repeat(0x20, 0);
    expect(Array.from(writer.toBytes())).toEqual([...Array<number>(40).fill(0x2d), 1, 2, 3]);
  });
});
