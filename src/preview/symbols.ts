/**
 * Barcodes and 2D symbols as the printer draws them from what it was sent: bwip-js (BWIPP)
 * encodes barcodes and PDF417, qrcode-generator encodes QR codes (bwip-js took 11 ms for a
 * URL's QR code, qrcode-generator well under 1 ms: the café receipt's budget is 20 ms); the module geometry comes from the commands (GS w, GS h, GS H, GS f for
 * barcodes; module size and error correction for QR; columns, rows, module width, row height
 * and error correction for PDF417). CODE128 is encoded from the code sets the bytes chose.
 */
import { createRequire } from 'node:module';
import type BwipJs from 'bwip-js';
import qrcode from 'qrcode-generator';
import type { Alignment, BarcodeItem, SymbolItem, TextLineItem, TextSegment } from '../emulator/index.js';
import type { Paper } from './dots.js';
import { drawTextLine } from './text.js';

/** bwip-js is ~1 MB of JavaScript: loaded on the first barcode, so importing the library or starting the CLI does not pay for it. */
let bwip: typeof BwipJs | undefined;
function bwipjs(): typeof BwipJs {
  bwip ??= createRequire(import.meta.url)('bwip-js') as typeof BwipJs;
  return bwip;
}

/** Epson's wide element for GS w n in two-width symbologies (CODE39, ITF, CODABAR). */
const WIDE_DOTS: Record<number, number> = { 1: 3, 2: 5, 3: 8, 4: 10, 5: 13, 6: 15 };
const TWO_WIDTH = new Set(['CODE39', 'ITF', 'CODABAR']);
const BWIPP_NAMES: Record<string, string> = {
  'UPC-A': 'upca',
  'UPC-E': 'upce',
  EAN13: 'ean13',
  EAN8: 'ean8',
  CODE39: 'code39',
  ITF: 'interleaved2of5',
  CODABAR: 'rationalizedCodabar',
  CODE93: 'code93',
};
/** Dots between the bars and their human-readable line. */
const HRI_GAP = 4;

type Raw1D = { sbs: number[] };
type Raw2D = { pixs: number[]; pixx: number; pixy: number };

/** CODE128 codewords from Epson data: `{A` `{B` `{C` choose code sets, `{S` shifts, `{1`–`{4` are FNC1–4, `{{` is `{`. */
export function code128Codewords(data: Uint8Array): number[] | undefined {
  const out: number[] = [];
  let set: 'A' | 'B' | 'C' | undefined;
  for (let i = 0; i < data.length; i++) {
    let byte = data[i]!;
    if (byte === 0x7b && i + 1 < data.length) {
      const next = String.fromCharCode(data[++i]!);
      if (next === 'A' || next === 'B' || next === 'C') {
        const start = { A: 103, B: 104, C: 105 }[next];
        const change = { A: 101, B: 100, C: 99 }[next];
        out.push(set === undefined ? start : change);
        set = next;
        continue;
      }
      if (set === undefined) return undefined;
      const fnc: Record<string, number> = { S: 98, '1': 102, '2': 97, '3': 96, '4': set === 'A' ? 101 : 100 };
      if (next in fnc) {
        out.push(fnc[next]!);
        continue;
      }
      if (next !== '{') return undefined;
      byte = 0x7b;
    }
    if (set === undefined) return undefined; // the printer needs a code set first
    if (set === 'C') {
      if (byte > 99) return undefined;
      out.push(byte);
    } else if (set === 'A') {
      if (byte >= 0x60) return undefined;
      out.push(byte < 0x20 ? byte + 64 : byte - 32);
    } else {
      if (byte < 0x20 || byte > 0x7f) return undefined;
      out.push(byte - 32);
    }
  }
  return out.length > 1 ? out : undefined;
}

function linearElements(item: BarcodeItem): number[] | undefined {
  const bytes = Buffer.from(item.data, 'latin1');
  try {
    if (item.symbology === 'CODE128') {
      const codewords = code128Codewords(bytes);
      if (!codewords) return undefined;
      const text = codewords.map((c) => `^${String(c).padStart(3, '0')}`).join('');
      return (bwipjs().raw('code128', text, { raw: true } as never)[0] as Raw1D).sbs;
    }
    const name = BWIPP_NAMES[item.symbology];
    if (!name) return undefined;
    // The printer adds CODE39's start/stop `*` itself when they are not in the data.
    const text = item.symbology === 'CODE39' ? item.data.replace(/^\*|\*$/g, '') : item.data;
    return (bwipjs().raw(name, text, {})[0] as Raw1D).sbs;
  } catch {
    return undefined; // data the printer would not print either
  }
}

function leftFor(align: Alignment | undefined, width: number, paperWidth: number): number {
  if (align === 'center') return Math.floor((paperWidth - width) / 2);
  if (align === 'right') return paperWidth - width;
  return 0;
}

/** Draw a barcode at `y`; returns the dots advanced (nothing prints when it does not fit the paper). */
export function drawBarcode(paper: Paper, item: BarcodeItem, y: number): number {
  const elements = linearElements(item);
  if (!elements) return 0;
  const narrow = item.moduleWidth;
  const twoWidth = TWO_WIDTH.has(item.symbology);
  const widths = elements.map((e) => (twoWidth ? (e > 1 ? (WIDE_DOTS[narrow] ?? narrow * 2.5) : narrow) : e * narrow));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total > paper.width) return 0;
  const x0 = leftFor(item.align, total, paper.width);
  const hri = item.hriPosition ?? 'none';
  const hriLine: TextLineItem = { kind: 'text', text: item.text, align: 'left', segments: [hriSegment(item)] };
  let at = y;
  if (hri === 'above' || hri === 'both') at += drawHri(paper, hriLine, at, x0, total) + HRI_GAP;
  let x = x0;
  widths.forEach((w, i) => {
    if (i % 2 === 0) paper.fill(x, at, w, item.height, 1);
    x += w;
  });
  paper.feedTo(at + item.height);
  at += item.height;
  if (hri === 'below' || hri === 'both') at += HRI_GAP + drawHri(paper, hriLine, at + HRI_GAP, x0, total);
  return at - y;
}

function hriSegment(item: BarcodeItem): TextSegment {
  return { text: item.text, font: item.hriFont ?? 'A', bold: false, underline: 0, inverse: false, width: 1, height: 1, upsideDown: false };
}

/** HRI characters centred under (or over) the bars. */
function drawHri(paper: Paper, line: TextLineItem, y: number, x0: number, barsWidth: number): number {
  const cell = line.segments[0]!.font === 'B' ? 9 : 12;
  const textWidth = [...line.text].length * cell;
  return drawTextLine(paper, line, y, 0, Math.max(0, x0 + Math.floor((barsWidth - textWidth) / 2)));
}

/** The QR code's modules; `bytes` is latin1, one character per byte, so the stored bytes go in unchanged (byte mode). */
function qrMatrix(bytes: string, level: 'L' | 'M' | 'Q' | 'H'): Raw2D {
  const qr = qrcode(0, level);
  qr.addData(bytes, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  const pixs = new Array<number>(size * size);
  for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) pixs[row * size + col] = qr.isDark(row, col) ? 1 : 0;
  return { pixs, pixx: size, pixy: size };
}

function matrixFor(item: SymbolItem): Raw2D | undefined {
  const text = item.raw ?? Buffer.from(item.data, 'utf8').toString('latin1');
  try {
    if (item.kind === 'qr') return qrMatrix(text, item.errorCorrection ?? 'L');
    if (item.kind === 'pdf417') {
      const p = item.pdf417 ?? { columns: 0, rows: 0, moduleWidth: 3, rowHeight: 3, errorCorrection: 1 };
      const options: Record<string, unknown> = { eclevel: p.errorCorrection, rowmult: 1, binarytext: true };
      if (p.columns > 0) options['columns'] = p.columns;
      if (p.rows > 0) options['rows'] = p.rows;
      return bwipjs().raw('pdf417', text, options as never)[0] as Raw2D;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Draw a QR code or PDF417 at `y`; returns the dots advanced. Other 2D symbols are not drawn. */
export function drawSymbol(paper: Paper, item: SymbolItem, y: number): number {
  const matrix = matrixFor(item);
  if (!matrix) return 0;
  const moduleWidth = item.kind === 'qr' ? (item.size ?? 3) : (item.pdf417?.moduleWidth ?? 3);
  const moduleHeight = item.kind === 'qr' ? moduleWidth : moduleWidth * (item.pdf417?.rowHeight ?? 3);
  const width = matrix.pixx * moduleWidth;
  if (width > paper.width) return 0;
  const x0 = leftFor(item.align, width, paper.width);
  for (let row = 0; row < matrix.pixy; row++) {
    for (let col = 0; col < matrix.pixx; col++) {
      if (matrix.pixs[row * matrix.pixx + col]) paper.fill(x0 + col * moduleWidth, y + row * moduleHeight, moduleWidth, moduleHeight, 1);
    }
  }
  const height = matrix.pixy * moduleHeight;
  paper.feedTo(y + height);
  return height;
}
