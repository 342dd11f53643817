/** Barcode data as GS k form B expects it, per symbology. */
import { normalizeBarcode } from '../document/barcode-rules.js';
import type { BarcodeSymbology } from '../document/types.js';
import { BARCODE_SYSTEM } from './commands.js';

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
  const n = data.length;
  // Mark which positions go in code C.
  const inC = new Uint8Array(n);
  for (let i = 0; i < n;) {
    const c = data.charCodeAt(i);
    if (c > 0x7f) return undefined;
    if (!isDigit(c)) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < n && isDigit(data.charCodeAt(end))) end++;
    const length = end - i;
    if (length >= 4) inC.fill(1, i + (length % 2), end);
    i = end;
  }
  // At most 4 bytes a character: a code set selector and `{{`.
  const out = new Uint8Array(4 * n);
  let size = 0;
  let set = 0; // char code of the current set: A, B, C, or 0 before the first
  for (let i = 0; i < n; i++) {
    const c = data.charCodeAt(i);
    let next = set;
    if (inC[i]) next = 0x43;
    // Stay in A or B while the character is in it; choose A only for control characters.
    else if (c < 0x20) next = 0x41;
    else if (c >= 0x60) next = 0x42;
    else if (set !== 0x41 && set !== 0x42) next = 0x42;
    if (next !== set) {
      out[size++] = 0x7b;
      out[size++] = next;
      set = next;
    }
    if (inC[i]) {
      out[size++] = (c - 0x30) * 10 + (data.charCodeAt(i + 1) - 0x30);
      i++;
    } else if (c === 0x7b) {
      out[size++] = 0x7b;
      out[size++] = 0x7b;
    } else out[size++] = c;
  }
  return out.slice(0, size);
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
  const bytes = new Uint8Array(normalized.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = normalized.charCodeAt(i);
  return { m, data: bytes };
}
