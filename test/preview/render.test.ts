/**
 * Receipts rendered from their bytes, checked from outside: zxing decodes every symbol in the
 * picture and must read the document's data; golden pictures catch any other change (tolerant
 * diff; `UPDATE_GOLDEN=1 npx vitest run test/preview` rewrites them on purpose).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { normalizeBarcode } from '../../src/document/barcode-rules.js';
import { renderReceipt } from '../../src/preview/index.js';
import { decodeSymbols } from '../support/decode-symbols.js';
import { sampleReceipts, symbolData } from './documents.js';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
/** Share of dots allowed to differ from the golden picture (font or library updates move a few). */
const TOLERANCE = 0.002;

function expectedData(document: Parameters<typeof symbolData>[0]): string[] {
  return document.content.flatMap((block) => {
    if (typeof block !== 'object' || block === null || !('barcode' in block)) return symbolData({ ...document, content: [block] });
    const b = block as { barcode: string; symbology: Parameters<typeof normalizeBarcode>[0] };
    return [normalizeBarcode(b.symbology, b.barcode)];
  });
}

describe('renderReceipt', () => {
  for (const sample of sampleReceipts()) {
    describe(sample.name, () => {
      const png = renderReceipt(sample.document, sample.profile, sample.mark ? { mark: sample.mark } : {});
      const image = PNG.sync.read(Buffer.from(png));

      it('is as wide as the print head', () => {
        expect(image.width).toBe(sample.profile === 'generic-58' ? 384 : 576);
      });

      it('decodes to the document data, every symbol', async () => {
        const decoded = await decodeSymbols(png);
        expect(decoded.map((d) => d.text)).toEqual(expectedData(sample.document));
      });

      it('matches its golden picture', () => {
        const goldenUrl = new URL(`golden/${sample.name}.png`, import.meta.url);
        if (UPDATE) writeFileSync(goldenUrl, png);
        expect(existsSync(goldenUrl), `no golden picture: run UPDATE_GOLDEN=1 npx vitest run test/preview`).toBe(true);
        const golden = PNG.sync.read(readFileSync(goldenUrl));
        expect([image.width, image.height]).toEqual([golden.width, golden.height]);
        let differing = 0;
        for (let i = 0; i < image.data.length; i += 4) if (image.data[i] !== golden.data[i]) differing++;
        expect(differing / (image.width * image.height)).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  }
});
