/**
 * Golden bytes for what the encoder emits, named after the document (call chain) and the
 * Epson commands expected.
 */
import { describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../src/document/types.js';
import { encode, encodeCommands } from '../../src/escpos/encoder.js';
import { receipt } from '../../src/document/builder.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
const doc = (...content: ReceiptDocument['content']): ReceiptDocument => ({ transactionId: 'T-1', content });
const INIT = '1b40' + '1b7400'; // ESC @, ESC t 0 (the profile's first table)

describe('encode: init and plain lines', () => {
  it('ESC @ then ESC t default table; a string is one line ending in LF only', () => {
    const { bytes, warnings } = encode(doc('Hello'), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + ascii('Hello') + '0a');
    expect(warnings).toEqual([]);
  });
  it('init: false leaves out ESC @ and, with the state unknown, sends the styles of the first block', () => {
    const { bytes } = encode(doc('Hi'), 'epson-tm-t88', { init: false });
    expect(hex(bytes)).toBe('1b7400' + '1b6100' + '1b4d00' + '1d2100' + '1b4500' + '1b2d00' + '1d4200' + ascii('Hi') + '0a');
  });
  it('GB18030 profiles: ESC @ then FS . (Chinese printers may power on in Kanji mode) then ESC t', () => {
    expect(hex(encode(doc('A'), 'xprinter-80').bytes)).toBe('1b40' + '1c2e' + '1b7400' + '41' + '0a');
  });
  it('is deterministic', () => {
    const d = doc({ text: 'Café', bold: true }, { qr: 'x' }, { cut: true });
    expect(hex(encode(d, 'generic-80').bytes)).toBe(hex(encode(d, 'generic-80').bytes));
  });
});

describe('encode: styles are emitted only when they change', () => {
  it('text(bold).text(bold).text() → ESC E 1 once, ESC E 0 once', () => {
    const { bytes } = encode(doc({ text: 'A', bold: true }, { text: 'B', bold: true }, 'C'), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + '1b4501' + '41' + '0a' + '42' + '0a' + '1b4500' + '43' + '0a');
  });
  it('text(center, size 2).text(center, size 2) → ESC a 1 and GS ! 0x11 once', () => {
    const { bytes } = encode(doc({ text: 'A', align: 'center', size: 2 }, { text: 'B', align: 'center', size: 2 }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + '1b6101' + '1d2111' + '410a' + '420a');
  });
  it('underline 2, inverse, font B, size {width:3,height:1}: ESC - 2, GS B 1, ESC M 1, GS ! 0x20', () => {
    const { bytes } = encode(doc({ text: 'x', underline: 2, inverse: true, font: 'B', size: { width: 3, height: 1 } }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + '1b4d01' + '1d2120' + '1b2d02' + '1d4201' + '780a');
  });
  it('underline on a GB18030 profile also sets FS - (Kanji underline)', () => {
    const { bytes } = encode(doc({ text: 'x', underline: true }), 'xprinter-80');
    expect(hex(bytes)).toBe('1b401c2e1b7400' + '1b2d01' + '1c2d01' + '780a');
  });
  it('after raw bytes nothing is assumed: the next block re-sends its style and table', () => {
    const { bytes } = encode(doc({ text: 'A', bold: true }, { raw: '1b 45 00', unsafe: true }, { text: 'é', bold: true }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + '1b4501' + '410a' + '1b4500' + '1b6100' + '1b4d00' + '1d2100' + '1b4501' + '1b2d00' + '1d4200' + '1b7400' + '820a');
  });
});

describe('encode: layout', () => {
  it('wraps text at the profile columns (generic-58: 32 columns font A) at word boundaries', () => {
    const text = 'The quick brown fox jumps over the lazy dog again and again';
    const { commands } = encodeCommands(doc(text), 'generic-58');
    const lines = commands.filter((c) => c.type === 'text').map((c) => Buffer.from(c.payload).toString('latin1'));
    expect(lines).toEqual(['The quick brown fox jumps over', 'the lazy dog again and again']);
  });
  it('width magnification divides the columns (size 2 on 48 columns → 24)', () => {
    const { commands } = encodeCommands(doc({ text: 'x'.repeat(30), size: 2 }), 'epson-tm-t88');
    const lines = commands.filter((c) => c.type === 'text').map((c) => c.payload.length);
    expect(lines).toEqual([24, 6]);
  });
  it('row(label, amount): amount right-aligned at the paper edge, long label wraps in its column', () => {
    const { commands } = encodeCommands(doc({ row: ['Sparkling mineral water from the mountains', '1.80'] }), 'generic-58');
    const lines = commands.filter((c) => c.type === 'text').map((c) => Buffer.from(c.payload).toString('latin1'));
    expect(lines).toEqual(['Sparkling mineral water     1.80', 'from the mountains']);
  });
  it('row with three cells keeps fixed columns so rows line up', () => {
    const { commands } = encodeCommands(doc({ row: ['Tea', '2x', '3.00'] }, { row: ['Coffee', '10x', '12.00'] }), 'epson-tm-t88');
    const lines = commands.filter((c) => c.type === 'text').map((c) => Buffer.from(c.payload).toString('latin1'));
    expect(lines).toEqual([`Tea${' '.repeat(23)}       2x         3.00`, `Coffee${' '.repeat(20)}      10x        12.00`]);
    expect(lines.every((l) => l.length === 48)).toBe(true);
  });
  it('a bold row applies ESC E to the row', () => {
    const { bytes } = encode(doc({ row: ['TOTAL', '9.00'], bold: true }), 'generic-58');
    expect(hex(bytes)).toBe(INIT + '1b4501' + ascii('TOTAL' + ' '.repeat(23) + '9.00') + '0a');
  });
  it('rule fills the width of the paper with its character', () => {
    expect(hex(encode(doc({ rule: true }), 'generic-58').bytes)).toBe(INIT + ascii('-'.repeat(32)) + '0a');
    expect(hex(encode(doc({ rule: { char: '=' } }), 'epson-tm-t88').bytes)).toBe(INIT + ascii('='.repeat(48)) + '0a');
  });
  it('feed n → ESC d n', () => expect(hex(encode(doc({ feed: 4 }), 'epson-tm-t88').bytes)).toBe(INIT + '1b6404'));
});

describe('encode: paper handling', () => {
  it('cut: true → partial cut, GS V 66 0 (function B feeds to the cutter), after the profile feed', () => {
    expect(hex(encode(doc({ cut: true }), 'epson-tm-t88').bytes)).toBe(INIT + '1d564200');
    expect(hex(encode(doc({ cut: true }), 'generic-80').bytes)).toBe(INIT + '1b6403' + '1d564200');
  });
  it("cut: 'full' with feed 2 → ESC d 2, GS V 65 0", () => {
    expect(hex(encode(doc({ cut: 'full', feed: 2 }), 'epson-tm-t88').bytes)).toBe(INIT + '1b6402' + '1d564100');
  });
  it('no cutter (generic-58): paper is fed and a warning says it was not cut', () => {
    const { bytes, warnings } = encode(doc({ cut: true }), 'generic-58');
    expect(hex(bytes)).toBe(INIT + '1b6403');
    expect(warnings).toMatchObject([{ code: 'UNSUPPORTED', path: 'content[0]' }]);
  });
  it('a document without a cut is not cut; ensureCut appends one', () => {
    expect(hex(encode(doc('A'), 'epson-tm-t88').bytes)).toBe(INIT + '410a');
    expect(hex(encode(doc('A'), 'epson-tm-t88', { ensureCut: true }).bytes)).toBe(INIT + '410a' + '1d564200');
    expect(hex(encode(doc('A', { cut: true }), 'epson-tm-t88', { ensureCut: true }).bytes)).toBe(INIT + '410a' + '1d564200');
  });
  it('drawer: true → ESC p 0 t1 t2 with both timing bytes (100 ms on = 50, 500 ms off = 250)', () => {
    expect(hex(encode(doc({ drawer: true }), 'epson-tm-t88').bytes)).toBe(INIT + '1b700032fa');
    expect(hex(encode(doc({ drawer: 5, pulseMs: 200 }), 'epson-tm-t88').bytes)).toBe(INIT + '1b700164fa');
  });
  it('raw bytes pass through as they are', () => {
    expect(hex(encode(doc({ raw: '1b 42 02 05', unsafe: true }), 'epson-tm-t88').bytes)).toBe(INIT + '1b420205');
  });
});

describe('encode: barcodes and 2D codes', () => {
  it('barcode(code128) → ESC a 1, GS H 2, GS h 80, GS w 2, GS k 73 n {B TXN- {C 00 01 23', () => {
    const { bytes } = encode(doc({ barcode: 'TXN-000123', symbology: 'code128' }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + '1b6101' + '1d4802' + '1d6850' + '1d7702' + '1d6b490b' + '7b42' + ascii('TXN-') + '7b43' + '000117');
  });
  it('barcode settings are sent only when they change', () => {
    const b = { barcode: '12345678', symbology: 'code128' as const };
    const { commands } = encodeCommands(doc(b, b, { ...b, height: 100 }), 'epson-tm-t88');
    expect(commands.map((c) => c.type).filter((t) => t.startsWith('GS'))).toEqual(['GS H', 'GS h', 'GS w', 'GS k', 'GS k', 'GS h', 'GS k']);
  });
  it('barcode(ean13, 12 digits) → GS k 67 13 with the computed check digit (GS H 0 is the ESC @ default: not re-sent)', () => {
    const { bytes } = encode(doc({ barcode: '400638133393', symbology: 'ean13', hri: 'none', align: 'left' }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + '1d6850' + '1d7702' + '1d6b430d' + ascii('4006381333931'));
  });
  it('barcode(ean8 / upca / code39 / itf / codabar) → GS k 68 / 65 / 69 / 70 / 71', () => {
    const cases = [
      [{ barcode: '9638507', symbology: 'ean8' }, '44', '96385074'],
      [{ barcode: '03600029145', symbology: 'upca' }, '41', '036000291452'],
      [{ barcode: 'ABC-123', symbology: 'code39' }, '45', 'ABC-123'],
      [{ barcode: '1234', symbology: 'itf' }, '46', '1234'],
      [{ barcode: 'A40156B', symbology: 'codabar' }, '47', 'A40156B'],
    ] as const;
    for (const [block, m, data] of cases) {
      const { bytes } = encode(doc(block), 'epson-tm-t88');
      expect(hex(bytes).endsWith('1d6b' + m + data.length.toString(16).padStart(2, '0') + ascii(data))).toBe(true);
    }
  });
  it('invalid barcode data is skipped with a warning, never thrown', () => {
    const { bytes, warnings } = encode(doc({ barcode: '4006381333932', symbology: 'ean13' }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT);
    expect(warnings).toMatchObject([{ code: 'UNSUPPORTED', path: 'content[0]' }]);
  });
  it('qr → GS ( k fn 65 model 2, fn 67 size, fn 69 level, fn 80 store (UTF-8 bytes + 3), fn 81 print', () => {
    const { bytes } = encode(doc({ qr: 'Grüße', size: 4, errorCorrection: 'Q', align: 'right' }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(
      INIT + '1b6102' + '1d286b040031413200' + '1d286b0300314304' + '1d286b0300314532' + '1d286b0a00315030' + Buffer.from('Grüße').toString('hex') + '1d286b0300315130',
    );
  });
  it('pdf417 → GS ( k cn 48 fn 65..69, store, print; skipped with a warning where the profile has none', () => {
    const { bytes } = encode(doc({ pdf417: 'AB' }), 'epson-tm-t88');
    expect(hex(bytes)).toBe(
      INIT + '1b6101' + '1d286b0300304100' + '1d286b0300304200' + '1d286b0300304303' + '1d286b0300304403' + '1d286b040030453031' + '1d286b0500305030' + '4142' + '1d286b0300305130',
    );
    const generic = encode(doc({ pdf417: 'AB' }), 'generic-80');
    expect(hex(generic.bytes)).toBe(INIT);
    expect(generic.warnings).toMatchObject([{ code: 'UNSUPPORTED' }]);
  });
});

describe('encode: reprint marks', () => {
  const mark = { copy: 2, time: '2026-11-26T09:41:07Z' };
  it('prints the mark double size, bold, inverse, centred at the top and before the final cut', () => {
    const { commands, warnings } = encodeCommands(doc('Body', { cut: true }), 'epson-tm-t88', { mark });
    const texts = commands.filter((c) => c.type === 'text').map((c) => Buffer.from(c.payload).toString('latin1'));
    expect(texts).toEqual(['*** REPRINT ***', 'Copy 2 \u00fa 2026-11-26T09:41:07Z', 'Body', '*** REPRINT ***', 'Copy 2 \u00fa 2026-11-26T09:41:07Z']);
    const types = commands.map((c) => c.type);
    expect(types.slice(0, 7)).toEqual(['ESC @', 'ESC t', 'ESC a', 'GS !', 'ESC E', 'GS B', 'text']);
    expect(hex(commands[3]!.payload)).toBe('1d2111');
    expect(types.at(-1)).toBe('GS V');
    expect(warnings).toEqual([]);
  });
  it('on a GB18030 profile the default mark includes 重打印; elsewhere it stays ASCII with no warning', () => {
    const cn = encode(doc('x'), 'xprinter-80', { mark });
    expect(Buffer.from(cn.bytes).includes(Buffer.concat([Buffer.from('1c26', 'hex'), Buffer.from('d6d8b4f2d3a1', 'hex')]))).toBe(true);
    expect(cn.warnings).toEqual([]);
  });
  it('a custom mark text no table has becomes ? with a warning naming options.mark.text', () => {
    const { warnings } = encode(doc('x'), 'epson-tm-t88', { mark: { ...mark, text: 'REPRINT 重打印' } });
    expect(warnings[0]).toMatchObject({ code: 'UNENCODABLE', char: '重', path: 'options.mark.text' });
  });
});

describe('encode: text can never form commands', () => {
  it('control characters become ? with a CONTROL_CHARACTER warning', () => {
    const { bytes, warnings } = encode(doc('a\u001b@b\u007fc\rd'), 'epson-tm-t88');
    expect(hex(bytes)).toBe(INIT + ascii('a?@b?c?d') + '0a');
    expect(warnings.map((w) => w.code)).toEqual(['CONTROL_CHARACTER', 'CONTROL_CHARACTER', 'CONTROL_CHARACTER']);
    expect(warnings[0]).toMatchObject({ path: 'content[0]', char: '\u001b' });
  });
  it('\\n inside a text block starts a new line; a tab prints as a space', () => {
    expect(hex(encode(doc({ text: 'a\nb\tc' }), 'epson-tm-t88').bytes)).toBe(INIT + '610a' + ascii('b c') + '0a');
  });
});

describe('the builder and the JSON document encode the same', () => {
  it('receipt().text().row().qr().cut().build()', () => {
    const built = receipt('TXN-1').text('ACME', { align: 'center', bold: true }).row('Coffee', '3.50').qr('q').cut().build();
    const json: ReceiptDocument = {
      transactionId: 'TXN-1',
      content: [{ text: 'ACME', align: 'center', bold: true }, { row: ['Coffee', '3.50'] }, { qr: 'q' }, { cut: true }],
    };
    expect(hex(encode(built, 'epson-tm-t88').bytes)).toBe(hex(encode(json, 'epson-tm-t88').bytes));
  });
});
