/** Renders each kind of document block into commands. */
import type { BarcodeBlock, CutBlock, DrawerBlock, Pdf417Block, QrBlock, RawBlock, RowBlock, RuleBlock, TextBlock } from '../document/types.js';
import { qrCapacityProblem } from '../document/qr-rules.js';
import { barcodeBytes } from './barcode.js';
import * as cmd from './commands.js';
import * as fixed from './fixed.js';
import { layoutRow, wrap } from './layout.js';
import type { PrinterProfile } from './profiles.js';
import type { CommandSink, Warnings } from './sink.js';
import { DEFAULT_STYLE, resolveStyleInto, type PrintStyle, type StyleTracker } from './style.js';
import { PRINTABLE_ASCII, type TextEncoder } from './text.js';
import { charWidth, displayWidth } from './width.js';

export interface RenderContext {
  profile: PrinterProfile;
  sink: CommandSink;
  text: TextEncoder;
  style: StyleTracker;
  warnings: Warnings;
  /** Scratch style, overwritten by every text/row block (no object per block). */
  want: PrintStyle;
}

const utf8 = new globalThis.TextEncoder();

/** Columns per line for a style: the font's columns divided by the width magnification. */
export function columnsFor(profile: PrinterProfile, style: PrintStyle): number {
  return Math.max(1, Math.floor(profile.columns[style.font] / style.width));
}

function printLine(ctx: RenderContext, line: string): void {
  ctx.text.write(line, ctx.sink);
  ctx.sink.emit('LF', fixed.LF);
}

export function renderText(ctx: RenderContext, block: TextBlock, path: string): void {
  const style = resolveStyleInto(ctx.want, block, block.align ?? 'left');
  const raw = String(block.text);
  const columns = columnsFor(ctx.profile, style);
  if (PRINTABLE_ASCII.test(raw) && raw.length <= columns) {
    // One ASCII line that fits: what sanitize, wrap and write would give, without the three scans.
    ctx.style.apply(style);
    ctx.sink.text(raw.trimEnd());
    ctx.sink.emit('LF', fixed.LF);
    return;
  }
  const text = ctx.text.sanitize(raw, path, ctx.warnings);
  ctx.style.apply(style);
  if (!text.includes('\n')) {
    for (const line of wrap(text, columns)) printLine(ctx, line);
    return;
  }
  for (const paragraph of text.split('\n')) {
    for (const line of wrap(paragraph, columns)) printLine(ctx, line);
  }
}

export function renderRow(ctx: RenderContext, block: RowBlock, path: string): void {
  const style = resolveStyleInto(ctx.want, block, 'left');
  const cells: string[] = [];
  let ascii = true;
  for (let i = 0; i < block.row.length; i++) {
    const text = String(block.row[i]);
    if (PRINTABLE_ASCII.test(text)) cells.push(text);
    else {
      ascii = false;
      cells.push(ctx.text.sanitize(text, `${path}.row[${i}]`, ctx.warnings, false));
    }
  }
  ctx.style.apply(style);
  const columns = columnsFor(ctx.profile, style);
  if (cells.length === 2 && printPair(ctx, cells[0]!, cells[1]!, columns, ascii)) return;
  for (const line of layoutRow(cells, columns)) printLine(ctx, line);
}

/**
 * The common row, a label that fits and one value, written in pieces: the same bytes as
 * layoutRow's line without building it (text runs continue across writes until the LF).
 * False when the row needs the general layout.
 */
function printPair(ctx: RenderContext, label: string, value: string, columns: number, ascii: boolean): boolean {
  const labelWidth = columns - (ascii ? value.length : displayWidth(value)) - 1;
  if (labelWidth < 4 || (ascii ? label.length : displayWidth(label)) > labelWidth) return false;
  const trimmed = label.trimEnd();
  if (ascii) ctx.sink.text(trimmed);
  else ctx.text.write(trimmed, ctx.sink);
  ctx.sink.textRepeat(0x20, labelWidth - (ascii ? trimmed.length : displayWidth(trimmed)) + 1);
  if (ascii) ctx.sink.text(value);
  else ctx.text.write(value, ctx.sink);
  ctx.sink.emit('LF', fixed.LF);
  return true;
}

export function renderRule(ctx: RenderContext, block: RuleBlock, path: string): void {
  const wanted = typeof block.rule === 'object' && block.rule.char ? block.rule.char : '-';
  const count = columnsFor(ctx.profile, DEFAULT_STYLE);
  ctx.style.apply(DEFAULT_STYLE);
  // Only all-ASCII: sanitize() warns about every character of `char`, not just the first.
  if (PRINTABLE_ASCII.test(wanted) && wanted.length > 0) {
    ctx.sink.textRepeat(wanted.charCodeAt(0), count);
    ctx.sink.emit('LF', fixed.LF);
    return;
  }
  const char = [...ctx.text.sanitize(wanted, `${path}.rule.char`, ctx.warnings, false)][0] ?? '-';
  const width = Math.max(1, charWidth(char.codePointAt(0)!));
  printLine(ctx, char.repeat(Math.floor(count / width)));
}

export function renderFeed(ctx: RenderContext, lines: number): void {
  const n = Math.min(255, Math.max(0, Math.floor(lines)));
  if (n > 0) ctx.sink.emit('ESC d', fixed.feedLines(n));
}

export function renderBarcode(ctx: RenderContext, block: BarcodeBlock, path: string): void {
  let encoded: ReturnType<typeof barcodeBytes>;
  try {
    encoded = barcodeBytes(block.symbology, String(block.barcode));
  } catch (error) {
    ctx.warnings.add({ code: 'UNSUPPORTED', path, message: `barcode skipped: ${(error as Error).message}` });
    return;
  }
  if (!encoded || encoded.data.length > 255) {
    ctx.warnings.add({ code: 'BARCODE_TOO_LONG', path, message: 'barcode skipped: data does not fit GS k (255 bytes, ASCII only)' });
    return;
  }
  ctx.style.align(block.align ?? 'center');
  ctx.style.barcodeSettings({
    hri: block.hri ?? 'below',
    height: clamp(block.height ?? 80, 1, 255),
    width: clamp(block.width ?? 2, 2, 6),
  });
  ctx.sink.emit('GS k', cmd.barcode(encoded.m, encoded.data));
}

/** UTF-8 bytes; ASCII without a call into the native encoder (most QR data is a URL). */
function utf8Bytes(text: string): Uint8Array {
  if (!ASCII.test(text)) return utf8.encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
const ASCII = /^[\x00-\x7f]*$/;

export function renderQr(ctx: RenderContext, block: QrBlock, path: string): void {
  const data = utf8Bytes(String(block.qr));
  if (!ctx.profile.qr) return unsupported(ctx, path, 'QR codes');
  if (data.length < 1 || data.length > 7089) {
    ctx.warnings.add({ code: 'QR_TOO_LONG', path, message: `QR skipped: ${data.length} bytes (1–7089 fit GS ( k)` });
    return;
  }
  ctx.style.align(block.align ?? 'center');
  ctx.sink.emit('GS ( k QR model', fixed.QR_MODEL_2);
  ctx.sink.emit('GS ( k QR size', fixed.qrModuleSize(clamp(block.size ?? 6, 1, 16)));
  ctx.sink.emit('GS ( k QR error correction', fixed.qrErrorCorrection(block.errorCorrection ?? defaultQrLevel(String(block.qr))));
  ctx.sink.emit('GS ( k QR store', cmd.qrStore(data));
  ctx.sink.emit('GS ( k QR print', fixed.QR_PRINT);
}

/** Level M when the data fits it, else L: validation promises that data within level L's capacity prints. */
function defaultQrLevel(data: string): 'M' | 'L' {
  return qrCapacityProblem(data, 'M') === undefined ? 'M' : 'L';
}

export function renderPdf417(ctx: RenderContext, block: Pdf417Block, path: string): void {
  const data = utf8.encode(String(block.pdf417));
  if (!ctx.profile.pdf417) return unsupported(ctx, path, 'PDF417');
  if (data.length < 1 || data.length > 65532) {
    ctx.warnings.add({ code: 'BARCODE_TOO_LONG', path, message: `PDF417 skipped: ${data.length} bytes` });
    return;
  }
  ctx.style.align(block.align ?? 'center');
  ctx.sink.emit('GS ( k PDF417 columns', cmd.pdf417Columns(0));
  ctx.sink.emit('GS ( k PDF417 rows', cmd.pdf417Rows(0));
  ctx.sink.emit('GS ( k PDF417 module width', cmd.pdf417ModuleWidth(clamp(block.width ?? 3, 2, 8)));
  ctx.sink.emit('GS ( k PDF417 row height', cmd.pdf417RowHeight(clamp(block.rowHeight ?? 3, 2, 8)));
  ctx.sink.emit('GS ( k PDF417 error correction', cmd.pdf417ErrorCorrection(clamp(block.errorCorrection ?? 1, 0, 8)));
  ctx.sink.emit('GS ( k PDF417 store', cmd.pdf417Store(data));
  ctx.sink.emit('GS ( k PDF417 print', cmd.pdf417Print());
}

/**
 * Feeds `block.feed` (default: the profile's cutFeedLines) lines, then GS V function B, which
 * itself feeds the last line past the cutter. `true` prefers a partial cut.
 */
export function renderCut(ctx: RenderContext, block: CutBlock, path: string): void {
  const { cutter } = ctx.profile;
  renderFeed(ctx, block.feed ?? ctx.profile.cutFeedLines);
  if (!cutter.full && !cutter.partial) {
    ctx.warnings.add({ code: 'UNSUPPORTED', path, message: `${ctx.profile.name} has no cutter: paper fed, not cut` });
    return;
  }
  const wantFull = block.cut === 'full';
  const kind = wantFull ? (cutter.full ? 'full' : 'partial') : cutter.partial ? 'partial' : 'full';
  ctx.sink.emit('GS V', fixed.CUT[kind]);
}

export function renderDrawer(ctx: RenderContext, block: DrawerBlock, path: string): void {
  if (!ctx.profile.drawer) return unsupported(ctx, path, 'a cash drawer');
  const pin = block.drawer === 5 ? 5 : 2;
  ctx.sink.emit('ESC p', cmd.drawerPulse(pin, clamp(block.pulseMs ?? 100, 2, 510), 500));
}

/** UNSAFE: the bytes as given. Afterwards nothing about the printer's state is assumed. */
export function renderRaw(ctx: RenderContext, block: RawBlock, path: string): void {
  const hex = String(block.raw).replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) {
    ctx.warnings.add({ code: 'UNSUPPORTED', path, message: 'raw block skipped: not an even run of hex digits' });
    return;
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  ctx.sink.emit('raw', bytes);
  ctx.style.forget();
  ctx.text.state.table = undefined;
  ctx.text.state.kanji = undefined;
}

function unsupported(ctx: RenderContext, path: string, what: string): void {
  ctx.warnings.add({ code: 'UNSUPPORTED', path, message: `${ctx.profile.name} has no ${what}: block skipped` });
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.round(n))) : min;
}
