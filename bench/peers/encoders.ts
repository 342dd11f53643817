/**
 * The fixture receipts translated into each peer's own API, the way its README teaches:
 * centred bold double-size name, rows on 48 columns, rules, total, CODE128 (EAN-13 on the long
 * receipt), QR, cut. Each function returns the bytes the peer would send, or `null` where the
 * peer cannot print the receipt at all (see `PEER_NOTES`). Untyped peers are loaded through
 * `require` and a minimal typed view of the calls used here.
 */
import { createRequire } from 'node:module';
import { CharacterSet, PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { Block, ReceiptDocument } from '../../src/document/types.js';

const require = createRequire(import.meta.url);

export type PeerEncoder = (document: ReceiptDocument, chinese: boolean) => Uint8Array | null;

/** Blocks of the fixtures, as a small closed set every translation handles. */
type FixtureBlock =
  | { kind: 'text'; text: string; center: boolean; bold: boolean; double: boolean }
  | { kind: 'row'; left: string; right: string; bold: boolean }
  | { kind: 'rule' }
  | { kind: 'barcode'; data: string; symbology: 'code128' | 'ean13' }
  | { kind: 'qr'; data: string }
  | { kind: 'cut' };

/** Reads a fixture into `FixtureBlock`s once, so the timed loops measure the peer, not our parsing. */
export function fixtureBlocks(document: ReceiptDocument): FixtureBlock[] {
  return (document.content as Block[]).map((block): FixtureBlock => {
    if (typeof block === 'string') return { kind: 'text', text: block, center: false, bold: false, double: false };
    if ('text' in block) {
      return { kind: 'text', text: block.text, center: block.align === 'center', bold: block.bold === true, double: block.size === 2 };
    }
    if ('row' in block) return { kind: 'row', left: String(block.row[0]), right: String(block.row[1]), bold: block.bold === true };
    if ('rule' in block) return { kind: 'rule' };
    if ('barcode' in block) return { kind: 'barcode', data: block.barcode, symbology: block.symbology === 'ean13' ? 'ean13' : 'code128' };
    if ('qr' in block) return { kind: 'qr', data: block.qr };
    if ('cut' in block) return { kind: 'cut' };
    throw new Error(`the bench fixtures have no ${JSON.stringify(block)}`);
  });
}

// ---------------------------------------------------------------- node-thermal-printer 4.6.1

/** The NTP methods used (its .d.ts omits initHardware). */
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

/** NTP builds its buffer without an interface; one printer object per character set, cleared per receipt. */
export function ntpEncoder(): PeerEncoder {
  const make = (characterSet: CharacterSet): NtpPrinter => new ThermalPrinter({ type: PrinterTypes.EPSON, width: 48, characterSet } as never) as unknown as NtpPrinter;
  const latin = make(CharacterSet.PC437_USA);
  // NTP's only Chinese option: EUC-CN under ESC R 15 (no FS &), so the printer shows mojibake.
  const china = make(CharacterSet.CHINA);
  const cache = new WeakMap<ReceiptDocument, FixtureBlock[]>();
  return (document, chinese) => {
    const blocks = cache.get(document) ?? fixtureBlocks(document);
    cache.set(document, blocks);
    const p = chinese ? china : latin;
    p.clear();
    p.initHardware();
    for (const b of blocks) {
      if (b.kind === 'text') {
        if (b.center) p.alignCenter();
        if (b.double) p.setTextQuadArea(); // ESC ! also clears emphasis: size first, as NTP users learn
        if (b.bold) p.bold(true);
        p.println(b.text);
        p.setTextNormal();
        p.bold(false);
        p.alignLeft();
      } else if (b.kind === 'row') {
        if (b.bold) p.bold(true);
        p.leftRight(b.left, b.right);
        p.bold(false);
      } else if (b.kind === 'rule') p.drawLine();
      else if (b.kind === 'barcode') {
        p.alignCenter();
        if (b.symbology === 'code128') p.code128(b.data, { hriPos: 2, width: 2, height: 80 });
        else p.printBarcode(b.data, 67, { hriPos: 2, width: 2, height: 80 });
        p.alignLeft();
      } else if (b.kind === 'qr') {
        p.alignCenter();
        p.printQR(b.data, { cellSize: 6, correction: 'M' });
        p.alignLeft();
      } else p.partialCut();
    }
    return p.getBuffer();
  };
}

// ---------------------------------------------------------------- @point-of-sale/receipt-printer-encoder 4.0.1

/** One encoder object reused (its `encode()` resets it); rows through its `table()`. */
export function receiptPrinterEncoder(): PeerEncoder {
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', columns: 48 });
  const columns = [
    { width: 36, align: 'left' as const },
    { width: 12, align: 'right' as const },
  ];
  const cache = new WeakMap<ReceiptDocument, FixtureBlock[]>();
  return (document, chinese) => {
    // Its code pages are single-byte tables only: Chinese comes out as '?'.
    if (chinese) return null;
    const blocks = cache.get(document) ?? fixtureBlocks(document);
    cache.set(document, blocks);
    let e = encoder.initialize();
    for (const b of blocks) {
      if (b.kind === 'text') {
        if (b.center) e = e.align('center');
        if (b.double) e = e.size(2, 2);
        if (b.bold) e = e.bold(true);
        e = e.line(b.text);
        if (b.bold) e = e.bold(false);
        if (b.double) e = e.size(1, 1);
        if (b.center) e = e.align('left');
      } else if (b.kind === 'row') {
        const cell = (text: string) => (b.bold ? (enc: ReceiptPrinterEncoder) => enc.bold(true).text(text).bold(false) : text);
        e = e.table(columns, [[cell(b.left), cell(b.right)]]);
      } else if (b.kind === 'rule') e = e.rule();
      else if (b.kind === 'barcode') e = e.align('center').barcode(b.data, b.symbology, 80).align('left');
      else if (b.kind === 'qr') e = e.align('center').qrcode(b.data, 2, 6, 'm').align('left');
      else e = e.cut('partial');
    }
    return e.encode();
  };
}

// ---------------------------------------------------------------- receiptline 4.0.4

interface ReceiptLine {
  transform(doc: string, printer: object): string;
}

/** Escapes receiptline's special characters in literal text. */
const rlEscape = (text: string): string => text.replace(/[\\|{}~_"`^]/g, '\\$&').replace(/^([-=])/, '\\$1');

/** receiptline takes its markdown-like language; the document is written once, transform() is timed. */
export function receiptlineEncoder(): PeerEncoder {
  const receiptline = require('receiptline') as ReceiptLine;
  const markup = new WeakMap<ReceiptDocument, string>();
  const toMarkup = (document: ReceiptDocument): string =>
    fixtureBlocks(document)
      .map((b) => {
        if (b.kind === 'text') {
          const text = `${b.double ? '^^^' : ''}${b.bold ? `"${rlEscape(b.text)}"` : rlEscape(b.text)}`;
          return b.center ? text : `|${text}`;
        }
        if (b.kind === 'row') {
          const cell = (text: string) => (b.bold ? `"${rlEscape(text)}"` : rlEscape(text));
          return `${cell(b.left)} | ${cell(b.right)}`;
        }
        if (b.kind === 'rule') return '-';
        if (b.kind === 'barcode') {
          return b.symbology === 'code128' ? `{code:${b.data}; option:code128,2,80,hri}` : `{code:${b.data}; option:ean,2,80,hri}`;
        }
        if (b.kind === 'qr') return `{code:${b.data}; option:qrcode,6,m}`;
        return '=';
      })
      .join('\n');
  return (document, chinese) => {
    let doc = markup.get(document);
    if (doc === undefined) markup.set(document, (doc = toMarkup(document)));
    const printer = { cpl: 48, encoding: chinese ? 'gb18030' : 'cp437', command: 'escpos', cutting: true, spacing: false };
    return Buffer.from(receiptline.transform(doc, printer), 'latin1');
  };
}

// ---------------------------------------------------------------- escpos 2.5.2 and @node-escpos/core 0.6.0

/** The escpos-family printer calls used here (both packages share them). */
interface EscposPrinter {
  align(align: 'ct' | 'lt' | 'rt'): EscposPrinter;
  style(style: 'b' | 'normal' | 'NORMAL' | 'B'): EscposPrinter;
  size(width: number, height: number): EscposPrinter;
  text(text: string): EscposPrinter;
  drawLine(): EscposPrinter;
  tableCustom(cells: object[], options?: object): EscposPrinter;
  barcode(data: string, type: string, options: object): EscposPrinter;
  qrcode(data: string, version?: number, level?: string, size?: number): EscposPrinter;
  cut(partial?: boolean, feed?: number): EscposPrinter;
  buffer: { flush(): Buffer; write(bytes: Buffer | string): void };
}

/** A no-op printer interface: the escpos family needs one to construct a printer; nothing is sent. */
export const noopAdapter = {
  open(callback?: (error?: Error) => void) {
    callback?.();
    return this;
  },
  write(_data: Buffer, callback?: (error?: Error) => void) {
    callback?.();
    return this;
  },
  close(callback?: (error?: Error) => void) {
    callback?.();
    return this;
  },
};

type EscposPrinterClass = new (adapter: unknown, options?: object) => EscposPrinter;

function escposFamilyEncoder(Printer: EscposPrinterClass, family: 'escpos' | 'node-escpos'): PeerEncoder {
  const latin = new Printer(noopAdapter, { encoding: 'cp437' });
  // Both encode Chinese as GB18030 (their default encoding) but never send FS &.
  const china = new Printer(noopAdapter, { encoding: 'GB18030' });
  const cache = new WeakMap<ReceiptDocument, FixtureBlock[]>();
  const bold = family === 'escpos' ? 'b' : 'B';
  const normal = family === 'escpos' ? 'normal' : 'NORMAL';
  return (document, chinese) => {
    const blocks = cache.get(document) ?? fixtureBlocks(document);
    cache.set(document, blocks);
    const p = chinese ? china : latin;
    p.buffer.write(Buffer.from([0x1b, 0x40])); // neither has an initialize call; users write ESC @ raw
    for (const b of blocks) {
      if (b.kind === 'text') {
        if (b.center) p.align('ct');
        if (b.double) p.size(2, 2);
        if (b.bold) p.style(bold);
        p.text(b.text);
        if (b.bold) p.style(normal);
        if (b.double) p.size(1, 1);
        if (b.center) p.align('lt');
      } else if (b.kind === 'row') {
        if (b.bold) p.style(bold);
        p.tableCustom(
          [
            { text: b.left, align: 'LEFT', width: 0.75 },
            { text: b.right, align: 'RIGHT', width: 0.25 },
          ],
          family === 'node-escpos' ? { size: [1, 1], encoding: chinese ? 'GB18030' : 'cp437' } : undefined,
        );
        if (b.bold) p.style(normal);
      } else if (b.kind === 'rule') p.drawLine();
      else if (b.kind === 'barcode') {
        p.align('ct');
        // escpos wants EAN-13 without its check digit (it adds its own).
        if (b.symbology === 'code128') p.barcode(b.data, 'CODE128', { width: 2, height: 80, position: 'BLW' });
        else p.barcode(b.data.slice(0, 12), 'EAN13', { width: 2, height: 80, position: 'BLW' });
        p.align('lt');
      } else if (b.kind === 'qr') {
        p.align('ct');
        p.qrcode(b.data, 3, 'M', 6); // ESC Z: the family's only synchronous QR call
        p.align('lt');
      } else p.cut(true, 3);
    }
    return p.buffer.flush();
  };
}

export function escposEncoder(): PeerEncoder {
  const { Printer } = require('escpos') as { Printer: EscposPrinterClass };
  return escposFamilyEncoder(Printer, 'escpos');
}

export function nodeEscposEncoder(): PeerEncoder {
  const { Printer } = require('@node-escpos/core') as { Printer: EscposPrinterClass };
  return escposFamilyEncoder(Printer, 'node-escpos');
}

export const PEERS: Record<string, () => PeerEncoder> = {
  'node-thermal-printer': ntpEncoder,
  'receipt-printer-encoder': receiptPrinterEncoder,
  receiptline: receiptlineEncoder,
  escpos: escposEncoder,
  '@node-escpos/core': nodeEscposEncoder,
};

export const PEER_NOTES: string[] = [
  'receipt-printer-encoder: no Chinese (single-byte code pages only), so no Chinese figure',
  'node-thermal-printer: Chinese only as EUC-CN under ESC R 15 without FS & (prints mojibake); measured anyway',
  'escpos, @node-escpos/core: Chinese as GB18030 without FS &; QR as ESC Z (not Epson GS ( k); CODE128 without {B; EAN-13 given 12 digits',
  'peers with reusable objects are reused (NTP clear(), receipt-printer-encoder encode() resets, escpos buffer.flush())',
];
