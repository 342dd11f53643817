/**
 * An independent reader for rendered receipts: zxing-wasm (ZXing C++) decodes every barcode,
 * QR code and PDF417 in a PNG. Its wasm comes from node_modules, never from the network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let prepared: Promise<unknown> | undefined;

/** Instantiates the wasm once; awaited, so a wasm that fails to load fails the decode that needed it. */
function prepare(): Promise<unknown> {
  const wasmPath = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
  prepared ??= prepareZXingModule({ overrides: { wasmBinary: readFileSync(wasmPath).buffer as ArrayBuffer }, fireImmediately: true });
  return prepared;
}

export interface DecodedSymbol {
  format: string;
  text: string;
}

/** Every symbol zxing finds in the PNG, top to bottom. */
export async function decodeSymbols(png: Uint8Array): Promise<DecodedSymbol[]> {
  await prepare();
  const results = await readBarcodes(png, { formats: [], maxNumberOfSymbols: 16, tryHarder: true });
  return results
    .filter((r) => r.isValid)
    .sort((a, b) => a.position.topLeft.y - b.position.topLeft.y)
    .map((r) => ({ format: r.format, text: r.text }));
}
