/**
 * Receipts as pictures, drawn from the bytes: the emulator's parser and interpreter run over the
 * ESC/POS stream exactly as the virtual printer does, and what they print is drawn dot for dot
 * at the print head's width (576 dots on 80 mm paper, 384 on 58 mm). A wrong byte shows as a
 * wrong picture. A document is first encoded for the profile, as the spool would send it.
 */
import type { ReceiptDocument } from '../document/types.js';
import { DEFAULT_LINE_SPACING, EscPosParser, Interpreter, type JournalItem } from '../emulator/index.js';
import { encode, type ReprintMark } from '../escpos/encoder.js';
import { getProfile, type PrinterProfile } from '../escpos/profiles.js';
import { Paper } from './dots.js';
import { drawBarcode, drawSymbol } from './symbols.js';
import { drawTextLine } from './text.js';

export interface RenderOptions {
  /** For a document: print it as a marked copy (the reprint mark the spool would add). */
  mark?: ReprintMark;
}

/** Images up to this many bytes keep their data through the parser (a 576-dot image ~ 14 000 rows). */
const PICTURE_KEEP_LIMIT = 1 << 20;
/** A cut line: dashes this long, so the picture shows where the receipt was cut. */
const CUT_DASH = 8;

/** What the printer prints for `bytes`, in order, with the detail a picture needs. */
export function printedItems(bytes: Uint8Array): JournalItem[] {
  const items: JournalItem[] = [];
  const interpreter = new Interpreter(
    {
      print: (unit) => items.push(...unit.items),
      transmitStatus: () => {},
      printerInfo: () => {},
      enableAsb: () => {},
      processId: () => {},
      setOfflineResponse: () => {},
      unknown: () => {},
      initialize: () => {},
    },
    { pictureDetail: true },
  );
  for (const op of new EscPosParser(PICTURE_KEEP_LIMIT).push(bytes)) {
    // Real-time commands (DLE EOT, DLE DC4…) ask or act; they print nothing.
    if (op.type === 'command' && op.realtime) continue;
    interpreter.execute(op);
  }
  return items;
}

/** Printed items (e.g. a receipt from the virtual printer's journal, kept with `pictureDetail`) as a PNG `width` dots wide. */
export function renderItems(items: readonly JournalItem[], width: number): Uint8Array {
  const paper = drawItems(items, width);
  try {
    return paper.toPng();
  } finally {
    paper.release();
  }
}

/** Draw printed items onto paper `width` dots wide. */
export function drawItems(items: readonly JournalItem[], width: number): Paper {
  const paper = new Paper(width);
  let y = 0;
  for (const item of items) y += drawItem(paper, item, y);
  return paper;
}

function drawItem(paper: Paper, item: JournalItem, y: number): number {
  switch (item.kind) {
    case 'text':
      return drawTextLine(paper, item, y, item.lineSpacing ?? DEFAULT_LINE_SPACING);
    case 'feed': {
      const dots = item.dots ?? Math.round(item.lines * (item.lineSpacing ?? DEFAULT_LINE_SPACING));
      paper.feedTo(y + dots);
      return dots;
    }
    case 'cut': {
      const at = y + item.feedDots;
      for (let x = 0; x < paper.width; x += CUT_DASH * 2) {
        // A partial cut leaves the middle joined.
        if (item.type === 'partial' && Math.abs(x + CUT_DASH / 2 - paper.width / 2) < paper.width / 16) continue;
        paper.fill(x, at, CUT_DASH, 1, 1);
      }
      paper.feedTo(at + 1);
      return item.feedDots + 1;
    }
    case 'barcode':
      return drawBarcode(paper, item, y);
    case 'image':
      return drawImage(paper, item, y);
    case 'drawer':
    case 'interruption':
      return 0;
    default:
      return drawSymbol(paper, item, y);
  }
}

function drawImage(paper: Paper, item: Extract<JournalItem, { kind: 'image' }>, y: number): number {
  if (item.width === 0 || item.height === 0) return 0;
  const left = item.align === 'center' ? Math.floor((paper.width - item.width) / 2) : item.align === 'right' ? paper.width - item.width : 0;
  if (!item.raster) {
    // Printed, but its data was not kept (ESC *, graphics buffer): a hatched frame of its size.
    for (let row = 0; row < item.height; row += 4) paper.fill(left + (row % item.width), y + row, 1, 1, 1);
    paper.fill(left, y, item.width, 1, 1);
    paper.fill(left, y + item.height - 1, item.width, 1, 1);
    paper.feedTo(y + item.height);
    return item.height;
  }
  paper.blit(Buffer.from(item.raster, 'base64'), item.width / 8, item.width, item.height, left, y);
  return item.height;
}

/**
 * A receipt as a 1-bit PNG at the printer's resolution: from ESC/POS bytes as sent, or from a
 * document encoded for `profile` (a profile or its name; default `generic-80`).
 */
export function renderReceipt(input: Uint8Array | ReceiptDocument, profile: PrinterProfile | string = 'generic-80', options: RenderOptions = {}): Uint8Array {
  const resolved = typeof profile === 'string' ? getProfile(profile) : profile;
  const bytes = input instanceof Uint8Array ? input : encode(input, resolved, options.mark ? { mark: options.mark } : {}).bytes;
  return renderItems(printedItems(bytes), resolved.dots);
}

/** What `renderPrintedCopy` needs of a spool job (structural, so the preview does not import the spool). */
export interface PrintedCopy {
  transactionId: string;
  document: ReceiptDocument | null;
  marked: boolean;
  copy: number;
  printedAt: number | null;
  updatedAt: number;
}

/**
 * A job's receipt as its latest attempt printed it: re-encoded for the profile, with the reprint
 * mark (copy number, time of that attempt) when that attempt was marked. Undefined once purged.
 */
export function renderPrintedCopy(job: PrintedCopy, profile: PrinterProfile | string = 'generic-80'): Uint8Array | undefined {
  if (job.document === null) return undefined;
  const mark = job.marked ? { copy: job.copy, time: new Date(job.printedAt ?? job.updatedAt).toISOString() } : undefined;
  return renderReceipt(job.document, profile, mark ? { mark } : {});
}
