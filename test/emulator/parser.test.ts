import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { EscPosParser, type ParsedOp } from '../../src/emulator/parser.js';
import { renderText } from '../../src/emulator/render-text.js';
import { ascii, concat, CUT, hex, memoryPrinter } from './helpers.js';

const names = (ops: ParsedOp[]) => ops.map((op) => (op.type === 'command' ? op.name : op.type));

describe('parser', () => {
  const stream = concat(
    hex('1b 40 1b 21 30 1d 21 11 1b 74 10'),
    hex('1d 76 30 00 02 00 03 00'),
    new Uint8Array(6).fill(0xff), // 16x3 raster image
    hex('1b 2a 21 02 00'),
    new Uint8Array(6), // ESC * 24-dot band, 2 columns
    hex('1d 6b 04'),
    ascii('ABC'),
    hex('00'), // GS k form A
    hex('1d 6b 49 03'),
    ascii('{B1'), // GS k form B
    hex('1d 28 6b 06 00 31 50 30'),
    ascii('xyz'), // GS ( k store QR
    hex('1d 56 41 10 1b 70 00 19 fa 10 04 01'),
  );
  const expected = ['ESC @', 'ESC !', 'GS !', 'ESC t', 'GS v 0', 'ESC *', 'GS k', 'GS k', 'GS ( k', 'GS V', 'ESC p', 'DLE EOT'];

  it('splits a stream into commands using the argument-length table', () => {
    expect(names(new EscPosParser().push(stream))).toEqual(expected);
  });

  it('gives the same commands whatever the chunking, one byte at a time included', () => {
    const parser = new EscPosParser();
    const ops = Array.from(stream).flatMap((byte) => parser.push(Uint8Array.of(byte)));
    expect(names(ops)).toEqual(expected);
  });

  it('skips unknown commands safely and records them in the journal', () => {
    const { printer, send } = memoryPrinter();
    send(concat(hex('1b 7f 1d 7e 1c 7d'), ascii('after'), hex('0a 00'), CUT));
    expect(printer.journal.unknownCommands.map((u) => u.name)).toEqual(['ESC 0x7f', 'GS 0x7e', 'FS 0x7d', 'control 0x00']);
    expect(printer.journal.receipts[0]!.text).toBe('after');
  });

  it('never throws and always ends on random bytes in random chunks: every byte is taken, the buffer accounts for all', () => {
    const capacity = 1 << 20;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (bytes, cuts) => {
        const { printer } = memoryPrinter({ receiveBuffer: capacity });
        let offset = 0;
        let taken = 0;
        for (let i = 0; offset < bytes.length; i++) {
          const size = cuts[i % cuts.length]!;
          taken += printer.receive(bytes.subarray(offset, offset + size));
          offset += size;
        }
        printer.loadPaper();
        for (const receipt of printer.journal.receipts) renderText(receipt, 42);
        const state = printer.state;
        // The buffer is far larger than the input: a byte refused would mean the parser stalled.
        expect(taken).toBe(bytes.length);
        expect(state.bufferedBytes).toBeLessThanOrEqual(bytes.length);
        expect(state.bufferedBytes + state.freeBytes).toBe(capacity);
      }),
      { numRuns: 300 },
    );
  });
});

describe('journal content', () => {
  it('decodes GB18030 in Kanji mode (FS &) and the ESC t code page outside it', () => {
    const { printer, send } = memoryPrinter();
    send(
      hex('1c 26'),
      iconv.encode('收据 重打印 €', 'gb18030'),
      hex('0a 1c 2e'),
      hex('1b 74 10'),
      iconv.encode('Café 5€', 'windows1252'),
      hex('0a'),
      hex('1b 74 11'),
      iconv.encode('Чек', 'cp866'),
      hex('0a'),
      hex('1b 74 00'),
      iconv.encode('Straße ½', 'cp437'),
      hex('0a'),
      CUT,
    );
    expect(printer.journal.receipts[0]!.text).toBe('收据 重打印 €\nCafé 5€\nЧек\nStraße ½');
  });

  it('applies the ESC R international character set to the twelve national code points', () => {
    const { printer, send } = memoryPrinter();
    const sample = ascii('#$@[\\]^`{|}~ ok');
    send(
      sample,
      hex('0a'),
      hex('1b 52 02'),
      sample,
      hex('0a'), // Germany
      hex('1b 52 03'),
      sample,
      hex('0a'), // UK
      hex('1b 52 0a'),
      sample,
      hex('0a'), // Denmark II
      hex('1b 52 07'),
      sample,
      hex('0a'), // Spain I
      hex('1b 52 08'),
      ascii('\\100'),
      hex('0a'), // Japan
      hex('1b 52 40'),
      ascii('\\100'),
      hex('0a'), // undefined n: Japan stays
      hex('1b 40'),
      sample,
      hex('0a'), // ESC @: back to USA
      CUT,
    );
    expect(printer.journal.receipts[0]!.text.split('\n')).toEqual([
      '#$@[\\]^`{|}~ ok',
      '#$§ÄÖÜ^`äöüß ok',
      '£$@[\\]^`{|}~ ok',
      '#$ÉÆØÅÜéæøåü ok',
      '₧$@¡Ñ¿^`¨ñ}~ ok',
      '¥100',
      '¥100',
      '#$@[\\]^`{|}~ ok',
    ]);
  });

  it('the international set combines with the code table; bytes above 0x7F are untouched', () => {
    const { printer, send } = memoryPrinter();
    send(hex('1b 74 10 1b 52 01'), iconv.encode('@ 5€ é', 'windows1252'), hex('0a'), CUT); // France, WPC1252
    expect(printer.journal.receipts[0]!.text).toBe('à 5€ é');
  });

  it('records styles, alignment, barcodes, QR, images, drawer kicks and the cut type', () => {
    const { printer, send } = memoryPrinter();
    send(
      hex('1b 61 01 1b 45 01 1d 21 11'),
      ascii('TITLE'),
      hex('0a 1b 45 00 1d 21 00 1b 61 00'),
      hex('1b 2d 01 1d 42 01'),
      ascii('u'),
      hex('1b 2d 00 1d 42 00'),
      ascii('plain'),
      hex('0a'),
      hex('1d 6b 49 0a'),
      ascii('{BTXN-{C'),
      Uint8Array.of(12, 34),
      hex('1d 28 6b 03 00 31 43 06 1d 28 6b 03 00 31 45 31'),
      hex('1d 28 6b 0c 00 31 50 30'),
      ascii('https://x'),
      hex('1d 28 6b 03 00 31 51 30'),
      hex('1d 76 30 00 48 00 90 01'),
      new Uint8Array(72 * 400),
      hex('1b 70 00 19 fa 1d 56 42 00'),
    );
    const [receipt] = printer.journal.receipts;
    expect(receipt!.items).toMatchObject([
      { kind: 'text', text: 'TITLE', align: 'center', segments: [{ bold: true, width: 2, height: 2 }] },
      {
        kind: 'text',
        text: 'uplain',
        segments: [
          { underline: 1, inverse: true, text: 'u' },
          { underline: 0, inverse: false, text: 'plain' },
        ],
      },
      { kind: 'barcode', symbology: 'CODE128', text: 'TXN-1234' },
      { kind: 'qr', data: 'https://x', size: 6, errorCorrection: 'M' },
      { kind: 'image', width: 576, height: 400, source: 'raster' },
      { kind: 'drawer', pin: 2, onMs: 50, offMs: 500 },
      { kind: 'cut', type: 'partial' },
    ]);
    const text = renderText(receipt!, 48);
    expect(text).toContain('[QR: https://x]');
    expect(text).toContain('[BARCODE CODE128: TXN-1234]');
    expect(text).toContain('[IMAGE 576x400]');
    expect(text).toContain('--- partial cut ---');
    expect(text.split('\n')[0]).toMatch(/^ {19}T I T L E {2}«2x, bold»$/);
  });
});
