/**
 * Text lines as the printer lays them out: each character in its font's cell (font A 12×24,
 * font B 9×17, Kanji 24×24), magnified 1–8 times by dot doubling, emphasis as a second strike
 * one dot to the right, underline 1 or 2 dots at the cell bottom, inverse as white on black.
 * Characters of different heights share a baseline; the line advances by the tallest
 * character or the line spacing, whichever is more. A line wider than the paper wraps.
 */
import type { Alignment, TextLineItem, TextSegment } from '../emulator/index.js';
import { bitmapFont, type BitmapFont } from './fonts.js';
import type { Paper } from './dots.js';

interface Cell {
  glyph: Uint8Array | undefined;
  /** The font the glyph comes from and where it sits in the cell. */
  font: BitmapFont;
  offsetX: number;
  /** Dots across and down, magnification included. */
  width: number;
  height: number;
  segment: TextSegment;
  /** A space shows no glyph; any other character without a glyph shows a box. */
  blank: boolean;
}

const SPACES = new Set([0x20, 0xa0, 0x3000]);

function cellFor(segment: TextSegment, ch: string): Cell {
  const cp = ch.codePointAt(0)!;
  const doubleByte = segment.kanji === true && cp >= 0x80;
  const single = bitmapFont(segment.font === 'B' ? 'B' : 'A');
  const cellFont = doubleByte ? bitmapFont('cjk') : single;
  const width = cellFont.width * segment.width;
  const height = cellFont.height * segment.height;
  let font = cellFont;
  let glyph = cellFont.glyph(cp);
  let offsetX = 0;
  if (!glyph && doubleByte) {
    // GB18030 four-byte characters such as ¥ are not in the Kanji font: centre the font A glyph.
    font = single;
    glyph = single.glyph(cp);
    offsetX = Math.floor((width - single.width * segment.width) / 2);
  }
  return { glyph, font, offsetX, width, height, segment, blank: SPACES.has(cp) };
}

function startX(align: Alignment, lineWidth: number, paperWidth: number): number {
  if (align === 'center') return Math.max(0, Math.floor((paperWidth - lineWidth) / 2));
  if (align === 'right') return Math.max(0, paperWidth - lineWidth);
  return 0;
}

/** Draw one text line item at `y` (from `left` when given, else as justified); returns the dots the paper advanced. */
export function drawTextLine(paper: Paper, item: TextLineItem, y: number, lineSpacing: number, left?: number): number {
  const cells: Cell[] = [];
  for (const segment of item.segments) for (const ch of segment.text) cells.push(cellFor(segment, ch));
  if (cells.length === 0) {
    paper.feedTo(y + lineSpacing);
    return lineSpacing;
  }
  // The printer prints what fits and carries the rest to the next line.
  const lines: Cell[][] = [[]];
  let used = 0;
  for (const cell of cells) {
    if (used + cell.width > paper.width && used > 0) {
      lines.push([]);
      used = 0;
    }
    lines[lines.length - 1]!.push(cell);
    used += cell.width;
  }
  let advanced = 0;
  for (const line of lines) {
    const width = line.reduce((sum, cell) => sum + cell.width, 0);
    const height = Math.max(...line.map((cell) => cell.height));
    let x = left ?? startX(item.align, width, paper.width);
    for (const cell of line) {
      drawCell(paper, cell, x, y + advanced + height - cell.height);
      x += cell.width;
    }
    const step = Math.max(height, lineSpacing);
    paper.feedTo(y + advanced + step);
    advanced += step;
  }
  return advanced;
}

function drawCell(paper: Paper, cell: Cell, x: number, y: number): void {
  const { segment } = cell;
  const ink: 0 | 1 = segment.inverse ? 0 : 1;
  if (segment.inverse) paper.fill(x, y, cell.width, cell.height, 1);
  if (cell.glyph) {
    const { font } = cell;
    const top = y + cell.height - font.height * segment.height;
    paper.glyph(cell.glyph, font.rowBytes, font.width, font.height, x + cell.offsetX, top, segment.width, segment.height, ink, segment.bold);
  } else if (!cell.blank) {
    drawMissingBox(paper, x, y, cell.width, cell.height, ink);
  }
  if (segment.underline > 0 && !segment.inverse) paper.fill(x, y + cell.height - segment.underline, cell.width, segment.underline, 1);
}

/** The printer has no glyph for this character: a hollow box, so it shows (and a test can tell). */
export function drawMissingBox(paper: Paper, x: number, y: number, w: number, h: number, ink: 0 | 1): void {
  paper.fill(x + 1, y + 1, w - 2, 1, ink);
  paper.fill(x + 1, y + h - 2, w - 2, 1, ink);
  paper.fill(x + 1, y + 1, 1, h - 2, ink);
  paper.fill(x + w - 2, y + 1, 1, h - 2, ink);
}
