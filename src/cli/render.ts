/**
 * A document as text, exactly as a printer would print it: encoded for the profile by the
 * real encoder, then fed to the virtual printer's engine and read back from its journal. So a
 * preview shows what the bytes do, not what the document meant.
 */
import type { ReceiptDocument } from '../document/types.js';
import { PrinterModel } from '../emulator/printer-model.js';
import { renderText } from '../emulator/render-text.js';
import { encode, type ReprintMark } from '../escpos/encoder.js';
import type { PrinterProfile } from '../escpos/profiles.js';
import type { EncodeWarning } from '../escpos/sink.js';

export interface RenderedText {
  text: string;
  warnings: EncodeWarning[];
  columns: number;
}

export function renderDocumentText(document: ReceiptDocument, profile: PrinterProfile, mark?: ReprintMark): RenderedText {
  const { bytes, warnings } = encode(document, profile, mark ? { mark } : {});
  const model = new PrinterModel({ receiveBuffer: bytes.length + 1 });
  try {
    model.receive(bytes);
    const columns = profile.columns.A;
    const receipts = model.journal.receipts.map((receipt) => renderText(receipt, columns));
    // Whatever follows the last cut (or a document without a cut) is still on the paper.
    const tail = model.journal.end('cleared');
    if (tail) receipts.push(renderText(tail, columns).replace(/\n--- not cut: cleared ---$/, '\n--- not cut ---'));
    return { text: receipts.join('\n'), warnings, columns };
  } finally {
    model.dispose();
  }
}
