/** Human-readable content of barcodes and 2D symbols for the journal. */
import type { BarcodeSymbology, SymbolItem } from './journal.js';

/** CODE128 data starts with `{A`/`{B`/`{C` and may switch sets; set C packs two digits per byte. */
export function barcodeText(symbology: BarcodeSymbology, data: Uint8Array): string {
  if (symbology !== 'CODE128') return Buffer.from(data).toString('latin1');
  let text = '';
  let set: 'A' | 'B' | 'C' = 'B';
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0x7b && i + 1 < data.length) {
      const next = String.fromCharCode(data[i + 1]!);
      i++;
      if (next === 'A' || next === 'B' || next === 'C') set = next;
      else if (next === '{') text += '{';
      // {S (shift) and {1..{4 (FNC) add no visible character
      continue;
    }
    text += set === 'C' ? String(byte).padStart(2, '0') : String.fromCharCode(byte);
  }
  return text;
}

const SYMBOL_KINDS: Record<number, SymbolItem['kind']> = {
  48: 'pdf417',
  49: 'qr',
  50: 'maxicode',
  51: 'databar',
  52: 'composite',
  53: 'aztec',
  54: 'datamatrix',
};

/** The item printed by `GS ( k <cn> fn 81` from the data stored with fn 80 (`m` byte first). */
export function symbolData(cn: number, stored: Uint8Array, qr: Pick<SymbolItem, 'model' | 'size' | 'errorCorrection'>): SymbolItem | undefined {
  const kind = SYMBOL_KINDS[cn];
  if (!kind) return undefined;
  // fn 80 carries m (48) before the data for QR, PDF417, MaxiCode, Aztec and DataMatrix.
  const data = stored.subarray(1);
  const item: SymbolItem = { kind, data: Buffer.from(data).toString('utf8'), bytes: data.length };
  return kind === 'qr' ? { ...item, ...qr } : item;
}
