/**
 * No real-time command in image data (issue 20): printers execute DLE EOT / DLE ENQ / DLE DC4
 * inside bit-image data, so the raster must never carry `10 04`, `10 05` or `10 14`.
 */
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/escpos/encoder.js';
import { rasterBands, type Bitmap } from '../../src/escpos/image.js';
import { breakRealtimeSequences, findRealtimeSequence, safeBandRows } from '../../src/escpos/realtime-safe.js';

/** Bytes rich in the dangerous pairs, so that random images hit them often. */
const rasterByte = fc.oneof(fc.constantFrom(0x10, 0x04, 0x05, 0x14, 0x00, 0xff), fc.integer({ min: 0, max: 255 }));

const bitmap: fc.Arbitrary<Bitmap> = fc
  .record({ bytesPerRow: fc.integer({ min: 1, max: 72 }), height: fc.integer({ min: 1, max: 40 }) })
  .chain(({ bytesPerRow, height }) =>
    fc
      .array(rasterByte, { minLength: bytesPerRow * height, maxLength: bytesPerRow * height })
      .map((bytes) => ({ width: bytesPerRow * 8, height, bytesPerRow, data: Uint8Array.from(bytes) })),
  );

/** Offsets of the `GS v 0` commands in `wire` with their lengths (header + data). */
function rasterCommands(wire: Uint8Array): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let i = 0; i + 8 <= wire.length; i++) {
    if (wire[i] !== 0x1d || wire[i + 1] !== 0x76 || wire[i + 2] !== 0x30) continue;
    const end = i + 8 + (wire[i + 4]! + wire[i + 5]! * 256) * (wire[i + 6]! + wire[i + 7]! * 256);
    found.push({ start: i, end });
    i = end - 1;
  }
  return found;
}

/** A PNG whose threshold bitmap is exactly `bitmap` (black = 0). */
function pngOf(image: Bitmap): string {
  const png = new PNG({ width: image.width, height: image.height });
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const black = (image.data[y * image.bytesPerRow + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
      const at = (y * image.width + x) * 4;
      png.data.set([black ? 0 : 255, black ? 0 : 255, black ? 0 : 255, 255], at);
    }
  }
  return 'data:image/png;base64,' + PNG.sync.write(png).toString('base64');
}

describe('real-time sequences never reach the wire inside raster data', () => {
  it('breakRealtimeSequences turns one dot white per sequence, and nothing else', () => {
    const data = Uint8Array.from([0x10, 0x04, 0x01, 0x10, 0x14, 0x10, 0x05, 0x02, 0x10, 0x20, 0x10]);
    expect(breakRealtimeSequences(data)).toBe(4);
    expect([...data]).toEqual([0x00, 0x04, 0x01, 0x00, 0x14, 0x00, 0x05, 0x02, 0x10, 0x20, 0x00]);
  });

  it('band heights whose yL yH would read 10 04 / 10 05 are one row shorter', () => {
    expect(safeBandRows(1040)).toBe(1039);
    expect(safeBandRows(1296)).toBe(1295);
    expect(safeBandRows(1041)).toBe(1041);
    const tall: Bitmap = { width: 8, height: 1100, bytesPerRow: 1, data: new Uint8Array(1100) };
    const bands = rasterBands(tall, 2303);
    expect(bands.map((b) => b[6]! + b[7]! * 256)).toEqual([1100]);
    expect(rasterBands({ ...tall, height: 1040 }, 2303).map((b) => b[6]! + b[7]! * 256)).toEqual([1039, 1]);
  });

  it('property: rasterBands output has no real-time sequence anywhere, and differs from the image by at most one dot per sequence', () => {
    fc.assert(
      fc.property(bitmap, fc.integer({ min: 1, max: 64 }), (image, maxBandRows) => {
        const bands = rasterBands(image, maxBandRows);
        const wire = Uint8Array.from(bands.flatMap((band) => [...band]));
        expect(findRealtimeSequence(wire)).toBe(-1);
        const data = Uint8Array.from(bands.flatMap((band) => [...band.subarray(8)]));
        let changed = 0;
        for (let i = 0; i < data.length; i++) {
          if (data[i] === image.data[i]) continue;
          expect([image.data[i], data[i]]).toEqual([0x10, 0x00]);
          changed++;
        }
        expect(changed).toBeLessThanOrEqual(image.data.filter((b) => b === 0x10).length);
      }),
      { numRuns: 300 },
    );
  });

  it('property: random logos encoded as a receipt put no real-time sequence on the wire inside GS v 0', () => {
    fc.assert(
      fc.property(bitmap, (image) => {
        const { bytes } = encode({ transactionId: 'T', content: [{ image: pngOf(image), dither: 'threshold', width: image.width }] }, 'epson-tm-t88');
        const commands = rasterCommands(bytes);
        expect(commands.length).toBeGreaterThan(0);
        for (const { start, end } of commands) expect(findRealtimeSequence(bytes, start, end)).toBe(-1);
      }),
      { numRuns: 60 },
    );
  });
});
