/**
 * The encoder: a receipt document and a printer profile in, ESC/POS bytes and warnings out.
 * Pure and deterministic (the reprint time is passed in). It never adds a cut the document did
 * not ask for, unless `ensureCut` is set.
 */
import type { Block, CutBlock, ReceiptDocument, TextBlock } from '../document/types.js';
import * as blocks from './blocks.js';
import * as fixed from './fixed.js';
import { renderImage } from './raster-block.js';
import { getProfile, type PrinterProfile } from './profiles.js';
import { BytesSink, CommandListSink, Warnings, type CommandSink, type EncodedCommand, type EncodeWarning } from './sink.js';
import { DEFAULT_STYLE, StyleTracker } from './style.js';
import { TextEncoder } from './text.js';
import { ByteWriter } from './writer.js';

/** A visible reprint mark, printed at the top and the bottom of the receipt. */
export interface ReprintMark {
  /** Default `*** REPRINT ***`, plus 重打印 on GB18030 printers. */
  text?: string;
  /** Copy number (2 for the first reprint). */
  copy: number;
  /** When this copy is printed, ISO 8601; passed in so encoding stays deterministic. */
  time: string;
}

export interface EncodeOptions {
  /** Start with ESC @ (default true). Without it the printer's state is unknown and every style is sent. */
  init?: boolean;
  mark?: ReprintMark;
  /** Append a cut when the document does not end with one (default false: never cut silently). */
  ensureCut?: boolean;
}

export interface EncodeResult {
  bytes: Uint8Array;
  warnings: EncodeWarning[];
}

export interface EncodeCommandsResult {
  commands: EncodedCommand[];
  warnings: EncodeWarning[];
}

/** Encodes `document` for `profile` (a profile or its name). Throws only for an unknown profile name. */
export function encode(document: ReceiptDocument, profile: PrinterProfile | string, options: EncodeOptions = {}): EncodeResult {
  // One buffer serves call after call (the result is a copy); a nested call gets its own.
  const writer = spareWriter?.reset() ?? new ByteWriter(4096);
  spareWriter = undefined;
  try {
    const warnings = render(document, resolveProfile(profile), options, new BytesSink(writer));
    return { bytes: writer.toBytes(), warnings };
  } finally {
    if (writer.capacity <= MAX_SPARE_BYTES) spareWriter = writer;
  }
}

/** Kept between calls up to this size, so a receipt with a large image does not pin its buffer. */
const MAX_SPARE_BYTES = 64 * 1024;
let spareWriter: ByteWriter | undefined;

/** The same output as a list of commands (`{ type: 'ESC t', payload }`, ...), for dry runs and hex dumps. */
export function encodeCommands(document: ReceiptDocument, profile: PrinterProfile | string, options: EncodeOptions = {}): EncodeCommandsResult {
  const sink = new CommandListSink();
  const warnings = render(document, resolveProfile(profile), options, sink);
  return { commands: sink.commands, warnings };
}

function resolveProfile(profile: PrinterProfile | string): PrinterProfile {
  return typeof profile === 'string' ? getProfile(profile) : profile;
}

/** The mark text used when none is given: bilingual only where the printer has Chinese. */
export function defaultMarkText(profile: PrinterProfile): string {
  return profile.gb18030 ? '*** REPRINT 重打印 ***' : '*** REPRINT ***';
}

function isCut(block: Block | undefined): block is CutBlock {
  return typeof block === 'object' && block !== null && 'cut' in block;
}

function render(document: ReceiptDocument, profile: PrinterProfile, options: EncodeOptions, sink: CommandSink): EncodeWarning[] {
  const warnings = new Warnings();
  const ctx: blocks.RenderContext = {
    profile,
    sink,
    text: new TextEncoder(profile),
    style: new StyleTracker(sink, profile.gb18030),
    warnings,
    want: { ...DEFAULT_STYLE },
  };
  if (options.init !== false) {
    sink.emit('ESC @', fixed.INITIALIZE);
    ctx.style.initialized();
  }
  ctx.text.selectDefaults(sink);

  const content: readonly Block[] = Array.isArray(document.content) ? document.content : [];
  const endsWithCut = isCut(content[content.length - 1]);
  const bodyLength = endsWithCut ? content.length - 1 : content.length;
  const finalCut: CutBlock | undefined = endsWithCut ? (content[content.length - 1] as CutBlock) : options.ensureCut ? { cut: true } : undefined;

  if (options.mark) renderMark(ctx, options.mark);
  for (let i = 0; i < bodyLength; i++) {
    const block = content[i];
    if (block !== undefined || i in content) renderBlock(ctx, block!, i); // holes are skipped, as forEach did
  }
  if (options.mark) {
    // A blank line first: the mark's black bar right under a QR code or barcode would eat its quiet zone (it did not scan).
    blocks.renderFeed(ctx, 1);
    renderMark(ctx, options.mark);
  }
  if (finalCut) blocks.renderCut(ctx, finalCut, endsWithCut ? `content[${content.length - 1}]` : 'options.ensureCut');
  return warnings.list;
}

function renderMark(ctx: blocks.RenderContext, mark: ReprintMark): void {
  const big: TextBlock = { text: mark.text ?? defaultMarkText(ctx.profile), align: 'center', size: 2, bold: true, inverse: true };
  blocks.renderText(ctx, big, 'options.mark.text');
  blocks.renderText(ctx, { text: `Copy ${mark.copy} · ${mark.time}`, align: 'center' }, 'options.mark');
}

/** `content[i]` and `content[i].text`, built once per index: every receipt would build them again. */
const contentPaths: string[] = [];
const textPaths: string[] = [];
const CACHED_PATHS = 1024;

function contentPath(index: number): string {
  if (index >= CACHED_PATHS) return `content[${index}]`;
  return (contentPaths[index] ??= `content[${index}]`);
}

function textPath(index: number): string {
  if (index >= CACHED_PATHS) return `content[${index}].text`;
  return (textPaths[index] ??= `content[${index}].text`);
}

function renderBlock(ctx: blocks.RenderContext, block: Block, index: number): void {
  if (typeof block === 'string') return blocks.renderText(ctx, { text: block }, contentPath(index));
  const path = contentPath(index);
  if (typeof block !== 'object' || block === null) {
    ctx.warnings.add({ code: 'UNSUPPORTED', path, message: 'not a block: skipped' });
    return;
  }
  if ('text' in block) return blocks.renderText(ctx, block, textPath(index));
  if ('row' in block) return blocks.renderRow(ctx, block, path);
  if ('rule' in block) return blocks.renderRule(ctx, block, path);
  if ('barcode' in block) return blocks.renderBarcode(ctx, block, path);
  if ('qr' in block) return blocks.renderQr(ctx, block, path);
  if ('pdf417' in block) return blocks.renderPdf417(ctx, block, path);
  if ('image' in block) return renderImage(ctx, block, path);
  if ('cut' in block) return blocks.renderCut(ctx, block, path);
  if ('feed' in block) return blocks.renderFeed(ctx, block.feed);
  if ('drawer' in block) return blocks.renderDrawer(ctx, block, path);
  if ('raw' in block) return blocks.renderRaw(ctx, block, path);
  ctx.warnings.add({ code: 'UNSUPPORTED', path, message: 'unknown block kind: skipped' });
}
