/** Line layout in printer columns: wrapping, padding and two-/three-column rows. */
import { charWidth, displayWidth } from './width.js';

/**
 * Splits one line (no `\n`) into lines at most `columns` wide. Breaks after the last space
 * that fits; a word longer than a line, or CJK text, breaks between characters.
 */
export function wrap(line: string, columns: number): string[] {
  const width = Math.max(1, columns);
  const lines: string[] = [];
  let current: string[] = [];
  let currentWidth = 0;
  let lastSpace = -1;
  for (const ch of line) {
    const w = charWidth(ch.codePointAt(0)!);
    if (currentWidth + w > width && current.length > 0) {
      if (ch === ' ') {
        lines.push(current.join('').trimEnd());
        current = [];
        currentWidth = 0;
        lastSpace = -1;
        continue;
      }
      if (lastSpace > 0) {
        lines.push(current.slice(0, lastSpace).join('').trimEnd());
        current = current.slice(lastSpace + 1);
      } else {
        lines.push(current.join(''));
        current = [];
      }
      currentWidth = displayWidth(current.join(''));
      lastSpace = current.lastIndexOf(' ');
    }
    if (ch === ' ') lastSpace = current.length;
    current.push(ch);
    currentWidth += w;
  }
  if (current.length > 0 || lines.length === 0) lines.push(current.join('').trimEnd());
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
  const fields =
    values.length === 2
      ? [Math.max(valueWidths[0]!, Math.floor(columns / 6)), Math.max(valueWidths[1]!, Math.floor(columns / 4))]
      : valueWidths;
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
