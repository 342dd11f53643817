/**
 * Builds the preview's bitmap fonts (fonts/*.bin.gz) from outline fonts in devDependencies:
 * font A (12×24) and font B (9×17) from DejaVu Sans Mono (DejaVu Sans for the Hebrew and Arabic
 * letters the mono face lacks), and the 24×24 double-byte font from Noto Sans SC. Each glyph is
 * drawn once with @napi-rs/canvas into its printer cell and thresholded to 1 bit, so the preview
 * needs no canvas and no outline fonts at run time: it blits dots like the printer does.
 *
 * Run: `npm run fonts` (only when the character set or the source fonts change).
 * Format (gzip): "RSF1", u16 cell width, u16 cell height, u32 count, count × u32 code points
 * (ascending), count × glyph bitmaps (rows of ceil(width/8) bytes, MSB = leftmost dot).
 */
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import iconv from 'iconv-lite';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { codeTableEncoding } from '../src/emulator/code-tables.js';

const require = createRequire(import.meta.url);
const dejavuDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const notoDir = dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
const outDir = new URL('../fonts/', import.meta.url);

/** Code points in a TrueType font's cmap (format 4, BMP), so no glyph is drawn by a system fallback font. */
function ttfCoverage(path: string): Set<number> {
  const buf = readFileSync(path);
  const tables = buf.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < tables; i++) {
    const at = 12 + i * 16;
    if (buf.toString('latin1', at, at + 4) === 'cmap') cmap = buf.readUInt32BE(at + 8);
  }
  const covered = new Set<number>();
  const subtables = buf.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const at = cmap + 4 + i * 8;
    const offset = cmap + buf.readUInt32BE(at + 4);
    if (buf.readUInt16BE(at) !== 3 || buf.readUInt16BE(at + 2) !== 1 || buf.readUInt16BE(offset) !== 4) continue;
    const segments = buf.readUInt16BE(offset + 6) / 2;
    const ends = offset + 14;
    const starts = ends + segments * 2 + 2;
    const deltas = starts + segments * 2;
    const rangeOffsets = deltas + segments * 2;
    for (let s = 0; s < segments; s++) {
      const end = buf.readUInt16BE(ends + s * 2);
      const start = buf.readUInt16BE(starts + s * 2);
      const delta = buf.readUInt16BE(deltas + s * 2);
      const rangeOffset = buf.readUInt16BE(rangeOffsets + s * 2);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (rangeOffset === 0) glyph = (c + delta) & 0xffff;
        else {
          const g = buf.readUInt16BE(rangeOffsets + s * 2 + rangeOffset + (c - start) * 2);
          glyph = g === 0 ? 0 : (g + delta) & 0xffff;
        }
        if (glyph !== 0) covered.add(c);
      }
    }
  }
  return covered;
}

/** Noto Sans SC comes split in unicode-range chunks; each chunk is registered as its own family. */
function notoChunks(): { family: string; ranges: [number, number][] }[] {
  const css = readFileSync(join(notoDir, '400.css'), 'utf8');
  const chunks = [];
  for (const face of css.matchAll(/url\(\.\/files\/([^)]+\.woff2)\)[^;]*;\s*unicode-range: ([^;]+);/g)) {
    const family = `noto-${chunks.length}`;
    if (!GlobalFonts.registerFromPath(join(notoDir, 'files', face[1]!), family)) throw new Error(`cannot load ${face[1]}`);
    const ranges = face[2]!.split(',').map((r): [number, number] => {
      const [a, b] = r.trim().slice(2).split('-');
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)];
    });
    chunks.push({ family, ranges });
  }
  return chunks;
}

/** Every character a single-byte ESC t table or an ESC R set can print. */
function singleByteRepertoire(): number[] {
  const chars = new Set<number>();
  for (let c = 0x20; c < 0x7f; c++) chars.add(c);
  for (let table = 0; table < 256; table++) {
    const encoding = codeTableEncoding(table);
    if (!encoding) continue;
    for (let b = 0x80; b < 0x100; b++) {
      const ch = iconv.decode(Buffer.of(b), encoding);
      if (ch.length === 1 && ch !== '\ufffd') chars.add(ch.charCodeAt(0));
    }
  }
  for (const ch of '£¥₧₩¤§°¨¡¿ÄÖÜäöüßÆØÅæøåÉéèàùòìçÑñáíóúŽŠĐĆČžšđćč') chars.add(ch.codePointAt(0)!);
  return [...chars].sort((a, b) => a - b);
}

/** Every character GB18030 encodes in two bytes (the GBK area), printed 24×24 in Kanji mode. */
function doubleByteRepertoire(): number[] {
  const chars = new Set<number>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = iconv.decode(Buffer.of(lead, trail), 'gb18030');
      const cp = ch.codePointAt(0)!;
      if ([...ch].length === 1 && ch !== '\ufffd' && cp < 0x10000 && !(cp >= 0xe000 && cp <= 0xf8ff)) chars.add(cp);
    }
  }
  return [...chars].sort((a, b) => a - b);
}

interface FaceSpec {
  name: string;
  width: number;
  height: number;
  size: number;
  baseline: number;
  /** Horizontal scale so the font's advance fills the cell. */
  scaleX: number;
  familyFor(cp: number): string | undefined;
}

function rasterise(spec: FaceSpec, codePoints: number[]): Buffer {
  const canvas = createCanvas(spec.width, spec.height);
  const ctx: SKRSContext2D = canvas.getContext('2d');
  const rowBytes = Math.ceil(spec.width / 8);
  const kept: number[] = [];
  const bitmaps: Buffer[] = [];
  for (const cp of codePoints) {
    const family = spec.familyFor(cp);
    if (!family) continue;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, spec.width, spec.height);
    ctx.setTransform(spec.scaleX, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.font = `${spec.size}px "${family}"`;
    ctx.fillText(String.fromCodePoint(cp), 0, spec.baseline);
    const pixels = ctx.getImageData(0, 0, spec.width, spec.height).data;
    const bitmap = Buffer.alloc(rowBytes * spec.height);
    let dots = 0;
    for (let y = 0; y < spec.height; y++) {
      for (let x = 0; x < spec.width; x++) {
        // Slightly below mid-grey: thin strokes survive as a thermal head would burn them.
        if (pixels[(y * spec.width + x) * 4]! < 150) {
          bitmap[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
          dots++;
        }
      }
    }
    if (dots === 0 && cp !== 0x20 && cp !== 0xa0 && cp !== 0x3000) continue; // drawn as missing instead
    kept.push(cp);
    bitmaps.push(bitmap);
  }
  const header = Buffer.alloc(12 + kept.length * 4);
  header.write('RSF1', 0, 'latin1');
  header.writeUInt16LE(spec.width, 4);
  header.writeUInt16LE(spec.height, 6);
  header.writeUInt32LE(kept.length, 8);
  kept.forEach((cp, i) => header.writeUInt32LE(cp, 12 + i * 4));
  console.log(`${spec.name}: ${kept.length} of ${codePoints.length} glyphs`);
  return gzipSync(Buffer.concat([header, ...bitmaps]), { level: 9 });
}

function main(): void {
  const monoPath = join(dejavuDir, 'DejaVuSansMono.ttf');
  const sansPath = join(dejavuDir, 'DejaVuSans.ttf');
  GlobalFonts.registerFromPath(monoPath, 'dejavu-mono');
  GlobalFonts.registerFromPath(sansPath, 'dejavu-sans');
  const mono = ttfCoverage(monoPath);
  const sans = ttfCoverage(sansPath);
  const latinFamily = (cp: number) => (mono.has(cp) ? 'dejavu-mono' : sans.has(cp) ? 'dejavu-sans' : undefined);
  const chunks = notoChunks();
  const cjkFamily = (cp: number) => chunks.find((c) => c.ranges.some(([a, b]) => cp >= a && cp <= b))?.family;

  mkdirSync(outDir, { recursive: true });
  const single = singleByteRepertoire();
  // DejaVu Sans Mono advances 0.602 em; the scale makes the advance exactly one cell.
  writeFileSync(
    new URL('font-a.bin.gz', outDir),
    rasterise({ name: 'font A', width: 12, height: 24, size: 21, baseline: 19, scaleX: 12 / (0.602 * 21), familyFor: latinFamily }, single),
  );
  writeFileSync(
    new URL('font-b.bin.gz', outDir),
    rasterise({ name: 'font B', width: 9, height: 17, size: 15, baseline: 13, scaleX: 9 / (0.602 * 15), familyFor: latinFamily }, single),
  );
  writeFileSync(
    new URL('font-cjk.bin.gz', outDir),
    rasterise({ name: 'CJK', width: 24, height: 24, size: 24, baseline: 21, scaleX: 1, familyFor: cjkFamily }, doubleByteRepertoire()),
  );
}

main();
