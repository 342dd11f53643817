/**
 * Part 2 — images: the 576×400 logo to printer raster with threshold and Floyd–Steinberg, from
 * the PNG file bytes and from decoded pixels; time per image and bytes out.
 * Peers start from their own natural inputs: the RGBA pixels pngjs decodes (they take RGBA; we
 * take luminance, so our "decoded" input is `decodePng`'s output) or the PNG bytes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { PNG } from 'pngjs';
import { decodePng, rasterBands, toBitmap, type DitherMode, type GrayImage } from '../src/escpos/image.js';
import { runIfMain } from './lib/cli.js';
import type { BenchOptions } from './lib/measure.js';
import { opsPerSecond } from './lib/measure.js';
import { best, compare, type Figure, type PartResult } from './lib/results.js';
import { noopAdapter } from './peers/encoders.js';

const require = createRequire(import.meta.url);

const PNG_BYTES = readFileSync(new URL('../test/fixtures/logo-576x400.png', import.meta.url));
const MAX_WIDTH = 576;
const MAX_BAND_ROWS = 1024; // epson-tm-t88

interface Rgba {
  width: number;
  height: number;
  data: Buffer;
}

type Convert = (dither: DitherMode) => Uint8Array | null;

const totalBytes = (chunks: readonly Uint8Array[]): number => chunks.reduce((sum, c) => sum + c.length, 0);

function oursFromGray(gray: GrayImage, dither: DitherMode): Uint8Array[] {
  return rasterBands(toBitmap(gray, { maxWidth: MAX_WIDTH, dither }), MAX_BAND_ROWS);
}

interface EscposImageModule {
  Image: new (pixels: { data: Uint8Array; shape: number[] }) => unknown;
  Printer: new (adapter: unknown, options?: object) => { raster(image: unknown, mode?: string): unknown; buffer: { flush(): Buffer } };
}
interface NtpEpson {
  printImageBuffer(width: number, height: number, data: Buffer): Buffer;
}
interface ReceiptLine {
  transform(doc: string, printer: object): string;
}

/** Peers from decoded RGBA pixels; `null` where the peer has no such dithering. */
function peersFromPixels(rgba: Rgba): Record<string, Convert> {
  const rpe = new ReceiptPrinterEncoder({ language: 'esc-pos', columns: 48, imageMode: 'raster' });
  const escpos = require('escpos') as EscposImageModule;
  const escposPrinter = new escpos.Printer(noopAdapter, { encoding: 'cp437' });
  // NTP's Epson type builds the raster from RGBA (fixed luminance threshold 128, no dithering).
  const NtpEpsonType = require('node-thermal-printer/lib/types/epson.js') as new () => NtpEpson;
  const ntp = new NtpEpsonType();
  return {
    'receipt-printer-encoder': (dither) =>
      rpe.image({ width: rgba.width, height: rgba.height, data: rgba.data }, rgba.width, rgba.height, dither === 'threshold' ? 'threshold' : 'floydsteinberg', 128).encode(),
    'node-thermal-printer': (dither) => (dither === 'threshold' ? ntp.printImageBuffer(rgba.width, rgba.height, rgba.data) : null),
    // escpos.Image thresholds at r,g,b > 200 and has no dithering.
    escpos: (dither) => {
      if (dither !== 'threshold') return null;
      escposPrinter.raster(new escpos.Image({ data: rgba.data, shape: [rgba.width, rgba.height, 4] }));
      return escposPrinter.buffer.flush();
    },
  };
}

/** Peers from the PNG file bytes. */
function peersFromPng(fromPixels: Record<string, Convert>): Record<string, Convert> {
  const receiptline = require('receiptline') as ReceiptLine;
  const base64 = PNG_BYTES.toString('base64');
  const doc = `{image:${base64}}`;
  const decode = (): Rgba => PNG.sync.read(PNG_BYTES);
  return {
    // no PNG decoder of its own (it expects a canvas); users decode with pngjs
    'receipt-printer-encoder': (dither) => {
      decode();
      return fromPixels['receipt-printer-encoder']!(dither);
    },
    // NTP's printImageBuffer(png) decodes with pngjs itself
    'node-thermal-printer': (dither) => {
      if (dither !== 'threshold') return null;
      decode();
      return fromPixels['node-thermal-printer']!(dither);
    },
    escpos: (dither) => {
      if (dither !== 'threshold') return null;
      decode(); // escpos.Image.load uses get-pixels (callback API, pngjs inside)
      return fromPixels.escpos!(dither);
    },
    // receiptline decodes the base64 PNG (pngjs) and dithers with error diffusion unless gradient is off
    receiptline: (dither) => Buffer.from(receiptline.transform(doc, { cpl: 48, command: 'escpos', gradient: dither !== 'threshold', cutting: false }), 'latin1'),
  };
}

export async function imagesPart(options: BenchOptions): Promise<PartResult> {
  const rate = options.smoke ? { warmupMs: 1, rounds: 1, roundMs: 1 } : { warmupMs: 500, rounds: 5, roundMs: 400 };
  const rgba: Rgba = PNG.sync.read(PNG_BYTES);
  const gray = decodePng(PNG_BYTES);
  const fromPixels = peersFromPixels(rgba);
  const fromPng = peersFromPng(fromPixels);
  const notes = [
    `fixture ${gray.width}×${gray.height} PNG, ${PNG_BYTES.length} bytes; ours: decodePng → toBitmap → rasterBands (GS v 0, ≤${MAX_BAND_ROWS} rows a band)`,
    'from pixels: peers get pngjs RGBA; ours gets decodePng luminance (our decoding is the PNG-file figure)',
    'node-thermal-printer and escpos have no dithering (threshold only: NTP luminance < 128, escpos r,g,b ≤ 200): no Floyd–Steinberg figure',
    'receipt-printer-encoder rasterizes without native canvas when given {width, height, data}; it has no PNG decoder, so its PNG figure adds pngjs',
    'receiptline takes only base64 PNG in its markup (no pixel input): PNG figure only; it emits GS 8 L raster graphics',
    '@node-escpos/core: its Image is the escpos code ported; not measured separately',
  ];
  const figures: Figure[] = [];
  const sinkBytes = { total: 0 };
  const sink = (bytes: Uint8Array | readonly Uint8Array[] | null): void => {
    sinkBytes.total += bytes === null ? 0 : bytes instanceof Uint8Array ? bytes.length : totalBytes(bytes);
  };
  const msPer = (operation: () => Uint8Array | readonly Uint8Array[] | null): number => 1000 / opsPerSecond(operation, sink, rate);

  for (const dither of ['threshold', 'floyd-steinberg'] as const) {
    const label = dither === 'threshold' ? 'threshold' : 'Floyd–Steinberg';
    const ourBands = oursFromGray(gray, dither);
    const pixelTimes: Record<string, number | null> = {};
    const pngTimes: Record<string, number | null> = {};
    const sizes: Record<string, number | null> = {};
    for (const [name, convert] of Object.entries(fromPixels)) {
      const out = convert(dither);
      pixelTimes[name] = out === null ? null : msPer(() => convert(dither));
    }
    for (const [name, convert] of Object.entries(fromPng)) {
      const out = convert(dither);
      sizes[name] = out === null ? null : out.length;
      pngTimes[name] = out === null ? null : msPer(() => convert(dither));
    }
    const oursPixels = msPer(() => oursFromGray(gray, dither));
    const oursPng = msPer(() => oursFromGray(decodePng(PNG_BYTES), dither));
    figures.push(
      compare(
        { name: `${label} from decoded pixels`, unit: 'ms/image', ours: oursPixels, others: pixelTimes, better: 'lower', goal: '≥5× fastest peer' },
        best(pixelTimes, 'lower'),
        5,
      ),
      compare({ name: `${label} from PNG file`, unit: 'ms/image', ours: oursPng, others: pngTimes, better: 'lower' }, best(pngTimes, 'lower')),
      compare({ name: `${label} bytes out`, unit: 'bytes', ours: totalBytes(ourBands), others: sizes, better: 'lower' }, best(sizes, 'lower')),
    );
  }
  if (sinkBytes.total === 0) throw new Error('no image bytes produced');
  return { part: 'images', title: '2. Images (576×400 logo → raster)', figures, notes };
}

runIfMain(import.meta.url, 'images', imagesPart);
