/**
 * The printer's bitmap fonts: font A (12×24), font B (9×17) and the 24×24 double-byte font,
 * pre-rasterised from DejaVu Sans Mono and Noto Sans SC by scripts/build-preview-fonts.ts and
 * shipped in the package's fonts/ folder. Read once, on first use: the only file the preview
 * reads is its own font data (the CJK font only when a receipt has Kanji-mode characters).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RenderError } from '../errors.js';

export interface BitmapFont {
  width: number;
  height: number;
  rowBytes: number;
  /** Glyph rows of `rowBytes` bytes (MSB = leftmost dot), or undefined when the font lacks it. */
  glyph(codePoint: number): Uint8Array | undefined;
}

export type FontName = 'A' | 'B' | 'cjk';

const FILES: Record<FontName, string> = { A: 'font-a.bin.gz', B: 'font-b.bin.gz', cjk: 'font-cjk.bin.gz' };
const loaded = new Map<FontName, BitmapFont>();

/** src/preview/ and dist/preview/ both sit two levels under the package root. */
const FONT_DIR = new URL('../../fonts/', import.meta.url);

export function bitmapFont(name: FontName): BitmapFont {
  let font = loaded.get(name);
  if (!font) {
    font = parseFont(gunzipSync(readFileSync(new URL(FILES[name], FONT_DIR))));
    loaded.set(name, font);
  }
  return font;
}

/** "RSF1", u16 width, u16 height, u32 count, count × u32 code points ascending, then the bitmaps. */
export function parseFont(data: Buffer): BitmapFont {
  if (data.toString('latin1', 0, 4) !== 'RSF1') throw new RenderError('preview font: not an RSF1 bitmap font (fonts/ damaged? run npm run fonts)');
  const width = data.readUInt16LE(4);
  const height = data.readUInt16LE(6);
  const count = data.readUInt32LE(8);
  const rowBytes = Math.ceil(width / 8);
  const glyphBytes = rowBytes * height;
  const codePoints = new Uint32Array(count);
  for (let i = 0; i < count; i++) codePoints[i] = data.readUInt32LE(12 + i * 4);
  const bitmaps = new Uint8Array(data.buffer, data.byteOffset + 12 + count * 4, count * glyphBytes);
  return {
    width,
    height,
    rowBytes,
    glyph(codePoint) {
      let lo = 0;
      let hi = count - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const cp = codePoints[mid]!;
        if (cp === codePoint) return bitmaps.subarray(mid * glyphBytes, (mid + 1) * glyphBytes);
        if (cp < codePoint) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
  };
}
