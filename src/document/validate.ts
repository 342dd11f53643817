/**
 * The strict reading, for development and CI (the spool reads leniently: lenient.ts).
 * `validateReceipt`: unknown input → a `ReceiptDocument`, or an `InvalidDocumentError` whose
 * issues name the JSON path and the reason (`content[3].qr: expected string`). Blocks are
 * dispatched by their kind key before zod runs, so a bad block gets that kind's errors rather
 * than a union's "no option matched". Messages never echo input values (they may be card data).
 */
import { z } from 'zod';
import { CardDataError, InvalidDocumentError, type ValidationIssue } from '../errors.js';
import { describeCardData, findCardNumbers, type CardDataKind } from './card-data.js';
import { LIMITS } from './limits.js';
import { BLOCK_KINDS, BLOCK_SCHEMAS, PlainLineSchema, PrinterNameSchema, TransactionIdSchema, type BlockKind } from './schema.js';
import type { Block, ReceiptDocument } from './types.js';

export interface ValidateOptions {
  /**
   * Accept full card numbers (PANs) in text. Only for integrators whose receipts legitimately
   * carry them (e.g. a secured merchant copy); track data and CVVs are rejected regardless.
   */
  allowCardNumbers?: boolean;
}

export type CheckResult = { ok: true; document: ReceiptDocument } | { ok: false; issues: ValidationIssue[]; error: InvalidDocumentError };

export type PathSegment = string | number;

const EnvelopeSchema = z.strictObject({
  transactionId: TransactionIdSchema,
  printer: PrinterNameSchema.optional(),
  content: z.array(z.unknown()),
});

const KIND_LIST = BLOCK_KINDS.join(', ');
const SAFE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/;

/** A key from the input may be shown only if it cannot leak data (e.g. a card number used as a key). */
export function displayableKey(key: string): boolean {
  return SAFE_KEY.test(key) && findCardNumbers(key).length === 0;
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasOwn(value: unknown, key: PathSegment): boolean {
  return (isPlainObject(value) || Array.isArray(value)) && Object.prototype.hasOwnProperty.call(value, key);
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (!hasOwn(node, segment)) return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

/** True when the value at `path` is an absent key of an existing object (a required field left out). */
function isMissing(root: unknown, path: readonly PathSegment[]): boolean {
  const last = path[path.length - 1];
  return last !== undefined && !hasOwn(valueAt(root, path.slice(0, -1)), last);
}

function typeName(expected: string): string {
  return expected === 'int' ? 'integer' : expected;
}

function sizeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, big: boolean): string {
  const bound = Number(big ? (issue as z.core.$ZodIssueTooBig).maximum : (issue as z.core.$ZodIssueTooSmall).minimum);
  switch (issue.origin) {
    case 'string':
      if (!big && bound === 1) return 'must not be empty';
      return big ? `longer than ${bound} characters` : `shorter than ${bound} characters`;
    case 'array':
      return big ? `more than ${bound} items` : `fewer than ${bound} items`;
    default:
      return big ? `must be at most ${bound}` : `must be at least ${bound}`;
  }
}

/** Translate zod issues (paths relative to `base`) into our `{path, message}` form. */
export function translate(issues: readonly z.core.$ZodIssue[], base: readonly PathSegment[], root: unknown, allowedKeys?: readonly string[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    switch (issue.code) {
      case 'invalid_type': {
        const missing = isMissing(root, path);
        const expected = typeName(issue.expected);
        const actual = valueAt(root, path);
        if (missing) out.push({ path: formatPath(path), message: `required: expected ${expected}` });
        else if (typeof actual === 'number' && !Number.isFinite(actual)) {
          out.push({ path: formatPath(path), message: `expected ${expected}, got ${String(actual)}` });
        } else out.push({ path: formatPath(path), message: `expected ${expected}` });
        break;
      }
      case 'too_big':
      case 'too_small':
        out.push({ path: formatPath(path), message: sizeMessage(issue, issue.code === 'too_big') });
        break;
      case 'invalid_value': {
        const custom = !issue.message.startsWith('Invalid');
        const message = custom ? issue.message : `expected ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
        out.push({ path: formatPath(path), message: isMissing(root, path) ? `required: ${message}` : message });
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = allowedKeys ? `; allowed: ${allowedKeys.join(', ')}` : '';
          if (displayableKey(key)) out.push({ path: formatPath([...path, key]), message: `unknown key "${key}"${allowed}` });
          else out.push({ path: formatPath(path), message: `unknown key (name not shown)${allowed}` });
        }
        break;
      case 'invalid_union': {
        // The option whose root type matched explains the error best ({width: 99} for a size).
        const matched = issue.errors.filter((option) => option.length > 0 && option.every((i) => i.path.length > 0));
        matched.sort((a, b) => a.length - b.length);
        const best = matched[0];
        if (best) out.push(...translate(best, path, root));
        else out.push({ path: formatPath(path), message: issue.message === 'Invalid input' ? 'invalid value' : issue.message });
        break;
      }
      case 'custom':
        out.push({ path: formatPath(path), message: issue.message });
        break;
      default:
        out.push({ path: formatPath(path), message: 'invalid value' });
    }
  }
  return out;
}

export function blockKindOf(block: Record<string, unknown>): BlockKind[] {
  const kinds = BLOCK_KINDS.filter((kind) => Object.prototype.hasOwnProperty.call(block, kind));
  // `feed` is also the cut block's option: {cut, feed} is a cut.
  return kinds.includes('cut') ? kinds.filter((kind) => kind !== 'feed') : kinds;
}

function checkBlock(block: unknown, index: number, root: unknown, issues: ValidationIssue[]): Block | undefined {
  const base: PathSegment[] = ['content', index];
  if (typeof block === 'string') {
    const result = PlainLineSchema.safeParse(block);
    if (result.success) return result.data;
    issues.push(...translate(result.error.issues, base, root));
    return undefined;
  }
  if (!isPlainObject(block)) {
    issues.push({ path: formatPath(base), message: `expected a string or a block object (one of ${KIND_LIST})` });
    return undefined;
  }
  const kinds = blockKindOf(block);
  const [kind] = kinds;
  if (kind === undefined) {
    const keys = Object.keys(block);
    const named = keys.length === 1 && displayableKey(keys[0]!) ? ` "${keys[0]}"` : '';
    issues.push({ path: formatPath(base), message: `unknown block${named}; expected one of ${KIND_LIST}` });
    return undefined;
  }
  if (kinds.length > 1) {
    issues.push({ path: formatPath(base), message: `a block has exactly one kind; this one has ${kinds.join(' and ')}` });
    return undefined;
  }
  const schema = BLOCK_SCHEMAS[kind];
  const result = schema.safeParse(block);
  if (result.success) return result.data as Block;
  issues.push(...translate(result.error.issues, base, root, Object.keys(schema.shape)));
  return undefined;
}

const PRODUCT_CODES = new Set(['ean13', 'ean8', 'upca']);

/** Every printable string of a valid document with its path, for the card-data scan. */
function* printedStrings(document: ReceiptDocument): Generator<[string, string]> {
  yield ['transactionId', document.transactionId];
  if (document.printer !== undefined) yield ['printer', document.printer];
  for (const [index, block] of document.content.entries()) {
    const base = `content[${index}]`;
    if (typeof block === 'string') yield [base, block];
    else if ('text' in block) yield [`${base}.text`, block.text];
    else if ('row' in block) for (const [column, cell] of block.row.entries()) yield [`${base}.row[${column}]`, cell];
    else if ('qr' in block) yield [`${base}.qr`, block.qr];
    else if ('pdf417' in block) yield [`${base}.pdf417`, block.pdf417];
    // EAN/UPC data are product numbers of fixed length whose check digit is not Luhn's.
    else if ('barcode' in block && !PRODUCT_CODES.has(block.symbology)) yield [`${base}.barcode`, block.barcode];
  }
}

function cardDataIssues(document: ReceiptDocument, options: ValidateOptions): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [path, text] of printedStrings(document)) {
    const kinds = new Set<CardDataKind>();
    for (const match of findCardNumbers(text)) {
      if (match.kind === 'pan' && options.allowCardNumbers) continue;
      kinds.add(match.kind);
    }
    for (const kind of kinds) issues.push({ path, message: describeCardData(kind) });
  }
  return issues;
}

function fail(issues: ValidationIssue[], cardData = false): CheckResult {
  const error = cardData ? new CardDataError(issues) : new InvalidDocumentError(issues);
  return { ok: false, issues, error };
}

function check(input: unknown, options: ValidateOptions): CheckResult {
  if (!isPlainObject(input)) return fail([{ path: '', message: 'expected a receipt document object' }]);
  const envelope = EnvelopeSchema.safeParse(input);
  const issues: ValidationIssue[] = [];
  if (!envelope.success) issues.push(...translate(envelope.error.issues, [], input, Object.keys(EnvelopeSchema.shape)));
  const content = input['content'];
  if (Array.isArray(content) && content.length > LIMITS.maxContentBlocks) {
    issues.push({ path: 'content', message: `more than ${LIMITS.maxContentBlocks} blocks` });
    return fail(issues);
  }
  const blocks: Block[] = [];
  if (Array.isArray(content)) {
    for (const [index, block] of content.entries()) {
      const checked = checkBlock(block, index, input, issues);
      if (checked !== undefined) blocks.push(checked);
    }
  }
  if (issues.length > 0 || !envelope.success) return fail(issues);
  const document: ReceiptDocument = { transactionId: envelope.data.transactionId, content: blocks };
  if (envelope.data.printer !== undefined) document.printer = envelope.data.printer;
  const cardIssues = cardDataIssues(document, options);
  if (cardIssues.length > 0) return fail(cardIssues, true);
  return { ok: true, document };
}

/**
 * Check `input` without throwing: `{ ok: true, document }` (a fresh copy; later changes to
 * `input` do not affect it) or `{ ok: false, issues, error }`.
 */
export function checkReceipt(input: unknown, options: ValidateOptions = {}): CheckResult {
  try {
    return check(input, options);
  } catch {
    // Only exotic JavaScript values (throwing getters, proxies) get here; JSON input cannot.
    return fail([{ path: '', message: 'input could not be read as JSON data' }]);
  }
}

/**
 * Validate a receipt document (e.g. parsed JSON). Returns a fresh `ReceiptDocument`; throws
 * `InvalidDocumentError` listing every issue, or `CardDataError` (code `CARD_DATA`) when the
 * document is well-formed but contains card data.
 */
export function validateReceipt(input: unknown, options: ValidateOptions = {}): ReceiptDocument {
  const result = checkReceipt(input, options);
  if (!result.ok) throw result.error;
  return result.document;
}
