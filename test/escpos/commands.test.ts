/**
 * Golden bytes for every command builder, checked against Epson's ESC/POS command reference
 * (download4.epson.biz/sec_pubs/pos/reference_en/escpos/). Each test names the command.
 */
import { describe, expect, it } from 'vitest';
import * as cmd from '../../src/escpos/commands.js';
import { InvalidArgumentError } from '../../src/errors.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('setup and status commands (the printer layer imports these)', () => {
  it('ESC @ initialize printer: 1B 40', () => expect(hex(cmd.initialize())).toBe('1b40'));
  it('GS ( H fn 48 process ID request: 1D 28 48 06 00 30 30 d1 d2 d3 d4', () => {
    expect(hex(cmd.processIdRequest('A1b9'))).toBe('1d284806003030' + '41316239');
  });
  it('GS ( H fn 48 rejects IDs that are not 4 characters in 0x30–0x7E', () => {
    expect(() => cmd.processIdRequest('abc')).toThrow(InvalidArgumentError);
    expect(() => cmd.processIdRequest('ab c')).toThrow(/0x30/);
    expect(() => cmd.processIdRequest('abcé')).toThrow(InvalidArgumentError);
  });
  it('GS r n transmit status: 1D 72 n', () => {
    expect(hex(cmd.transmitStatus(1))).toBe('1d7201');
    expect(hex(cmd.transmitStatus(2))).toBe('1d7202');
  });
  it('DLE EOT n real-time status: 10 04 n (n = 1..4)', () => {
    expect([1, 2, 3, 4].map((n) => hex(cmd.realtimeStatus(n as 1)))).toEqual(['100401', '100402', '100403', '100404']);
    expect(() => cmd.realtimeStatus(5 as 1)).toThrow(InvalidArgumentError);
  });
  it('GS a n enable Automatic Status Back: 1D 61 n', () => expect(hex(cmd.enableAsb(0x0f))).toBe('1d610f'));
  it('GS I n transmit printer ID: 1D 49 n', () => expect(hex(cmd.printerInfo(67))).toBe('1d4943'));
  it('DLE DC4 fn 8 clear buffers: 10 14 08 01 03 14 01 06 02 08', () => {
    expect(hex(cmd.clearBuffers())).toBe('10140801031401060208');
  });
  it('DLE ENQ n real-time request to printer (recover): 10 05 n', () => {
    expect(hex(cmd.recover(1))).toBe('100501');
    expect(hex(cmd.recover(2))).toBe('100502');
  });
});

describe('character commands', () => {
  it('ESC ! n select print modes: 1B 21 n', () => expect(hex(cmd.printMode(0x38))).toBe('1b2138'));
  it('ESC E n emphasized on/off: 1B 45 01 / 1B 45 00', () => {
    expect(hex(cmd.emphasized(true))).toBe('1b4501');
    expect(hex(cmd.emphasized(false))).toBe('1b4500');
  });
  it('ESC - n underline 0/1/2: 1B 2D n', () => expect([0, 1, 2].map((n) => hex(cmd.underline(n as 0)))).toEqual(['1b2d00', '1b2d01', '1b2d02']));
  it('FS - n Kanji underline: 1C 2D n', () => expect(hex(cmd.kanjiUnderline(1))).toBe('1c2d01'));
  it('GS B n white/black reverse: 1D 42 n', () => expect(hex(cmd.reverse(true))).toBe('1d4201'));
  it('GS ! n character size: width-1 in the high nibble, height-1 in the low nibble', () => {
    expect(hex(cmd.characterSize(1, 1))).toBe('1d2100');
    expect(hex(cmd.characterSize(2, 2))).toBe('1d2111');
    expect(hex(cmd.characterSize(8, 3))).toBe('1d2172');
    expect(() => cmd.characterSize(9, 1)).toThrow(InvalidArgumentError);
  });
  it('ESC M n select font A/B: 1B 4D 00 / 1B 4D 01', () => {
    expect(hex(cmd.font('A'))).toBe('1b4d00');
    expect(hex(cmd.font('B'))).toBe('1b4d01');
  });
  it('ESC a n justification left/center/right: 1B 61 0/1/2', () => {
    expect(['left', 'center', 'right'].map((a) => hex(cmd.justify(a as 'left')))).toEqual(['1b6100', '1b6101', '1b6102']);
  });
  it('ESC t n select character code table: 1B 74 n', () => expect(hex(cmd.codeTable(19))).toBe('1b7413'));
  it('FS & select Kanji mode: 1C 26; FS . cancel Kanji mode: 1C 2E', () => {
    expect(hex(cmd.kanjiModeOn())).toBe('1c26');
    expect(hex(cmd.kanjiModeOff())).toBe('1c2e');
  });
  it('FS C n select Kanji code system: 1C 43 n', () => expect(hex(cmd.kanjiCodeSystem(1))).toBe('1c4301'));
});

describe('paper commands', () => {
  it('LF print and line feed: 0A', () => expect(hex(cmd.lineFeed())).toBe('0a'));
  it('ESC d n print and feed n lines: 1B 64 n', () => expect(hex(cmd.feedLines(3))).toBe('1b6403'));
  it('GS V m n function B (feed to cutter, then cut): m = 65 full / 66 partial', () => {
    expect(hex(cmd.cut('full', 0))).toBe('1d564100');
    expect(hex(cmd.cut('partial', 5))).toBe('1d564205');
  });
  it('GS V m function A (cut here): m = 0 full / 1 partial', () => {
    expect(hex(cmd.cut('full'))).toBe('1d5600');
    expect(hex(cmd.cut('partial'))).toBe('1d5601');
  });
  it('ESC p m t1 t2 drawer pulse: both timing bytes, pin 2 → m=0, pin 5 → m=1, units of 2 ms', () => {
    expect(hex(cmd.drawerPulse(2, 100, 500))).toBe('1b700032fa');
    expect(hex(cmd.drawerPulse(5, 50, 10))).toBe('1b70011919'); // off time never shorter than on time
  });
});

describe('barcode commands', () => {
  it('GS h n barcode height: 1D 68 n', () => expect(hex(cmd.barcodeHeight(80))).toBe('1d6850'));
  it('GS w n barcode module width: 1D 77 n', () => expect(hex(cmd.barcodeWidth(2))).toBe('1d7702'));
  it('GS H n HRI position none/above/below/both: 1D 48 0..3', () => {
    expect(['none', 'above', 'below', 'both'].map((p) => hex(cmd.hriPosition(p as 'none')))).toEqual(['1d4800', '1d4801', '1d4802', '1d4803']);
  });
  it('GS f n HRI font: 1D 66 n', () => expect(hex(cmd.hriFont('B'))).toBe('1d6601'));
  it('GS k m n d1..dn form B: n is the byte length of the data', () => {
    expect(hex(cmd.barcode(67, Buffer.from('4006381333931')))).toBe('1d6b430d' + Buffer.from('4006381333931').toString('hex'));
    expect(() => cmd.barcode(73, new Uint8Array(256))).toThrow(InvalidArgumentError);
    expect(() => cmd.barcode(73, new Uint8Array(0))).toThrow(InvalidArgumentError);
  });
});

describe('GS ( k two-dimensional codes', () => {
  it('GS ( k fn 65 selects QR model 2: 1D 28 6B 04 00 31 41 32 00', () => expect(hex(cmd.qrModel2())).toBe('1d286b040031413200'));
  it('GS ( k fn 67 sets the QR module size: 1D 28 6B 03 00 31 43 n', () => expect(hex(cmd.qrModuleSize(6))).toBe('1d286b0300314306'));
  it('GS ( k fn 69 sets the QR error correction level: n = 48 L, 49 M, 50 Q, 51 H', () => {
    expect(['L', 'M', 'Q', 'H'].map((l) => hex(cmd.qrErrorCorrection(l as 'L')).slice(-2))).toEqual(['30', '31', '32', '33']);
  });
  it('GS ( k fn 80 stores QR data: pL pH = bytes + 3', () => {
    const data = new TextEncoder().encode('é€'); // 5 UTF-8 bytes, 2 characters
    expect(hex(cmd.qrStore(data))).toBe('1d286b08003150' + '30' + 'c3a9e282ac');
    const big = new Uint8Array(300).fill(0x41);
    expect(hex(cmd.qrStore(big)).slice(0, 14)).toBe('1d286b2f013150'); // 303 = 0x012F
  });
  it('GS ( k fn 81 prints the QR symbol: 1D 28 6B 03 00 31 51 30', () => expect(hex(cmd.qrPrint())).toBe('1d286b0300315130'));
  it('GS ( k cn 48 PDF417: columns, rows, module width, row height, error level, store (bytes + 3), print', () => {
    expect(hex(cmd.pdf417Columns(0))).toBe('1d286b0300304100');
    expect(hex(cmd.pdf417Rows(0))).toBe('1d286b0300304200');
    expect(hex(cmd.pdf417ModuleWidth(3))).toBe('1d286b0300304303');
    expect(hex(cmd.pdf417RowHeight(3))).toBe('1d286b0300304403');
    expect(hex(cmd.pdf417ErrorCorrection(1))).toBe('1d286b040030453031');
    expect(hex(cmd.pdf417Store(Buffer.from('AB')))).toBe('1d286b050030503041' + '42');
    expect(hex(cmd.pdf417Print())).toBe('1d286b0300305130');
  });
});
