/**
 * Plain-text picture of a receipt for people: aligned lines, wide characters counted twice,
 * styled lines marked at the right, and bracketed placeholders for what text cannot show.
 */
import type { JournalItem, Receipt, TextLineItem } from './journal.js';

/** Columns a character takes: CJK and other East Asian wide characters take two. */
function charWidth(codePoint: number): number {
  const wide =
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd);
  return wide ? 2 : 1;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0)!);
  return width;
}

function align(text: string, alignment: TextLineItem['align'], columns: number): string {
  const free = Math.max(0, columns - displayWidth(text));
  if (alignment === 'center') return ' '.repeat(Math.floor(free / 2)) + text;
  if (alignment === 'right') return ' '.repeat(free) + text;
  return text;
}

function styleMarks(line: TextLineItem): string {
  const marks = new Set<string>();
  for (const seg of line.segments) {
    if (seg.text.trim() === '') continue;
    if (seg.width > 1 || seg.height > 1) marks.add(seg.width === seg.height ? `${seg.width}x` : `${seg.width}x${seg.height}`);
    if (seg.bold) marks.add('bold');
    if (seg.underline) marks.add('underline');
    if (seg.inverse) marks.add('inverse');
    if (seg.font !== 'A') marks.add(`font ${seg.font}`);
    if (seg.upsideDown) marks.add('upside-down');
  }
  if (line.partial) marks.add('PARTIAL');
  return marks.size > 0 ? `  «${[...marks].join(', ')}»` : '';
}

/** The text of a line laid out in `columns`: double-width segments are spaced out. */
function renderLine(line: TextLineItem, columns: number): string {
  const text = line.segments.map((seg) => (seg.width > 1 ? [...seg.text].join(' '.repeat(seg.width - 1)) : seg.text)).join('');
  return align(text, line.align, columns).trimEnd() + styleMarks(line);
}

function renderItem(item: JournalItem, columns: number): string[] {
  switch (item.kind) {
    case 'text':
      return [renderLine(item, columns)];
    case 'feed':
      return Array.from({ length: Math.round(item.lines) }, () => '');
    case 'cut':
      return [`--- ${item.type === 'partial' ? 'partial ' : ''}cut ---`];
    case 'barcode':
      return [align(`[BARCODE ${item.symbology}: ${item.text}]`, 'center', columns)];
    case 'image':
      return [align(item.width ? `[IMAGE ${item.width}x${item.height}]` : '[NV IMAGE]', 'center', columns)];
    case 'drawer':
      return [`[DRAWER KICK pin ${item.pin}]`];
    case 'interruption':
      return [`!!! interrupted: ${item.cause} !!!`];
    default:
      return [align(`[${item.kind.toUpperCase()}: ${item.data}]`, 'center', columns)];
  }
}

/** A receipt as plain text, `columns` wide (48 for 80 mm paper with font A, 32/42 for 58 mm). */
export function renderText(receipt: Receipt, columns = 48): string {
  const lines = receipt.items.flatMap((item) => renderItem(item, columns));
  if (receipt.endedBy !== 'cut') lines.push(`--- not cut: ${receipt.endedBy} ---`);
  else if (!receipt.complete) lines.push(`(receipt interrupted: ${receipt.interruptions.join(', ')})`);
  return lines.join('\n');
}
