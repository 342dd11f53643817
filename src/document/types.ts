/**
 * The receipt document: what POS code hands to receipt-spool and what the spool stores.
 * It describes *what* to print, never bytes for one model, so a stored receipt can be
 * re-rendered for whichever printer reprints it. The JSON form is these types verbatim.
 */

export type Align = 'left' | 'center' | 'right';

/** Character magnification 1–8; a number sets width and height alike. */
export type TextSize = number | { width: number; height: number };

export interface TextStyle {
  align?: Align;
  bold?: boolean;
  /** `true` or 1: one-dot underline; 2: two-dot underline. */
  underline?: boolean | 1 | 2;
  /** White on black (GS B). */
  inverse?: boolean;
  size?: TextSize;
  font?: 'A' | 'B';
}

/** One or more lines of text; `\n` inside starts a new line, long lines wrap at the paper width. */
export interface TextBlock extends TextStyle {
  text: string;
}

/**
 * Two or three columns: label left, amount(s) right. Long labels wrap inside their column;
 * CJK characters count two columns.
 */
export interface RowBlock extends Omit<TextStyle, 'align'> {
  row: [string, string] | [string, string, string];
}

/** A horizontal line across the paper, drawn with `char` (default `-`). */
export interface RuleBlock {
  rule: true | { char?: string };
}

/** Feed `feed` blank lines. */
export interface FeedBlock {
  feed: number;
}

export type BarcodeSymbology = 'code128' | 'ean13' | 'ean8' | 'upca' | 'code39' | 'itf' | 'codabar';

export interface BarcodeBlock {
  barcode: string;
  symbology: BarcodeSymbology;
  /** Bar height in dots, 1–255 (default 80). */
  height?: number;
  /** Module width in dots, 2–6 (default 2; the profile may cap it). */
  width?: number;
  /** Human-readable interpretation position (default below). */
  hri?: 'none' | 'above' | 'below' | 'both';
  align?: Align;
}

export interface QrBlock {
  qr: string;
  /** Module size in dots, 1–16 (default 6). */
  size?: number;
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
  align?: Align;
}

export interface Pdf417Block {
  pdf417: string;
  /** Module width 2–8 (default 3). */
  width?: number;
  /** Row height 2–8 (default 3). */
  rowHeight?: number;
  /** Error correction level 0–8 (default 1). */
  errorCorrection?: number;
  align?: Align;
}

export type Dither = 'threshold' | 'floyd-steinberg' | 'atkinson';

/**
 * A picture. `image` is a `data:image/png;base64,...` URI. A file path is accepted at the
 * I/O edge (spool submit, CLI) and inlined there, so a stored document is self-contained.
 */
export interface ImageBlock {
  image: string;
  /** Target width in dots; default the image's own width, capped at the profile's dots. */
  width?: number;
  dither?: Dither;
  /** 0–255 luminance cut-off for `threshold` (default 128). */
  threshold?: number;
  align?: Align;
}

export interface CutBlock {
  /** `true` is a partial cut where the printer has one (keeps receipts easy to tear), else full. */
  cut: true | 'full' | 'partial';
  /** Lines to feed before cutting so the last line clears the cutter (default from the profile). */
  feed?: number;
}

export interface DrawerBlock {
  /** Kick the cash drawer on connector pin 2 (`true`, 2) or pin 5 (5). */
  drawer: true | 2 | 5;
  /** Pulse on-time in ms (default 100). */
  pulseMs?: number;
}

/**
 * UNSAFE escape hatch: bytes sent as they are, hex encoded (`"1b 40"` or `"1b40"`). They can
 * reset the printer, change code pages or break confirmation; the encoder cannot check them.
 */
export interface RawBlock {
  raw: string;
  unsafe: true;
}

export type Block = string | TextBlock | RowBlock | RuleBlock | FeedBlock | BarcodeBlock | QrBlock | Pdf417Block | ImageBlock | CutBlock | DrawerBlock | RawBlock;

export interface ReceiptDocument {
  /** The payment's unique id. One receipt per transaction; submitting it twice prints once. */
  transactionId: string;
  /** Logical printer name the receipt is for (default `"default"`). */
  printer?: string;
  content: Block[];
}
