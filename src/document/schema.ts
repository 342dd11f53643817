/**
 * The receipt document as a zod 4 schema: one strict object per block kind. `validate.ts`
 * applies it with block-by-block dispatch (for precise error paths); `scripts/generate-schema.ts`
 * publishes it as `schema/receipt.schema.json`. Refinements (character rules, barcode data,
 * QR capacity, PNG header) are runtime checks that JSON Schema cannot express: strict validation
 * reports them, the spool's lenient reading (lenient.ts) degrades them with warnings.
 */
import { z } from 'zod';
import { barcodeProblem, BARCODE_SYMBOLOGIES } from './barcode-rules.js';
import { LIMITS, PNG_DATA_URI_PREFIX } from './limits.js';
import { qrCapacityProblem } from './qr-rules.js';
import { textProblem, utf8Length, type TextRuleOptions } from './text-rules.js';
import type { ReceiptDocument } from './types.js';

function checkedString(max: number, rules: TextRuleOptions, description: string) {
  return z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const problem = textProblem(value, rules);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description });
}

const printableText = (description: string) => checkedString(LIMITS.maxTextLength, { newline: true, tab: true }, description);

const align = z.enum(['left', 'center', 'right']).meta({ description: 'Horizontal alignment (default left).' });
const magnification = z.int().min(1).max(8);
const size = z
  .union([magnification, z.strictObject({ width: magnification, height: magnification })], {
    error: 'expected an integer 1–8 or { width, height } with integers 1–8',
  })
  .meta({ description: 'Character magnification 1–8; a number sets width and height alike.' });
const underline = z
  .union([z.boolean(), z.literal(1), z.literal(2)], { error: 'expected true, false, 1 or 2' })
  .meta({ description: '`true` or 1: one-dot underline; 2: two-dot underline.' });

const styleShape = {
  bold: z.boolean().optional(),
  underline: underline.optional(),
  inverse: z.boolean().optional().meta({ description: 'White on black (GS B).' }),
  size: size.optional(),
  font: z.enum(['A', 'B']).optional(),
};

const textBlock = z
  .strictObject({
    text: printableText('One or more lines; `\\n` starts a new line, long lines wrap.'),
    align: align.optional(),
    ...styleShape,
  })
  .meta({ title: 'text' });

const cell = checkedString(LIMITS.maxTextLength, { tab: true }, 'One column (no line breaks; long labels wrap).');
const rowBlock = z
  .strictObject({
    row: z.union([z.tuple([cell, cell]), z.tuple([cell, cell, cell])], { error: 'expected an array of 2 or 3 strings' }).meta({ description: 'Label left, amount(s) right.' }),
    ...styleShape,
  })
  .meta({ title: 'row' });

const ruleChar = z
  .string()
  .superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    else if ([...value].length !== 1) ctx.addIssue({ code: 'custom', message: 'expected exactly one character' });
  })
  .meta({ description: 'The character the line is drawn with (default `-`).' });
const ruleBlock = z
  .strictObject({
    rule: z.union([z.literal(true), z.strictObject({ char: ruleChar.optional() })], {
      error: 'expected true or { char }',
    }),
  })
  .meta({ title: 'rule' });

const feedLines = z.int().min(0).max(LIMITS.maxFeedLines);
const feedBlock = z.strictObject({ feed: feedLines.meta({ description: 'Blank lines to feed.' }) }).meta({ title: 'feed' });

const barcodeBlock = z
  .strictObject({
    barcode: checkedString(LIMITS.maxBarcodeDataLength, {}, 'Barcode data; valid characters depend on the symbology.'),
    symbology: z.enum(BARCODE_SYMBOLOGIES),
    height: z.int().min(1).max(255).optional().meta({ description: 'Bar height in dots (default 80).' }),
    width: z.int().min(2).max(6).optional().meta({ description: 'Module width in dots (default 2).' }),
    hri: z.enum(['none', 'above', 'below', 'both']).optional().meta({ description: 'Human-readable text position.' }),
    align: align.optional(),
  })
  .superRefine((block, ctx) => {
    const problem = barcodeProblem(block.symbology, block.barcode);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['barcode'] });
  })
  .meta({ title: 'barcode' });

const symbolData = { newline: true, tab: true, carriageReturn: true } as const;

const qrBlock = z
  .strictObject({
    qr: checkedString(LIMITS.maxQrDataBytes, symbolData, 'QR code data (model 2).').min(1),
    size: z.int().min(1).max(16).optional().meta({ description: 'Module size in dots (default 6).' }),
    errorCorrection: z.enum(['L', 'M', 'Q', 'H']).optional(),
    align: align.optional(),
  })
  .superRefine((block, ctx) => {
    const problem = qrCapacityProblem(block.qr, block.errorCorrection ?? 'L');
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['qr'] });
  })
  .meta({ title: 'qr' });

const pdf417Block = z
  .strictObject({
    pdf417: checkedString(LIMITS.maxPdf417DataBytes, symbolData, 'PDF417 data.')
      .min(1)
      .superRefine((value, ctx) => {
        if (utf8Length(value) > LIMITS.maxPdf417DataBytes) {
          ctx.addIssue({ code: 'custom', message: `longer than ${LIMITS.maxPdf417DataBytes} UTF-8 bytes` });
        }
      }),
    width: z.int().min(2).max(8).optional().meta({ description: 'Module width (default 3).' }),
    rowHeight: z.int().min(2).max(8).optional().meta({ description: 'Row height (default 3).' }),
    errorCorrection: z.int().min(0).max(8).optional().meta({ description: 'Error correction level (default 1).' }),
    align: align.optional(),
  })
  .meta({ title: 'pdf417' });

export { PNG_DATA_URI_PREFIX };
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Checks the URI form and the PNG header (signature, IHDR size) without decoding pixels. */
export function pngDataUriProblem(uri: string): string | undefined {
  if (!uri.startsWith(PNG_DATA_URI_PREFIX)) {
    return `expected a ${PNG_DATA_URI_PREFIX}... URI (file paths are inlined by inlineImageFiles before validation)`;
  }
  const base64 = uri.slice(PNG_DATA_URI_PREFIX.length);
  if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return 'invalid base64 data';
  const head = Buffer.from(base64.slice(0, 44), 'base64');
  if (head.length < 24 || PNG_SIGNATURE.some((byte, i) => head[i] !== byte)) return 'not a PNG image (bad signature)';
  if (head.toString('latin1', 12, 16) !== 'IHDR') return 'not a PNG image (no IHDR chunk)';
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  if (width === 0 || height === 0) return 'PNG image has no pixels';
  if (width > LIMITS.maxImageDimension || height > LIMITS.maxImageDimension || width * height > LIMITS.maxImagePixels) {
    return `PNG image is ${width}×${height}; the limit is ${LIMITS.maxImageDimension} per side and ${LIMITS.maxImagePixels} pixels`;
  }
  return undefined;
}

const imageBlock = z
  .strictObject({
    image: z
      .string()
      .max(LIMITS.maxImageDataUriBytes)
      .superRefine((value, ctx) => {
        const problem = pngDataUriProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({ description: 'A data:image/png;base64 URI (file paths are inlined at submit).' }),
    width: z.int().min(1).max(LIMITS.maxImageWidthDots).optional().meta({ description: 'Target width in dots.' }),
    dither: z.enum(['threshold', 'floyd-steinberg', 'atkinson']).optional(),
    threshold: z.int().min(0).max(255).optional().meta({ description: 'Luminance cut-off for threshold (default 128).' }),
    align: align.optional(),
  })
  .meta({ title: 'image' });

const cutBlock = z
  .strictObject({
    cut: z.union([z.literal(true), z.literal('full'), z.literal('partial')], { error: 'expected true, "full" or "partial"' }),
    feed: feedLines.optional().meta({ description: 'Lines to feed before cutting (default from the profile).' }),
  })
  .meta({ title: 'cut' });

const drawerBlock = z
  .strictObject({
    drawer: z.union([z.literal(true), z.literal(2), z.literal(5)], { error: 'expected true, 2 or 5' }),
    pulseMs: z.int().min(2).max(510).optional().meta({ description: 'Pulse on-time in ms (default 100).' }),
  })
  .meta({ title: 'drawer' });

const rawBlock = z
  .strictObject({
    raw: z
      .string()
      .max(LIMITS.maxRawBytes * 3)
      .superRefine((value, ctx) => {
        const hex = value.replace(/\s+/g, '');
        if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
          ctx.addIssue({ code: 'custom', message: 'expected hex bytes such as "1b 40" or "1b40"' });
        } else if (hex.length / 2 > LIMITS.maxRawBytes) {
          ctx.addIssue({ code: 'custom', message: `more than ${LIMITS.maxRawBytes} bytes` });
        }
      })
      .meta({ description: 'UNSAFE: hex bytes sent as they are.' }),
    unsafe: z.literal(true, { error: 'raw blocks require "unsafe": true' }),
  })
  .meta({ title: 'raw' });

/** One schema per block kind, keyed by the property that names the kind. */
export const BLOCK_SCHEMAS = {
  text: textBlock,
  row: rowBlock,
  rule: ruleBlock,
  feed: feedBlock,
  barcode: barcodeBlock,
  qr: qrBlock,
  pdf417: pdf417Block,
  image: imageBlock,
  cut: cutBlock,
  drawer: drawerBlock,
  raw: rawBlock,
} as const;

export type BlockKind = keyof typeof BLOCK_SCHEMAS;
export const BLOCK_KINDS = Object.keys(BLOCK_SCHEMAS) as BlockKind[];

export const PlainLineSchema = printableText('A plain string prints as one line (like { "text": ... }).');

export const TransactionIdSchema = checkedString(LIMITS.maxTransactionIdLength, {}, "The payment's unique id.").min(1);
export const PrinterNameSchema = checkedString(LIMITS.maxPrinterNameLength, {}, 'Logical printer name (default "default").').min(1);

export const BlockSchema = z.union([PlainLineSchema, ...Object.values(BLOCK_SCHEMAS)]);

export const ReceiptDocumentSchema = z
  .strictObject({
    transactionId: TransactionIdSchema,
    printer: PrinterNameSchema.optional(),
    content: z.array(BlockSchema).max(LIMITS.maxContentBlocks),
  })
  .meta({
    title: 'receipt-spool receipt document',
    description:
      'What to print for one transaction. Generated from src/document/schema.ts. `submit` accepts every document valid under this schema: ' +
      'what the schema cannot express (control characters, barcode check digits, QR capacity, PNG data, card numbers) is degraded by the ' +
      'spool with a warning, and reported as an error by strict validation (validateReceipt, checkReceipt, submit --strict, preview).',
  });

// The schema's output must be a ReceiptDocument: a compile error here means types.ts and the schema drifted.
type Assignable<T extends ReceiptDocument> = T;
export type ParsedReceiptDocument = Assignable<z.output<typeof ReceiptDocumentSchema>>;
