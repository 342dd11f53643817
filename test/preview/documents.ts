/** The receipts the preview tests render: the sample fixtures, the README's document and a sampler of every block. */
import { readFileSync } from 'node:fs';
import type { ReceiptDocument } from '../../src/document/types.js';
import type { ReprintMark } from '../../src/escpos/encoder.js';

const root = new URL('../../', import.meta.url);
const fixture = (name: string): ReceiptDocument => JSON.parse(readFileSync(new URL(`test/fixtures/${name}`, root), 'utf8')) as ReceiptDocument;

/** The first ```json block of the README, its logo path replaced by the fixture logo (the CLI would inline the file). */
function readmeDocument(): ReceiptDocument {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const json = /## Receipt documents\s+```json\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!json) throw new Error('README: no document under "## Receipt documents"');
  const logo = `data:image/png;base64,${readFileSync(new URL('test/fixtures/logo-576x400.png', root)).toString('base64')}`;
  return JSON.parse(json.replace('"logo.png"', JSON.stringify(logo))) as ReceiptDocument;
}

const sampler: ReceiptDocument = {
  transactionId: 'TXN-SAMPLER',
  content: [
    { text: 'Font A size 1', bold: true },
    { text: 'Font B text, smaller cells', font: 'B' },
    { text: 'underline 1', underline: 1 },
    { text: 'underline 2', underline: 2 },
    { text: ' INVERSE ', inverse: true, align: 'center' },
    { text: 'Big', size: { width: 4, height: 3 }, align: 'right' },
    'Prix: 12,50 € · Größe · Año · Ελλάδα · Москва',
    { barcode: '400638133393', symbology: 'ean13', hri: 'above' },
    { barcode: 'ABC-123', symbology: 'code39', width: 2, height: 60 },
    { pdf417: 'TXN-SAMPLER|19.50|EUR', width: 2, rowHeight: 3, errorCorrection: 2 },
    { qr: 'https://example.com/r/TXN-SAMPLER', size: 4, errorCorrection: 'H', align: 'right' },
    { cut: true },
  ],
} as ReceiptDocument;

export interface SampleReceipt {
  name: string;
  profile: string;
  document: ReceiptDocument;
  /** Rendered as a marked copy. */
  mark?: ReprintMark;
}

export function sampleReceipts(): SampleReceipt[] {
  return [
    { name: 'cafe', profile: 'generic-80', document: fixture('receipt-cafe.json') },
    { name: 'chinese', profile: 'xprinter-80', document: fixture('receipt-chinese.json') },
    { name: 'chinese-reprint', profile: 'xprinter-80', document: fixture('receipt-chinese.json'), mark: { copy: 2, time: '2026-12-06T05:00:00Z' } },
    { name: 'long-58mm', profile: 'generic-58', document: fixture('receipt-long.json') },
    { name: 'readme', profile: 'epson-tm-t88', document: readmeDocument() },
    { name: 'sampler', profile: 'epson-tm-t88', document: sampler },
  ];
}

/** The data of every barcode, QR code and PDF417 in the document, in order. */
export function symbolData(document: ReceiptDocument): string[] {
  const out: string[] = [];
  for (const block of document.content) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as unknown as Record<string, unknown>;
    if (typeof b['barcode'] === 'string') out.push(b['barcode']);
    else if (typeof b['qr'] === 'string') out.push(b['qr']);
    else if (typeof b['pdf417'] === 'string') out.push(b['pdf417']);
  }
  return out;
}
