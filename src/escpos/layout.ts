/** Line layout in printer columns: wrapping, padding and two-/three-column rows. */
import { charWidth, displayWidth } from './width.js';

/**
 * Splits one line (no `\n`) into lines at most `columns` wide. Breaks after the last space
 * that fits; a word longer than a line, or CJK text, breaks between characters.
 */
export function wrap(line: string, columns: number): string[] {
  const width = Math.max(1, columns);
  if (displayWidth(line) <= width) return [line.trimEnd()];
  const lines: string[] = [];
  // The line being built is line[start, i); lastSpace is the index of its last space, or -1.
  let start = 0;
  let currentWidth = 0;
  let lastSpace = -1;
  for (let i = 0; i < line.length;) {
    const cp = line.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const w = charWidth(cp);
    if (currentWidth + w > width && i > start) {
      if (cp === 0x20) {
        // A space at the break is dropped.
        lines.push(line.slice(start, i).trimEnd());
        start = i + 1;
        currentWidth = 0;
        lastSpace = -1;
        i += 1;
        continue;
      }
      if (lastSpace > start) {
        lines.push(line.slice(start, lastSpace).trimEnd());
        start = lastSpace + 1;
      } else {
        lines.push(line.slice(start, i));
        start = i;
      }
      currentWidth = displayWidth(line.slice(start, i));
      lastSpace = -1;
    }
    if (cp === 0x20) lastSpace = i;
    currentWidth += w;
    i += units;
  }
  if (start < line.length || lines.length === 0) lines.push(line.slice(start).trimEnd());
  return lines;
}

export function padRight(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - displayWidth(text)));
}

export function padLeft(text: string, columns: number): string {
  return ' '.repeat(Math.max(0, columns - displayWidth(text))) + text;
}

/**
 * Lays out a row: the label wraps inside the left column; the other cells are right-aligned
 * on the label's first line (three columns: the middle one gets a fixed share of the width so
 * rows line up). Each returned line is exactly `columns` wide or shorter.
 */
export function layoutRow(cells: readonly string[], columns: number): string[] {
  const [label = '', ...values] = cells;
  const valueWidths = values.map((v) => displayWidth(v));
  const fields = values.length === 2 ? [Math.max(valueWidths[0]!, Math.floor(columns / 6)), Math.max(valueWidths[1]!, Math.floor(columns / 4))] : valueWidths;
  const right = fields.reduce((sum, w) => sum + w + 1, 0);
  const labelWidth = columns - right;
  const rightText = values.map((v, i) => ' ' + padLeft(v, fields[i]!)).join('');
  if (labelWidth < 4) {
    // The values leave no room: label on its own lines, values right-aligned below.
    return [...wrap(label, columns), ...wrap(rightText.trim(), columns).map((l) => padLeft(l, columns))];
  }
  const labelLines = wrap(label, labelWidth);
  return labelLines.map((l, i) => (i === 0 ? padRight(l, labelWidth) + rightText : l));
}
