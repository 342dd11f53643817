/**
 * A fluent builder for receipt documents. It produces exactly the JSON form (what `build()`
 * returns deep-equals the same receipt written as JSON), so code and stored documents never
 * disagree. Images must be data URIs here: for file paths, build with `toJSON()`, pass the
 * result through `inlineImageFiles(doc, baseDir)`, then `validateReceipt` — or let spool
 * `submit` do it, which inlines paths itself.
 */
import type { Align, BarcodeBlock, Block, CutBlock, Dither, DrawerBlock, Pdf417Block, QrBlock, ReceiptDocument, RowBlock, TextStyle } from './types.js';
import { validateReceipt, type ValidateOptions } from './validate.js';

export type RowStyle = Omit<TextStyle, 'align'>;
export type BarcodeOptions = Partial<Omit<BarcodeBlock, 'barcode'>>;
export type QrOptions = Omit<QrBlock, 'qr'>;
export type Pdf417Options = Omit<Pdf417Block, 'pdf417'>;
export interface ImageOptions {
  width?: number;
  dither?: Dither;
  threshold?: number;
  align?: Align;
}

/** Copy of `options` without keys whose value is `undefined`, so output equals hand-written JSON. */
function defined<T extends object>(options: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!options) return out;
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

export class ReceiptBuilder {
  readonly #transactionId: string;
  #printer: string | undefined;
  readonly #content: Block[] = [];

  constructor(transactionId: string) {
    this.#transactionId = transactionId;
  }

  /** Logical printer name the receipt is for. */
  printer(name: string): this {
    this.#printer = name;
    return this;
  }

  /** A text block; `\n` inside starts a new line. */
  text(text: string, style?: TextStyle): this {
    return this.add({ text, ...defined(style) });
  }

  /** A plain line (a string in `content`), printed with default style. */
  line(text: string): this {
    return this.add(text);
  }

  /** Two columns: label left, amount right. */
  row(label: string, amount: string, style?: RowStyle): this {
    return this.add({ row: [label, amount], ...defined(style) } as RowBlock);
  }

  /** Three columns, e.g. quantity, label, amount. */
  row3(left: string, middle: string, right: string, style?: RowStyle): this {
    return this.add({ row: [left, middle, right], ...defined(style) } as RowBlock);
  }

  /** A horizontal line across the paper, drawn with `char` (default `-`). */
  rule(char?: string): this {
    return this.add({ rule: char === undefined ? true : { char } });
  }

  feed(lines = 1): this {
    return this.add({ feed: lines });
  }

  /** A 1-D barcode; the symbology defaults to CODE128. */
  barcode(data: string, options?: BarcodeOptions): this {
    return this.add({ barcode: data, symbology: 'code128', ...defined(options) } as BarcodeBlock);
  }

  qr(data: string, options?: QrOptions): this {
    return this.add({ qr: data, ...defined(options) });
  }

  pdf417(data: string, options?: Pdf417Options): this {
    return this.add({ pdf417: data, ...defined(options) });
  }

  /** A `data:image/png;base64,` URI (or, before `inlineImageFiles`, a file path). */
  image(source: string, options?: ImageOptions): this {
    return this.add({ image: source, ...defined(options) });
  }

  /** Cut the paper: `true` (partial where available), `'full'` or `'partial'`. */
  cut(mode: CutBlock['cut'] = true, options?: { feed?: number }): this {
    return this.add({ cut: mode, ...defined(options) });
  }

  /** Kick the cash drawer (pin 2 by default). */
  drawer(pin: DrawerBlock['drawer'] = true, options?: { pulseMs?: number }): this {
    return this.add({ drawer: pin, ...defined(options) });
  }

  /** UNSAFE: hex bytes sent as they are (`"1b 40"`). The encoder cannot check them. */
  raw(hex: string): this {
    return this.add({ raw: hex, unsafe: true });
  }

  /** Append any block, e.g. one read from JSON. */
  add(block: Block): this {
    this.#content.push(block);
    return this;
  }

  /** The document as built, not validated (for `inlineImageFiles` or inspection). */
  toJSON(): ReceiptDocument {
    const document: ReceiptDocument = { transactionId: this.#transactionId, content: [...this.#content] };
    if (this.#printer !== undefined) document.printer = this.#printer;
    return document;
  }

  /** Validate and return the document; throws `InvalidDocumentError` / `CardDataError`. */
  build(options?: ValidateOptions): ReceiptDocument {
    return validateReceipt(this.toJSON(), options);
  }
}

/** Start a receipt for one transaction: `receipt('TXN-1').text('ACME').cut().build()`. */
export function receipt(transactionId: string): ReceiptBuilder {
  return new ReceiptBuilder(transactionId);
}
