/**
 * What the virtual printer put on paper, receipt by receipt (a receipt ends at a cut).
 * `complete` tells a test whether a receipt printed whole and without interruption.
 */

export type Alignment = 'left' | 'center' | 'right';
export type Font = 'A' | 'B' | 'C';

export interface TextStyle {
  bold: boolean;
  /** 0 none, 1 one-dot, 2 two-dot underline. */
  underline: 0 | 1 | 2;
  inverse: boolean;
  /** Character width and height multipliers, 1–8. */
  width: number;
  height: number;
  font: Font;
  upsideDown: boolean;
}

export interface TextSegment extends TextStyle {
  text: string;
  /** Printed in Kanji mode (FS &): characters beyond ASCII are double-byte, 24×24 cells. */
  kanji?: boolean;
}

export interface TextLineItem {
  kind: 'text';
  /** All segments joined. */
  text: string;
  align: Alignment;
  segments: TextSegment[];
  /** The line was being printed when printing stopped at once (cover open, error); it prints again whole on recovery. */
  partial?: boolean;
  /** Line spacing in dots when the line printed (ESC 2 / ESC 3 n); the line advances by at least this. */
  lineSpacing?: number;
}

export interface FeedItem {
  kind: 'feed';
  /** Lines fed (ESC d n), or dots / 30 for ESC J n (default line spacing is 30 dots). */
  lines: number;
  dots?: number;
  /** Line spacing in dots for ESC d (lines × spacing = the paper fed). */
  lineSpacing?: number;
}

export interface CutItem {
  kind: 'cut';
  type: 'full' | 'partial';
  /** Lines fed before the cut (GS V 65/66 n: n dots). */
  feedDots: number;
}

export type BarcodeSymbology = 'UPC-A' | 'UPC-E' | 'EAN13' | 'EAN8' | 'CODE39' | 'ITF' | 'CODABAR' | 'CODE93' | 'CODE128' | `UNKNOWN-${number}`;

export interface BarcodeItem {
  kind: 'barcode';
  symbology: BarcodeSymbology;
  /** The data bytes as sent (latin1), e.g. `{BTXN-1` for CODE128. */
  data: string;
  /** Human-readable content: CODE128 code-set selectors removed, code set C digits expanded. */
  text: string;
  height: number;
  moduleWidth: number;
  /** Where the human-readable text prints (GS H) and in which font (GS f). */
  hriPosition?: 'none' | 'above' | 'below' | 'both';
  hriFont?: Font;
  /** Justification in force when it printed (ESC a). */
  align?: Alignment;
}

export interface SymbolItem {
  kind: 'qr' | 'pdf417' | 'maxicode' | 'databar' | 'composite' | 'aztec' | 'datamatrix';
  /** The stored data decoded as UTF-8. */
  data: string;
  bytes: number;
  /** QR: model, module size and error correction level as last set. */
  model?: number;
  size?: number;
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
  /** The stored bytes as sent, latin1 (one character per byte). */
  raw?: string;
  /** PDF417 settings as last set (GS ( k cn 48 fn 65–69). */
  pdf417?: Pdf417Settings;
  align?: Alignment;
}

export interface Pdf417Settings {
  /** 0 = automatic. */
  columns: number;
  rows: number;
  moduleWidth: number;
  /** Row height as a multiple of the module width. */
  rowHeight: number;
  /** Error correction level 0–8. */
  errorCorrection: number;
}

export interface ImageItem {
  kind: 'image';
  /** Dots; 0 when unknown (NV images printed by key). */
  width: number;
  height: number;
  source: 'raster' | 'bit-image' | 'graphics' | 'nv';
  /** GS v 0 data as sent, base64: rows of width/8 bytes, MSB = leftmost dot (absent when the payload was too big to keep). */
  raster?: string;
  align?: Alignment;
}

export interface DrawerKickItem {
  kind: 'drawer';
  pin: 2 | 5;
  onMs: number;
  offMs: number;
  realtime: boolean;
}

export type InterruptionCause = 'paper-out' | 'paper-near-end' | 'cover-open' | 'cutter-jam' | 'unrecoverable';

export interface InterruptionItem {
  kind: 'interruption';
  cause: InterruptionCause;
}

export type JournalItem = TextLineItem | FeedItem | CutItem | BarcodeItem | SymbolItem | ImageItem | DrawerKickItem | InterruptionItem;

export type ReceiptEnd =
  /** The cut executed. */
  | 'cut'
  /** Buffers were cleared (DLE DC4 fn 8, DLE ENQ 2, paper-out discard) before the cut. */
  | 'cleared'
  /** Power went off before the cut. */
  | 'power-off';

export interface Receipt {
  /** 0-based position in `journal.receipts`. */
  index: number;
  items: JournalItem[];
  /** Printed whole: ended by its cut and never interrupted (no split, no duplicate line, no loss). */
  complete: boolean;
  endedBy: ReceiptEnd;
  interruptions: InterruptionCause[];
  /** Text lines joined with newlines, for quick assertions. */
  text: string;
}

export interface UnknownCommand {
  name: string;
  /** Up to the first 16 bytes, hex. */
  hex: string;
}

const UNKNOWN_COMMANDS_KEPT = 1000;

export class Journal {
  readonly receipts: Receipt[] = [];
  readonly unknownCommands: UnknownCommand[] = [];
  private items: JournalItem[] = [];
  private interruptions: InterruptionCause[] = [];

  /** Items printed since the last cut. */
  get current(): readonly JournalItem[] {
    return this.items;
  }

  get receiptInProgress(): boolean {
    return this.items.length > 0;
  }

  add(item: JournalItem): void {
    this.items.push(item);
  }

  /** The last item printed in the current receipt, to merge consecutive ESC * bands. */
  lastItem(): JournalItem | undefined {
    return this.items[this.items.length - 1];
  }

  interrupt(cause: InterruptionCause): void {
    this.interruptions.push(cause);
    this.items.push({ kind: 'interruption', cause });
  }

  /** Close the current receipt; returns it, or undefined when nothing was printed (and it was not a cut). */
  end(endedBy: ReceiptEnd): Receipt | undefined {
    if (endedBy !== 'cut' && this.items.length === 0) return undefined;
    const items = this.items;
    const receipt: Receipt = {
      index: this.receipts.length,
      items,
      complete: endedBy === 'cut' && this.interruptions.length === 0,
      endedBy,
      interruptions: this.interruptions,
      text: items
        .filter((item): item is TextLineItem => item.kind === 'text' && !item.partial)
        .map((item) => item.text)
        .join('\n'),
    };
    this.receipts.push(receipt);
    this.items = [];
    this.interruptions = [];
    return receipt;
  }

  recordUnknown(name: string, bytes: Uint8Array): void {
    if (this.unknownCommands.length >= UNKNOWN_COMMANDS_KEPT) return;
    this.unknownCommands.push({ name, hex: Buffer.from(bytes.subarray(0, 16)).toString('hex') });
  }
}
