/** From a stored document to the bytes for one printer, with the reprint mark when needed. */
import type { ReceiptDocument } from '../document/types.js';
import { encode, type ReprintMark } from '../escpos/encoder.js';
import type { PrinterProfile } from '../escpos/profiles.js';

export type { ReprintMark };

export type Renderer = (document: ReceiptDocument, mark: ReprintMark | undefined) => Uint8Array;

/** The production renderer: the escpos encoder, always ending the receipt with a cut. */
export function encoderRenderer(profile: PrinterProfile | string): Renderer {
  return (document, mark) => encode(document, profile, mark ? { mark, ensureCut: true } : { ensureCut: true }).bytes;
}
