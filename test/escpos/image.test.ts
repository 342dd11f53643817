import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../src/errors.js';
import { decodeImageDataUri, decodePng, rasterBands, toBitmap, type Bitmap, type GrayImage } from '../../src/escpos/image.js';

const logo = readFileSync(new URL('../fixtures/logo-576x400.png', import.meta.url));

function field(width: number, height: number, value: number): GrayImage {
  return { width, height, luminance: new Uint8Array(width * height).fill(value) };
}

function blackRatio(bitmap: Bitmap): number {
  let black = 0;
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) black += (bitmap.data[y * bitmap.bytesPerRow + (x >> 3)]! >> (7 - (x & 7))) & 1;
  }
  return black / (bitmap.width * bitmap.height);
}

function pngOf(width: number, height: number, rgba: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(rgba(x, y), (y * width + x) * 4);
  }
  return PNG.sync.write(png);
}

describe('decodePng', () => {
  it('decodes the 576×400 fixture logo', () => {
    const image = decodePng(logo);
    expect([image.width, image.height, image.luminance.length]).toEqual([576, 400, 576 * 400]);
  });

  it('computes luminance on linear light and re-encodes with the sRGB curve', () => {
    const image = decodePng(
      pngOf(
        5,
        1,
        (x) =>
          [
            [255, 255, 255, 255],
            [0, 0, 0, 255],
            [128, 128, 128, 255],
            [255, 0, 0, 255],
            [0, 255, 0, 255],
          ][x] as [number, number, number, number],
      ),
    );
    expect(image.luminance[0]).toBe(255);
    expect(image.luminance[1]).toBe(0);
    expect(image.luminance[2]).toBe(128);
    // Pure red is 21% of linear luminance → sRGB ≈ 127; a naive (non-linear) weighted sum gives 54.
    expect(image.luminance[3]).toBeGreaterThanOrEqual(125);
    expect(image.luminance[3]).toBeLessThanOrEqual(129);
    expect(image.luminance[4]).toBeGreaterThan(image.luminance[3]!);
  });

  it('composites transparency on white paper', () => {
    const image = decodePng(pngOf(2, 1, (x) => (x === 0 ? [0, 0, 0, 0] : [0, 0, 0, 255])));
    expect(Array.from(image.luminance)).toEqual([255, 0]);
  });

  it('rejects bad data with InvalidDocumentError and a reason', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(InvalidDocumentError);
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow(/bad signature/);
    const truncated = logo.subarray(0, 200);
    expect(() => decodePng(truncated)).toThrow(InvalidDocumentError);
  });

  it('refuses an oversized image from its header without inflating it', () => {
    const header = Buffer.from(logo.subarray(0, 33));
    header.writeUInt32BE(60_000, 16);
    expect(() => decodePng(header)).toThrow(/limit is/);
  });

  it('decodes a data URI', () => {
    const image = decodeImageDataUri('data:image/png;base64,' + logo.toString('base64'));
    expect([image.width, image.height]).toEqual([576, 400]);
    expect(() => decodeImageDataUri('logo.png')).toThrow(InvalidDocumentError);
  });
});

describe('toBitmap', () => {
  it('threshold turns a mid-grey field all white at 128 and all black at 129', () => {
    expect(blackRatio(toBitmap(field(64, 64, 128), { maxWidth: 576, dither: 'threshold' }))).toBe(0);
    expect(blackRatio(toBitmap(field(64, 64, 128), { maxWidth: 576, dither: 'threshold', threshold: 129 }))).toBe(1);
  });

  it.each(['floyd-steinberg', 'atkinson'] as const)('%s renders mid-grey as about 50%% black and keeps black and white pure', (dither) => {
    expect(blackRatio(toBitmap(field(64, 64, 128), { maxWidth: 576, dither }))).toBeCloseTo(0.5, 1);
    expect(blackRatio(toBitmap(field(64, 64, 64), { maxWidth: 576, dither }))).toBeGreaterThan(0.65);
    expect(blackRatio(toBitmap(field(16, 16, 0), { maxWidth: 576, dither }))).toBe(1);
    expect(blackRatio(toBitmap(field(16, 16, 255), { maxWidth: 576, dither }))).toBe(0);
  });

  it('packs rows MSB first with padding to whole bytes', () => {
    const image: GrayImage = { width: 10, height: 1, luminance: Uint8Array.from([0, 255, 255, 255, 255, 255, 255, 0, 0, 255]) };
    const bitmap = toBitmap(image, { maxWidth: 576, dither: 'threshold' });
    expect(bitmap).toEqual({ width: 10, height: 1, bytesPerRow: 2, data: Uint8Array.from([0b1000_0001, 0b1000_0000]) });
  });

  it('scales to the profile width, rounded to whole bytes, keeping the aspect ratio', () => {
    const image = decodePng(logo);
    expect(toBitmap(image, { maxWidth: 384 })).toMatchObject({ width: 384, height: 267, bytesPerRow: 48 });
    expect(toBitmap(image, { maxWidth: 576, width: 300 })).toMatchObject({ width: 296, height: 206, bytesPerRow: 37 });
    expect(toBitmap(image, { maxWidth: 576, width: 1000 })).toMatchObject({ width: 576, height: 400 });
    expect(toBitmap(field(10, 10, 0), { maxWidth: 576, width: 40 })).toMatchObject({ width: 40, height: 40 });
  });

  it('area scaling keeps the average grey (a 1-pixel checkerboard halves to mid-grey)', () => {
    const checker: GrayImage = { width: 64, height: 64, luminance: new Uint8Array(64 * 64) };
    for (let i = 0; i < checker.luminance.length; i++) checker.luminance[i] = ((i % 64) + Math.floor(i / 64)) % 2 ? 255 : 0;
    const halved = toBitmap(checker, { maxWidth: 32, dither: 'threshold', threshold: 129 });
    expect(blackRatio(halved)).toBe(1); // every output pixel is the 127/128 average, just below 129
    expect(blackRatio(toBitmap(checker, { maxWidth: 32, dither: 'threshold', threshold: 127 }))).toBe(0);
  });
});

describe('rasterBands: GS v 0 raster bit image, Epson ESC/POS reference', () => {
  it('emits 1D 76 30 00 xL xH yL yH followed by the rows', () => {
    const bitmap: Bitmap = { width: 16, height: 2, bytesPerRow: 2, data: Uint8Array.from([0xff, 0x00, 0x0f, 0xf0]) };
    expect(rasterBands(bitmap, 255)).toEqual([Uint8Array.from([0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0xff, 0x00, 0x0f, 0xf0])]);
  });

  it('splits 400 rows into bands of at most 255 rows that add up to 400, little-endian sizes', () => {
    const bitmap = toBitmap(decodePng(logo), { maxWidth: 576 });
    const bands = rasterBands(bitmap, 255);
    expect(bands).toHaveLength(2);
    const rows = bands.map((band) => band[6]! | (band[7]! << 8));
    expect(rows).toEqual([255, 145]);
    for (const band of bands) {
      expect(Array.from(band.subarray(0, 6))).toEqual([0x1d, 0x76, 0x30, 0x00, 72, 0]);
      expect(band.length).toBe(8 + 72 * (band[6]! | (band[7]! << 8)));
    }
    // The data is the bitmap's, except where a real-time sequence was broken (realtime-safe.ts):
    // this very logo holds some, each losing one dot (0x10 → 0x00).
    const sent = Buffer.concat(bands.map((band) => band.subarray(8)));
    const changed = [...sent.keys()].filter((i) => sent[i] !== bitmap.data[i]);
    expect(changed.every((i) => bitmap.data[i] === 0x10 && sent[i] === 0x00)).toBe(true);
    expect(changed.length).toBeLessThan(20);
  });

  it('encodes yH for tall bands', () => {
    const bitmap: Bitmap = { width: 8, height: 300, bytesPerRow: 1, data: new Uint8Array(300) };
    expect(Array.from(rasterBands(bitmap, 1000)[0]!.subarray(0, 8))).toEqual([0x1d, 0x76, 0x30, 0x00, 1, 0, 300 & 0xff, 1]);
  });
});
