/**
 * One content block read leniently: a block strict validation accepts comes back as it is;
 * otherwise unknown keys and bad options go (their defaults apply), and the block's own value
 * is repaired or the block is printed another way (a barcode as text, a QR at a lower level)
 * or left out, with one warning per problem at the path strict validation would name.
 */
import type { z } from 'zod';
import { LIMITS, QR_CAPACITY } from './limits.js';
import { qrCapacityProblem } from './qr-rules.js';
import { BLOCK_SCHEMAS, PlainLineSchema, type BlockKind } from './schema.js';
import { replaceBadCharacters, truncateText, utf8Length, type TextRuleOptions } from './text-rules.js';
import type { Block, TextBlock } from './types.js';
import { blockKindOf, displayableKey, formatPath, isPlainObject, translate, type PathSegment } from './validate.js';
import type { DocumentWarning, DocumentWarningCode } from './warnings.js';

type Raw = Record<string, unknown>;

/** Where a block is and where its warnings go. */
interface Site {
  /** `content[i]` as segments, for translating zod issues. */
  base: PathSegment[];
  path: string;
  root: unknown;
  warnings: DocumentWarning[];
}

/** The keys that make a block what it is; every other key is an option with a default. */
const MAIN_KEYS: Partial<Record<BlockKind, readonly string[]>> = { barcode: ['barcode', 'symbology'], raw: ['raw', 'unsafe'] };
const LINE_RULES: TextRuleOptions = { newline: true, tab: true };
const CELL_RULES: TextRuleOptions = { tab: true };
const SYMBOL_RULES: TextRuleOptions = { newline: true, tab: true, carriageReturn: true };
const QR_LEVELS = ['H', 'Q', 'M', 'L'] as const;

function warn(site: Site, code: DocumentWarningCode, path: string, message: string): void {
  site.warnings.push({ code, path, message });
}

/** Numbers and booleans read as their text; anything else has no readable form. */
function readable(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `value` with bad characters replaced and cut to `max`, warning for each change. */
export function repairString(value: string, path: string, rules: TextRuleOptions, max: number, warnings: DocumentWarning[]): string {
  const { text, replaced } = replaceBadCharacters(value, rules);
  if (replaced > 0) {
    const what = replaced === 1 ? 'a control character or invalid UTF-16' : `${replaced} control characters or invalid UTF-16`;
    warnings.push({ code: 'CHARACTERS_REPLACED', path, message: `${what} replaced by ?` });
  }
  const cut = truncateText(text, max);
  if (cut.truncated) warnings.push({ code: 'TEXT_TRUNCATED', path, message: `longer than ${max} characters: cut, ending in …` });
  return cut.text;
}

/** Text for a block that prints as text instead, without warnings of its own (the block's warning says why). */
function quietText(value: string, rules: TextRuleOptions = LINE_RULES): string {
  return truncateText(replaceBadCharacters(value, rules).text, LIMITS.maxTextLength).text;
}

function asText(text: string, align: unknown): TextBlock {
  return align === 'left' || align === 'center' || align === 'right' ? { text, align } : { text };
}

/** The first issue of a failed parse, as strict validation words it. */
function firstIssue(error: z.ZodError, site: Site): { path: string; message: string } {
  return translate(error.issues, site.base, site.root)[0] ?? { path: site.path, message: 'invalid value' };
}

type MainRepair = (block: Raw, site: Site, issue: { path: string; message: string }) => Block | undefined;

const drop =
  (code: DocumentWarningCode): MainRepair =>
  (_block, site, issue) => {
    warn(site, code, issue.path, `${issue.message}: left out`);
    return undefined;
  };

const MAIN_REPAIRS: Record<BlockKind, MainRepair> = {
  text(block, site, issue) {
    const value = readable(block['text']);
    if (value === undefined) return drop('BLOCK_DROPPED')(block, site, issue);
    if (typeof block['text'] !== 'string') warn(site, 'BLOCK_CHANGED', issue.path, `${issue.message}: printed as text`);
    return { ...block, text: repairString(value, `${site.path}.text`, LINE_RULES, LIMITS.maxTextLength, site.warnings) } as TextBlock;
  },
  row(block, site, issue) {
    const row = block['row'];
    if (!Array.isArray(row)) {
      const value = readable(row);
      if (value === undefined) return drop('BLOCK_DROPPED')(block, site, issue);
      warn(site, 'BLOCK_CHANGED', issue.path, `${issue.message}: printed as a line of text`);
      return { text: quietText(value, CELL_RULES) };
    }
    const cells = row.map((cell, i) => repairString(readable(cell) ?? '', `${site.path}.row[${i}]`, CELL_RULES, LIMITS.maxTextLength, site.warnings));
    if (row.length >= 2 && row.length <= 3 && row.every((cell) => typeof cell === 'string')) return { ...block, row: cells } as Block;
    if (cells.length === 0) return drop('BLOCK_DROPPED')(block, site, issue);
    warn(site, 'BLOCK_CHANGED', issue.path, `${issue.message}: printed as ${cells.length === 1 ? 'text' : 'label, middle columns joined, value'}`);
    if (cells.length === 1) return { text: cells[0]! };
    const middle = cells.length > 3 ? [quietText(cells.slice(1, -1).join(' '), CELL_RULES)] : [];
    return { ...block, row: [cells[0]!, ...middle, cells[cells.length - 1]!] } as Block;
  },
  rule(block, site, issue) {
    warn(site, 'OPTION_IGNORED', issue.path, `${issue.message}: drawn with -`);
    return { rule: true };
  },
  feed(block, site, issue) {
    const lines = block['feed'];
    if (typeof lines !== 'number' || !Number.isFinite(lines)) return drop('BLOCK_DROPPED')(block, site, issue);
    const feed = Math.min(LIMITS.maxFeedLines, Math.max(0, Math.round(lines)));
    warn(site, 'OPTION_IGNORED', issue.path, `${issue.message}: fed ${feed} lines`);
    return { feed };
  },
  barcode(block, site, issue) {
    const data = readable(block['barcode']);
    if (data === undefined || data === '') return drop('BLOCK_DROPPED')(block, site, issue);
    warn(site, 'BARCODE_AS_TEXT', issue.path, `${issue.message}: printed as text`);
    return asText(quietText(data, {}), block['align'] ?? 'center');
  },
  qr(block, site, issue) {
    const value = readable(block['qr']);
    if (value === undefined || value === '') return drop('BLOCK_DROPPED')(block, site, issue);
    if (typeof block['qr'] !== 'string') warn(site, 'BLOCK_CHANGED', issue.path, `${issue.message}: encoded as its text`);
    const data = repairString(value, `${site.path}.qr`, SYMBOL_RULES, Number.MAX_SAFE_INTEGER, site.warnings);
    const requested = (block['errorCorrection'] as keyof typeof QR_CAPACITY | undefined) ?? 'L';
    if (!qrCapacityProblem(data, requested)) return { ...block, qr: data } as Block;
    for (const level of QR_LEVELS.slice(QR_LEVELS.indexOf(requested) + 1)) {
      if (qrCapacityProblem(data, level)) continue;
      warn(site, 'QR_ERROR_CORRECTION_LOWERED', `${site.path}.qr`, `${qrCapacityProblem(data, requested)}: printed at level ${level}`);
      return { ...block, qr: data, errorCorrection: level } as Block;
    }
    warn(site, 'QR_AS_TEXT', `${site.path}.qr`, `${qrCapacityProblem(data, 'L') ?? issue.message}: printed as text`);
    return asText(quietText(data), block['align'] ?? 'center');
  },
  pdf417(block, site, issue) {
    const value = readable(block['pdf417']);
    if (value === undefined || value === '') return drop('BLOCK_DROPPED')(block, site, issue);
    if (typeof block['pdf417'] !== 'string') warn(site, 'BLOCK_CHANGED', issue.path, `${issue.message}: encoded as its text`);
    const data = repairString(value, `${site.path}.pdf417`, SYMBOL_RULES, Number.MAX_SAFE_INTEGER, site.warnings);
    if (utf8Length(data) <= LIMITS.maxPdf417DataBytes) return { ...block, pdf417: data } as Block;
    warn(site, 'BARCODE_AS_TEXT', `${site.path}.pdf417`, `longer than ${LIMITS.maxPdf417DataBytes} UTF-8 bytes: printed as text`);
    return asText(quietText(data), block['align'] ?? 'center');
  },
  image: drop('IMAGE_DROPPED'),
  cut(block, site, issue) {
    warn(site, 'OPTION_IGNORED', issue.path, `${issue.message}: cut as the printer prefers`);
    return { ...block, cut: true } as Block;
  },
  // Never guess which drawer to open or which bytes to send.
  drawer: drop('BLOCK_DROPPED'),
  raw: drop('BLOCK_DROPPED'),
};

/** Strict parse of one block; the parsed block, or the zod error. */
function parse(kind: BlockKind, block: Raw): { ok: true; block: Block } | { ok: false; error: z.ZodError } {
  const result = BLOCK_SCHEMAS[kind].safeParse(block);
  return result.success ? { ok: true, block: result.data as Block } : { ok: false, error: result.error };
}

/** Removes unknown keys and bad options (one warning each); returns the block without them. */
function withoutBadOptions(kind: BlockKind, block: Raw, error: z.ZodError, site: Site): Raw {
  const fixed = { ...block };
  const main = MAIN_KEYS[kind] ?? [kind];
  const warned = new Set<string>();
  for (const issue of error.issues) {
    const translated = translate([issue], site.base, site.root, Object.keys(BLOCK_SCHEMAS[kind].shape));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) delete fixed[key];
      for (const each of translated) warn(site, 'KEY_IGNORED', each.path, `${each.message.replace(/; allowed: .*/, '')}: ignored`);
      continue;
    }
    const key = issue.path[0];
    if (typeof key !== 'string' || main.includes(key) || warned.has(key)) continue;
    warned.add(key);
    delete fixed[key];
    const first = translated[0] ?? { path: formatPath([...site.base, key]), message: 'invalid value' };
    warn(site, 'OPTION_IGNORED', formatPath([...site.base, key]), `${first.message}: ignored, the default applies`);
  }
  return fixed;
}

function repairKnown(kind: BlockKind, block: Raw, site: Site): Block | undefined {
  const first = parse(kind, block);
  if (first.ok) return first.block;
  const fixed = withoutBadOptions(kind, block, first.error, site);
  const second = parse(kind, fixed);
  if (second.ok) return second.block;
  return MAIN_REPAIRS[kind](fixed, site, firstIssue(second.error, site));
}

/** True when strict validation accepts `block`: what the lenient reading stores must be. */
function printable(block: Block): boolean {
  if (typeof block === 'string') return PlainLineSchema.safeParse(block).success;
  const [kind] = blockKindOf(block as unknown as Raw);
  return kind !== undefined && BLOCK_SCHEMAS[kind].safeParse(block).success;
}

/** `content[index]` read leniently: a block that prints, or undefined when it was left out (warned). */
export function repairBlock(raw: unknown, index: number, root: unknown, warnings: DocumentWarning[]): Block | undefined {
  const site: Site = { base: ['content', index], path: `content[${index}]`, root, warnings };
  if (typeof raw === 'string') return repairString(raw, site.path, LINE_RULES, LIMITS.maxTextLength, warnings);
  if (typeof raw === 'number' || typeof raw === 'boolean') {
    warn(site, 'BLOCK_CHANGED', site.path, 'expected a string or a block object: printed as text');
    return String(raw);
  }
  if (!isPlainObject(raw)) {
    warn(site, 'BLOCK_DROPPED', site.path, 'expected a string or a block object: left out');
    return undefined;
  }
  const kinds = blockKindOf(raw);
  const [kind, ...others] = kinds;
  if (kind === undefined) {
    const keys = Object.keys(raw);
    const named = keys.length === 1 && displayableKey(keys[0]!) ? ` "${keys[0]}"` : '';
    warn(site, 'BLOCK_DROPPED', site.path, `unknown block${named}: left out`);
    return undefined;
  }
  let block: Raw = raw;
  if (others.length > 0) {
    block = Object.fromEntries(Object.entries(raw).filter(([key]) => !others.includes(key as BlockKind)));
    warn(site, 'KEY_IGNORED', site.path, `a block has exactly one kind; this one has ${kinds.join(' and ')}: printed as ${kind}`);
  }
  const repaired = repairKnown(kind, block, site);
  if (repaired === undefined || printable(repaired)) return repaired;
  warn(site, 'BLOCK_DROPPED', site.path, 'could not be repaired: left out');
  return undefined;
}
