import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../src/document/types.js';
import { code128Data } from '../../src/escpos/barcode.js';
import { encode } from '../../src/escpos/encoder.js';
import { charWidth, displayWidth } from '../../src/escpos/width.js';
import { interpret, lines } from './printout.js';

const hex = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('hex');
const gb = (s: string): string => hex(iconv.encode(s, 'gb18030'));
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
const doc = (...content: ReceiptDocument['content']): ReceiptDocument => ({ transactionId: 'T-1', content });

describe('Chinese on a GB18030 profile (xprinter-80)', () => {
  it('"收银小票 合计 ¥35.00": FS & + GB18030 bytes, FS . before ¥ from the single-byte table (cp437 9D)', () => {
    const { bytes, warnings } = encode(doc('收银小票 合计 ¥35.00'), 'xprinter-80');
    expect(hex(bytes)).toBe('1b401c2e1b7400' + '1c26' + gb('收银小票 合计 ') + '1c2e' + '9d' + ascii('35.00') + '0a');
    expect(warnings).toEqual([]);
  });
  it('full-width ￥ (U+FFE5) stays in Kanji mode as GB18030 A3 A4', () => {
    const { bytes } = encode(doc('合计￥35'), 'xprinter-80');
    expect(hex(bytes)).toBe('1b401c2e1b7400' + '1c26' + gb('合计') + 'a3a4' + ascii('35') + '0a');
  });
  it('rows count CJK as two columns: the amount ends at column 48', () => {
    const { bytes } = encode(doc({ row: ['拿铁咖啡 大杯', '¥28.00'] }), 'xprinter-80');
    const [line] = lines(interpret(bytes));
    expect(line).toBe('拿铁咖啡 大杯' + ' '.repeat(48 - 13 - 6) + '¥28.00');
    expect(displayWidth(line!)).toBe(48);
  });
  it('CJK text wraps at 48 columns = 24 ideographs', () => {
    const { bytes } = encode(doc('好'.repeat(30)), 'xprinter-80');
    expect(lines(interpret(bytes))).toEqual(['好'.repeat(24), '好'.repeat(6)]);
  });
});

describe('mixed-language text "Café €5 Привет 你好"', () => {
  it('epson-tm-t88: ESC t switches 437 → 858 (€) → 866 (Cyrillic); CJK becomes ? with warnings', () => {
    const { bytes, warnings } = encode(doc('Café €5 Привет 你好'), 'epson-tm-t88');
    expect(hex(bytes)).toBe('1b401b7400' + ascii('Caf') + '82' + '20' + '1b7413' + 'd5' + ascii('5 ') + '1b7411' + hex(iconv.encode('Привет', 'cp866')) + ascii(' ??') + '0a');
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'UNENCODABLE', char: '你', path: 'content[0]' }),
      expect.objectContaining({ code: 'UNENCODABLE', char: '好', path: 'content[0]' }),
    ]);
  });
  it('xprinter-80: the same tables, then FS & + GB18030 for 你好', () => {
    const { bytes, warnings } = encode(doc('Café €5 Привет 你好'), 'xprinter-80');
    expect(hex(bytes)).toBe(
      '1b401c2e1b7400' + ascii('Caf') + '82' + '20' + '1b7413' + 'd5' + ascii('5 ') + '1b7411' + hex(iconv.encode('Привет', 'cp866')) + '20' + '1c26' + gb('你好') + '0a',
    );
    expect(warnings).toEqual([]);
    expect(lines(interpret(bytes))).toEqual(['Café €5 Привет 你好']);
  });
  it('keeps the current table while it has the character (no ESC t back to 437 for é after €)', () => {
    const { bytes } = encode(doc('€é€'), 'epson-tm-t88');
    expect(hex(bytes)).toBe('1b401b7400' + '1b7413' + 'd5' + '82' + 'd5' + '0a');
  });
  it('combining sequences are composed first (e + U+0301 prints as é)', () => {
    expect(hex(encode(doc('Cafe\u0301'), 'epson-tm-t88').bytes)).toBe('1b401b7400' + ascii('Caf') + '82' + '0a');
  });
  it('an unencodable character is ? plus a warning with its path, never an exception', () => {
    const { bytes, warnings } = encode(doc('ok', { row: ['Tea 🍵', '1.00'] }), 'generic-80');
    expect(lines(interpret(bytes))[1]).toBe('Tea ?' + ' '.repeat(48 - 5 - 4) + '1.00');
    expect(warnings).toEqual([expect.objectContaining({ code: 'UNENCODABLE', char: '🍵', path: 'content[1].row[0]' })]);
  });
});

describe('display width', () => {
  it('CJK, kana, Hangul and full-width forms are 2; Latin, Cyrillic, ¥ are 1; combining marks 0', () => {
    expect([...'中あ한Ａ￥'].map((c) => charWidth(c.codePointAt(0)!))).toEqual([2, 2, 2, 2, 2]);
    expect([...'aéЖ¥€'].map((c) => charWidth(c.codePointAt(0)!))).toEqual([1, 1, 1, 1, 1]);
    expect(charWidth(0x0301)).toBe(0);
    expect(displayWidth('合计 ¥42.50')).toBe(11);
  });
});

describe('CODE128 code sets for GS k 73', () => {
  const asText = (bytes: Uint8Array | undefined): string => [...(bytes ?? [])].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `<${b}>`)).join('');
  it('"TXN-000123" → {B TXN- {C 00 01 23 (six digits in code C)', () => {
    expect(asText(code128Data('TXN-000123'))).toBe('{BTXN-{C<0><1><23>');
  });
  it('an odd digit run leaves its first digit in code B: "AB12345" → {B AB1 {C 23 45', () => {
    expect(asText(code128Data('AB12345'))).toBe('{BAB1{C<23>-');
  });
  it('short digit runs stay in code B; all-numeric even data is all code C', () => {
    expect(asText(code128Data('A12B'))).toBe('{BA12B');
    expect(asText(code128Data('12345678'))).toBe('{C<12>"8N');
  });
  it('a literal { is escaped as {{', () => {
    expect(asText(code128Data('a{b'))).toBe('{Ba{{b');
  });
  it('digits in the middle go back to B after C: "X1234Y"', () => {
    expect(asText(code128Data('X1234Y'))).toBe('{BX{C<12>"{BY');
  });
  it('characters above 0x7F cannot be carried', () => expect(code128Data('é')).toBeUndefined());
});
