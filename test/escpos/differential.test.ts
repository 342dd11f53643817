/**
 * Differential tests against node-thermal-printer 4.6 (an independent encoder): the same
 * receipts rendered by both, decoded by the test-side interpreter into what a printer would
 * print, and compared.
 *
 * Intentional differences (filtered or asserted below, never hidden):
 * 1. Cut: NTP feeds with `ESC d 4` twice (its "vertical tab"), cuts with GS V 1 (function A) and
 *    sends ESC @ after the cut; we send GS V 66 0 (function B feeds to the cutter itself) and no
 *    reset. Feeds and resets are not compared; the cut and its kind are.
 * 2. CODE128: NTP sends everything in code set B (`{B` + data); we put digit runs in code C.
 *    The decoded data is the same; our bytes are shorter.
 * 3. NTP re-sends every style command (bold off, ESC ! 0, align) after each element; we send a
 *    style only when it changes. Only the resulting style of each printed line is compared.
 * 4. NTP's QR store length counts UTF-16 units (`str.length + 3`), so non-ASCII QR data frames
 *    wrongly; we count UTF-8 bytes. Asserted in its own test.
 * 5. NTP never selects a code table unless told; we always send ESC t for the profile default.
 * 6. Barcode settings: NTP also sends GS f (HRI font) each time; we rely on the ESC @ default.
 */
import { readFileSync } from 'node:fs';
import { CharacterSet, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { describe, expect, it } from 'vitest';
import type { Block, ReceiptDocument, TextBlock } from '../../src/document/types.js';
import { encode } from '../../src/escpos/encoder.js';
import { interpret, type PrintedItem } from './printout.js';

const fixture = (name: string): ReceiptDocument => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as ReceiptDocument;

/** The NTP 4.6 methods used here (its .d.ts omits initHardware and types QR cellSize as a name). */
interface NtpPrinter {
  clear(): void;
  initHardware(): void;
  println(text: string): void;
  alignCenter(): void;
  alignLeft(): void;
  bold(on: boolean): void;
  setTextQuadArea(): void;
  setTextNormal(): void;
  leftRight(left: string, right: string): void;
  drawLine(): void;
  code128(data: string, settings: object): void;
  printBarcode(data: string, type: number, settings: object): void;
  printQR(data: string, settings: object): void;
  partialCut(): void;
  getBuffer(): Buffer;
}

/** Renders a document the way an NTP user would, with NTP's own calls. */
function renderWithNtp(document: ReceiptDocument): Uint8Array {
  // No interface: NTP builds its buffer without connecting anywhere.
  const printer = new ThermalPrinter({ type: PrinterTypes.EPSON, width: 48, characterSet: CharacterSet.PC437_USA } as never) as unknown as NtpPrinter;
  printer.clear();
  printer.initHardware();
  for (const block of document.content as Block[]) {
    if (typeof block === 'string') printer.println(block);
    else if ('text' in block) {
      const t = block as TextBlock;
      if (t.align === 'center') printer.alignCenter();
      // ESC ! (quad area) also clears emphasis, so size goes first, as NTP users learn to do.
      if (t.size === 2) printer.setTextQuadArea();
      if (t.bold) printer.bold(true);
      printer.println(t.text);
      printer.setTextNormal();
      printer.bold(false);
      printer.alignLeft();
    } else if ('row' in block) {
      if (block.bold) printer.bold(true);
      printer.leftRight(block.row[0], block.row[1]);
      printer.bold(false);
    } else if ('rule' in block) printer.drawLine();
    else if ('barcode' in block) {
      printer.alignCenter();
      if (block.symbology === 'code128') printer.code128(block.barcode, { hriPos: 2, width: 2, height: 80 });
      else printer.printBarcode(block.barcode, 67, { hriPos: 2, width: 2, height: 80 });
      printer.alignLeft();
    } else if ('qr' in block) {
      printer.alignCenter();
      printer.printQR(block.qr, { cellSize: 6, correction: 'M' });
      printer.alignLeft();
    } else if ('cut' in block) printer.partialCut();
    else throw new Error(`no NTP rendering for ${JSON.stringify(block)}`);
  }
  return new Uint8Array(printer.getBuffer());
}

/** What is compared: printed lines with style, symbols with their data, cuts. Feeds are not. */
function comparable(items: PrintedItem[]): unknown[] {
  return items.flatMap((item): unknown[] => {
    if (item.kind === 'feed' || item.kind === 'drawer') return [];
    if (item.kind === 'line') return [{ text: item.text, bold: item.bold, width: item.width, height: item.height, align: item.align }];
    return [item];
  });
}

describe('differential: receipt-spool vs node-thermal-printer 4.6 (decoded output)', () => {
  for (const name of ['receipt-cafe.json', 'receipt-long.json']) {
    it(`${name} prints the same lines, styles, barcodes, QR data and cut`, () => {
      const document = fixture(name);
      const ours = interpret(encode(document, 'epson-tm-t88').bytes);
      const theirs = interpret(renderWithNtp(document));
      expect(comparable(ours)).toEqual(comparable(theirs));
      expect(ours.some((i) => i.kind === 'barcode')).toBe(true);
    });
  }

  it('difference 2: CODE128 digits in code C make our symbol data shorter than NTP’s all-{B', () => {
    const document: ReceiptDocument = { transactionId: 'T', content: [{ barcode: 'TXN-000123', symbology: 'code128' }] };
    const ours = Buffer.from(encode(document, 'epson-tm-t88').bytes);
    const theirs = Buffer.from(renderWithNtp(document));
    const length = (bytes: Buffer): number => bytes[bytes.indexOf(Buffer.from([0x1d, 0x6b, 73])) + 3]!;
    expect([length(ours), length(theirs)]).toEqual([11, 12]);
  });

  it('difference 4: NTP frames non-ASCII QR data with the UTF-16 length; ours stores the UTF-8 bytes', () => {
    const document: ReceiptDocument = { transactionId: 'T', content: [{ qr: 'Grüße 你好' }, 'after'] };
    const ours = interpret(encode(document, 'epson-tm-t88').bytes);
    expect(ours).toContainEqual({ kind: 'qr', data: 'Grüße 你好' });
    expect(ours.at(-1)).toMatchObject({ kind: 'line', text: 'after' });
    // NTP: pL pH = 8 + 3 but 14 UTF-8 bytes follow, so the printer stores a truncated symbol and
    // prints the last 6 data bytes as text (here a mangled line before "after").
    const ntp = Buffer.from(renderWithNtp(document));
    const store = ntp.indexOf(Buffer.from([0x1d, 0x28, 0x6b]), ntp.indexOf(Buffer.from([0x31, 0x45])));
    expect(ntp[store + 3]! + ntp[store + 4]! * 256 - 3).toBe('Grüße 你好'.length);
    expect(Buffer.byteLength('Grüße 你好')).toBeGreaterThan('Grüße 你好'.length);
  });
});
