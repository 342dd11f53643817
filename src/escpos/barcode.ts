/** Barcode data as GS k form B expects it, per symbology. */
import { normalizeBarcode } from '../document/barcode-rules.js';
import type { BarcodeSymbology } from '../document/types.js';
import { BARCODE_SYSTEM } from './commands.js';

type CodeSet = 'A' | 'B' | 'C';

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/**
 * CODE128 data for Epson's GS k m=73: code set selectors `{A` `{B` `{C`, `{{` for a literal `{`,
 * and in code set C one byte (0–99) per digit pair. Runs of 4 or more digits go in code C (an
 * odd run leaves its first digit in A/B); control characters need A, lower case needs B.
 * Returns undefined for characters CODE128 cannot carry (above 0x7F).
 */
export function code128Data(data: string): Uint8Array | undefined {
  const codes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c > 0x7f) return undefined;
    codes.push(c);
  }
  // Mark which positions go in code C.
  const inC = new Array<boolean>(codes.length).fill(false);
  for (let i = 0; i < codes.length; ) {
    if (!isDigit(codes[i]!)) {
      i++;
      continue;
    }
    let end = i;
    while (end < codes.length && isDigit(codes[end]!)) end++;
    const length = end - i;
    if (length >= 4) for (let k = i + (length % 2); k < end; k++) inC[k] = true;
    i = end;
  }
  const out: number[] = [];
  let set: CodeSet | undefined;
  const select = (next: CodeSet): void => {
    if (set !== next) out.push(0x7b, next.charCodeAt(0));
    set = next;
  };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (inC[i]) {
      select('C');
      out.push((c - 0x30) * 10 + (codes[i + 1]! - 0x30));
      i++;
      continue;
    }
    // Stay in A or B while the character is in it; choose A only for control characters.
    const needs: CodeSet | undefined = c < 0x20 ? 'A' : c >= 0x60 ? 'B' : undefined;
    if (needs) select(needs);
    else if (set !== 'A' && set !== 'B') select('B');
    if (c === 0x7b) out.push(0x7b, 0x7b);
    else out.push(c);
  }
  return Uint8Array.from(out);
}

/** The GS k system number and data bytes for a barcode block; throws InvalidDocumentError for bad data. */
export function barcodeBytes(symbology: BarcodeSymbology, data: string): { m: number; data: Uint8Array } | undefined {
  const normalized = normalizeBarcode(symbology, data);
  const m = BARCODE_SYSTEM[symbology];
  if (symbology === 'code128') {
    const bytes = code128Data(normalized);
    return bytes && { m, data: bytes };
  }
  // EAN/UPC: all digits including the (validated or computed) check digit, so the printer
  // prints exactly what validation accepted. Others: the ASCII data as given.
  return { m, data: Uint8Array.from(normalized, (ch) => ch.charCodeAt(0)) };
}
