/**
 * What data each barcode symbology can carry. Used by validation (a bad barcode is an error
 * naming its block) and by the encoder (`normalizeBarcode` adds the check digit it sends).
 */
import { InvalidDocumentError } from '../errors.js';
import type { BarcodeSymbology } from './types.js';
import { LIMITS } from './limits.js';

export const BARCODE_SYMBOLOGIES = ['code128', 'ean13', 'ean8', 'upca', 'code39', 'itf', 'codabar'] as const satisfies readonly BarcodeSymbology[];

const DIGITS = /^[0-9]+$/;
const CODE39_BODY = /^[0-9A-Z $%+\-./]+$/;
const CODABAR = /^[A-Da-d][0-9\-$:/.+]+[A-Da-d]$/;

/** Fixed-length numeric symbologies: data length without and with the check digit. */
const CHECKED_LENGTHS: Partial<Record<BarcodeSymbology, readonly [number, number]>> = {
  ean13: [12, 13],
  ean8: [7, 8],
  upca: [11, 12],
};

/** The EAN/UPC mod-10 check digit for `digits` (without the check digit): weights 3,1,3… from the right. */
export function eanCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (digits.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** Why `data` cannot be printed as `symbology`, or `undefined` when it can. */
export function barcodeProblem(symbology: BarcodeSymbology, data: string): string | undefined {
  if (data.length === 0) return 'barcode data is empty';
  if (data.length > LIMITS.maxBarcodeDataLength) return `barcode data longer than ${LIMITS.maxBarcodeDataLength} characters`;
  const lengths = CHECKED_LENGTHS[symbology];
  if (lengths) {
    const [bare, full] = lengths;
    if (!DIGITS.test(data) || (data.length !== bare && data.length !== full)) {
      return `${symbology} needs ${bare} digits (check digit computed) or ${full} digits (check digit validated)`;
    }
    if (data.length === full && eanCheckDigit(data.slice(0, bare)) !== data.charCodeAt(bare) - 48) {
      return `${symbology} check digit is wrong (expected ${eanCheckDigit(data.slice(0, bare))})`;
    }
    return undefined;
  }
  switch (symbology) {
    case 'code128':
      for (let i = 0; i < data.length; i++) {
        const code = data.charCodeAt(i);
        if (code < 0x20 || code > 0x7e) return `code128 takes printable ASCII only (character at index ${i} is not)`;
      }
      return undefined;
    case 'code39': {
      // `*` is the start/stop character: allowed only as an explicit pair around the data.
      const body = data.length >= 2 && data.startsWith('*') && data.endsWith('*') ? data.slice(1, -1) : data;
      if (!CODE39_BODY.test(body)) return 'code39 takes 0-9, A-Z (upper case), space and $ % + - . / (and * only as a start/stop pair)';
      return undefined;
    }
    case 'itf':
      if (!DIGITS.test(data) || data.length % 2 !== 0) return 'itf needs an even number of digits';
      return undefined;
    case 'codabar':
      if (!CODABAR.test(data)) return 'codabar needs start and stop characters A-D around a body of 0-9 - $ : / . +';
      return undefined;
    default:
      return `unknown symbology`;
  }
}

/**
 * The data the printer should encode: as given, with the check digit appended for EAN-13,
 * EAN-8 and UPC-A when it was left out. Throws `InvalidDocumentError` for invalid data.
 */
export function normalizeBarcode(symbology: BarcodeSymbology, data: string): string {
  const problem = barcodeProblem(symbology, data);
  if (problem) throw new InvalidDocumentError([{ path: 'barcode', message: problem }]);
  const lengths = CHECKED_LENGTHS[symbology];
  if (lengths && data.length === lengths[0]) return data + String(eanCheckDigit(data));
  return data;
}
