/**
 * The lenient reading of a receipt document, used by the spool: after a payment was authorised
 * a receipt is never refused for its content. Card numbers are masked, track data and CVVs
 * removed, and content problems degrade (see repair-blocks.ts), each with a warning naming its
 * JSON path. Refused is only what is not a receipt at all: not an object, no usable
 * `transactionId`, a bad `printer` name, no `content` array. `checkReceipt`/`validateReceipt`
 * are the strict reading for development: every warning here is an error there.
 */
import { InvalidDocumentError, type ValidationIssue } from '../errors.js';
import { barcodeProblem } from './barcode-rules.js';
import { maskCardData } from './card-data.js';
import { LIMITS } from './limits.js';
import { repairBlock } from './repair-blocks.js';
import { PrinterNameSchema, TransactionIdSchema } from './schema.js';
import { ELLIPSIS } from './text-rules.js';
import type { Block, ReceiptDocument } from './types.js';
import { displayableKey, formatPath, hasOwn, isPlainObject, translate } from './validate.js';
import type { DocumentWarning } from './warnings.js';

export interface LenientOptions {
  /** Keep full card numbers (not masked). Track data and CVVs are removed regardless. */
  allowCardNumbers?: boolean;
}

export type LenientResult = { ok: true; document: ReceiptDocument; warnings: DocumentWarning[] } | { ok: false; issues: ValidationIssue[]; error: InvalidDocumentError };

const ENVELOPE_KEYS = new Set(['transactionId', 'printer', 'content']);
const PRODUCT_CODES = new Set(['ean13', 'ean8', 'upca']);

function refuse(issues: ValidationIssue[]): LenientResult {
  return { ok: false, issues, error: new InvalidDocumentError(issues) };
}

function envelopeString(input: Record<string, unknown>, key: 'transactionId' | 'printer', issues: ValidationIssue[]): string | undefined {
  const schema = key === 'transactionId' ? TransactionIdSchema : PrinterNameSchema;
  const result = schema.safeParse(input[key]);
  if (result.success) return result.data;
  issues.push(...translate(result.error.issues, [key], input));
  return undefined;
}

/** Masks card data in one printed string, warning at `path`. */
function masked(text: string, path: string, options: LenientOptions, warnings: DocumentWarning[]): string {
  const result = maskCardData(text, options);
  if (result.masked > 0) {
    const what = result.masked === 1 ? 'a full card number' : `${result.masked} full card numbers`;
    warnings.push({ code: 'CARD_NUMBER_MASKED', path, message: `${what} masked to the first 6 and last 4 digits` });
  }
  if (result.removed > 0) warnings.push({ code: 'CARD_DATA_REMOVED', path, message: 'card track data or verification value removed' });
  return result.text;
}

/** The block with card data masked in every printed string; a barcode that can no longer carry its data prints as text. */
function maskBlock(block: Block, path: string, options: LenientOptions, warnings: DocumentWarning[]): Block {
  if (typeof block === 'string') return masked(block, path, options, warnings);
  if ('text' in block) return { ...block, text: masked(block.text, `${path}.text`, options, warnings) };
  if ('row' in block) return { ...block, row: block.row.map((cell, i) => masked(cell, `${path}.row[${i}]`, options, warnings)) as typeof block.row };
  if ('qr' in block) return { ...block, qr: masked(block.qr, `${path}.qr`, options, warnings) };
  if ('pdf417' in block) return { ...block, pdf417: masked(block.pdf417, `${path}.pdf417`, options, warnings) };
  // EAN/UPC data are product numbers of fixed length, and no card brand issues 8, 12 or 13 digits with their prefixes.
  if ('barcode' in block && !PRODUCT_CODES.has(block.symbology)) {
    const data = masked(block.barcode, `${path}.barcode`, options, warnings);
    if (data === block.barcode) return block;
    const problem = barcodeProblem(block.symbology, data);
    if (problem === undefined) return { ...block, barcode: data };
    warnings.push({ code: 'BARCODE_AS_TEXT', path: `${path}.barcode`, message: `${problem} once masked: printed as text` });
    return block.align ? { text: data, align: block.align } : { text: data, align: 'center' };
  }
  return block;
}

function read(input: unknown, options: LenientOptions): LenientResult {
  if (!isPlainObject(input)) return refuse([{ path: '', message: 'expected a receipt document object' }]);
  const issues: ValidationIssue[] = [];
  const transactionId = envelopeString(input, 'transactionId', issues);
  const printer = hasOwn(input, 'printer') ? envelopeString(input, 'printer', issues) : undefined;
  const content = input['content'];
  if (!Array.isArray(content)) issues.push({ path: 'content', message: hasOwn(input, 'content') ? 'expected array' : 'required: expected array' });
  if (transactionId === undefined || !Array.isArray(content) || issues.length > 0) return refuse(issues);

  const warnings: DocumentWarning[] = [];
  for (const key of Object.keys(input)) {
    if (ENVELOPE_KEYS.has(key)) continue;
    const named = displayableKey(key);
    warnings.push({ code: 'KEY_IGNORED', path: named ? formatPath([key]) : '', message: `unknown key${named ? ` "${key}"` : ' (name not shown)'}: ignored` });
  }
  const overLimit = content.length > LIMITS.maxContentBlocks;
  const kept = overLimit ? content.slice(0, LIMITS.maxContentBlocks - 1) : content;
  if (overLimit) {
    warnings.push({ code: 'CONTENT_TRUNCATED', path: 'content', message: `more than ${LIMITS.maxContentBlocks} blocks: the rest left out, ending in …` });
  }
  const blocks: Block[] = [];
  for (let index = 0; index < kept.length; index++) {
    const block = repairBlock(kept[index], index, input, warnings);
    if (block !== undefined) blocks.push(maskBlock(block, `content[${index}]`, options, warnings));
  }
  if (overLimit) blocks.push(ELLIPSIS);

  const document: ReceiptDocument = { transactionId: masked(transactionId, 'transactionId', options, warnings), content: blocks };
  if (printer !== undefined) document.printer = masked(printer, 'printer', options, warnings);
  // Exactly what the store will hand back (e.g. -0 becomes 0), so the submit result and a later read agree.
  return { ok: true, document: JSON.parse(JSON.stringify(document)) as ReceiptDocument, warnings };
}

/**
 * Reads `input` as the spool does: `{ ok: true, document, warnings }` for anything that is a
 * receipt (a fresh document strict validation accepts, card data masked), else
 * `{ ok: false, issues, error }` naming the top-level reason.
 */
export function readReceiptLeniently(input: unknown, options: LenientOptions = {}): LenientResult {
  try {
    return read(input, options);
  } catch {
    // Only exotic JavaScript values (throwing getters, proxies) get here; JSON input cannot.
    return refuse([{ path: '', message: 'input could not be read as JSON data' }]);
  }
}
