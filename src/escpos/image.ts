/**
 * Pictures for the printer: PNG → luminance → scaled → dithered 1-bit bitmap → `GS v 0`
 * raster bands. Pure (no I/O). Hot loops run on typed arrays with integer arithmetic and no
 * per-pixel allocation.
 */
import { createRequire } from 'node:module';
import type PngJs from 'pngjs';
import { InvalidDocumentError } from '../errors.js';
import { LIMITS, PNG_DATA_URI_PREFIX } from '../document/limits.js';
import { breakRealtimeSequences, safeBandRows } from './realtime-safe.js';

/** pngjs is 23 CommonJS modules: loaded at the first picture, so a receipt without one (and `receipt-spool show`) does not pay for it. */
let pngjs: typeof PngJs | undefined;
function pngModule(): typeof PngJs {
  pngjs ??= createRequire(import.meta.url)('pngjs') as typeof PngJs;
  return pngjs;
}

export interface Bitmap {
  width: number;
  height: number;
  /** rows padded to whole bytes, MSB first, 1 = black */
  data: Uint8Array;
  bytesPerRow: number;
}

export interface GrayImage {
  width: number;
  height: number;
  /** 0 = black .. 255 = white */
  luminance: Uint8Array;
}

export type DitherMode = 'threshold' | 'floyd-steinberg' | 'atkinson';

export interface ToBitmapOptions {
  /** Target width in dots; default the image's own width. Always capped at `maxWidth`. */
  width?: number;
  /** The profile's printable dots. */
  maxWidth: number;
  /** Default `floyd-steinberg`. */
  dither?: DitherMode;
  /** Luminance below this is black (threshold mode) or the error-diffusion cut-off. Default 128. */
  threshold?: number;
}

function imageError(message: string, cause?: unknown): InvalidDocumentError {
  return new InvalidDocumentError([{ path: 'image', message }], cause === undefined ? undefined : { cause });
}

// sRGB transfer function, as lookup tables: 8-bit sRGB → linear, and linear (12-bit) → 8-bit sRGB.
const LINEAR_STEPS = 4096;
const SRGB_TO_LINEAR = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  SRGB_TO_LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
const LINEAR_TO_SRGB = new Uint8Array(LINEAR_STEPS + 1);
for (let i = 0; i <= LINEAR_STEPS; i++) {
  const l = i / LINEAR_STEPS;
  const c = l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055;
  LINEAR_TO_SRGB[i] = Math.round(c * 255);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Read the IHDR size before decoding, so an oversized image is refused without inflating it. */
function checkPngHeader(png: Uint8Array): void {
  if (png.length < 33 || PNG_SIGNATURE.some((byte, i) => png[i] !== byte)) throw imageError('not a PNG image (bad signature)');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) throw imageError('PNG image has no pixels');
  if (width > LIMITS.maxImageDimension || height > LIMITS.maxImageDimension || width * height > LIMITS.maxImagePixels) {
    throw imageError(`PNG image is ${width}×${height}; the limit is ${LIMITS.maxImageDimension} per side and ${LIMITS.maxImagePixels} pixels`);
  }
}

/**
 * Decode a PNG to luminance: Rec. 709 luma computed on linear light, alpha composited on
 * white paper, then re-encoded with the sRGB curve (so mid-grey 128 stays 128).
 */
export function decodePng(png: Uint8Array): GrayImage {
  checkPngHeader(png);
  let decoded: { width: number; height: number; data: Buffer };
  try {
    decoded = pngModule().PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable data';
    throw imageError(`not a valid PNG image: ${reason}`, error);
  }
  const { width, height, data } = decoded;
  const luminance = new Uint8Array(width * height);
  for (let p = 0, i = 0; p < luminance.length; p++, i += 4) {
    const r = data[i]!;
    const g = data[i + 1]!;
    const b = data[i + 2]!;
    const a = data[i + 3]!;
    if (r === g && g === b && a === 255) {
      luminance[p] = r;
      continue;
    }
    let linear = 0.2126 * SRGB_TO_LINEAR[r]! + 0.7152 * SRGB_TO_LINEAR[g]! + 0.0722 * SRGB_TO_LINEAR[b]!;
    if (a !== 255) {
      const alpha = a / 255;
      linear = linear * alpha + (1 - alpha);
    }
    luminance[p] = LINEAR_TO_SRGB[(linear * LINEAR_STEPS + 0.5) | 0]!;
  }
  return { width, height, luminance };
}

/** Decode a `data:image/png;base64,` URI (the document's `image` form). */
export function decodeImageDataUri(uri: string): GrayImage {
  if (!uri.startsWith(PNG_DATA_URI_PREFIX)) throw imageError(`expected a ${PNG_DATA_URI_PREFIX}... URI`);
  if (uri.length > LIMITS.maxImageDataUriBytes) throw imageError(`image data URI longer than ${LIMITS.maxImageDataUriBytes} bytes`);
  const bytes = Buffer.from(uri.slice(PNG_DATA_URI_PREFIX.length), 'base64');
  return decodePng(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

// ---------------------------------------------------------------- scaling

const WEIGHT_BITS = 14;
const WEIGHT_ONE = 1 << WEIGHT_BITS;

interface Contributions {
  start: Int32Array;
  count: Int32Array;
  /** Per destination pixel, `count` fixed-point weights summing to WEIGHT_ONE, packed. */
  offset: Int32Array;
  weights: Int32Array;
}

/**
 * Source pixels and weights for each destination pixel along one axis: area coverage when
 * shrinking (every source pixel counts, so thin lines survive), bilinear when enlarging.
 */
function contributions(srcSize: number, dstSize: number): Contributions {
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const offset = new Int32Array(dstSize);
  const scale = srcSize / dstSize;
  const maxTaps = dstSize < srcSize ? Math.ceil(scale) + 1 : 2;
  const weights = new Int32Array(dstSize * maxTaps);
  let used = 0;
  for (let d = 0; d < dstSize; d++) {
    offset[d] = used;
    if (dstSize < srcSize) {
      const s0 = d * scale;
      const s1 = Math.min(srcSize, (d + 1) * scale);
      const first = Math.floor(s0);
      const last = Math.min(srcSize, Math.ceil(s1)) - 1;
      let total = 0;
      for (let i = first; i <= last; i++) {
        const cover = Math.min(s1, i + 1) - Math.max(s0, i);
        const w = Math.round((cover / scale) * WEIGHT_ONE);
        weights[used + i - first] = w;
        total += w;
      }
      weights[used + last - first]! += WEIGHT_ONE - total;
      start[d] = first;
      count[d] = last - first + 1;
    } else {
      const center = Math.min(srcSize - 1, Math.max(0, (d + 0.5) * scale - 0.5));
      const first = Math.min(srcSize - 2, Math.floor(center));
      if (first < 0) {
        weights[used] = WEIGHT_ONE;
        start[d] = 0;
        count[d] = 1;
      } else {
        const frac = Math.round((center - first) * WEIGHT_ONE);
        weights[used] = WEIGHT_ONE - frac;
        weights[used + 1] = frac;
        start[d] = first;
        count[d] = 2;
      }
    }
    used += count[d]!;
  }
  return { start, count, offset, weights };
}

function resize(image: GrayImage, width: number, height: number): Uint8Array {
  const { width: srcW, height: srcH, luminance: src } = image;
  if (width === srcW && height === srcH) return src;
  const half = WEIGHT_ONE >> 1;
  // Horizontal pass: srcW×srcH → width×srcH.
  const h = contributions(srcW, width);
  const wide = new Uint8Array(width * srcH);
  for (let y = 0; y < srcH; y++) {
    const row = y * srcW;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      let acc = half;
      const first = row + h.start[x]!;
      const n = h.count[x]!;
      const w0 = h.offset[x]!;
      for (let k = 0; k < n; k++) acc += src[first + k]! * h.weights[w0 + k]!;
      wide[out + x] = acc >> WEIGHT_BITS;
    }
  }
  // Vertical pass, row-wise for cache locality: width×srcH → width×height.
  const v = contributions(srcH, height);
  const result = new Uint8Array(width * height);
  const acc = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(half);
    const n = v.count[y]!;
    for (let k = 0; k < n; k++) {
      const w = v.weights[v.offset[y]! + k]!;
      const row = (v.start[y]! + k) * width;
      for (let x = 0; x < width; x++) acc[x]! += wide[row + x]! * w;
    }
    const out = y * width;
    for (let x = 0; x < width; x++) result[out + x] = acc[x]! >> WEIGHT_BITS;
  }
  return result;
}

// ---------------------------------------------------------------- dithering

function ditherThreshold(lum: Uint8Array, width: number, height: number, cut: number, bits: Uint8Array, bpr: number): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const out = y * bpr;
    for (let x = 0; x < width; x++) {
      if (lum[row + x]! < cut) bits[out + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
}

/** Floyd–Steinberg; errors kept in 1/16 grey levels in two Int32 rows (offset 1 for x-1). */
function ditherFloydSteinberg(lum: Uint8Array, width: number, height: number, cut: number, bits: Uint8Array, bpr: number): void {
  let current = new Int32Array(width + 2);
  let next = new Int32Array(width + 2);
  const cut16 = cut << 4;
  const white16 = 255 << 4;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const out = y * bpr;
    for (let x = 0; x < width; x++) {
      const value = (lum[row + x]! << 4) + current[x + 1]!;
      let error: number;
      if (value < cut16) {
        bits[out + (x >> 3)]! |= 0x80 >> (x & 7);
        error = value;
      } else error = value - white16;
      current[x + 2]! += (error * 7) >> 4;
      next[x]! += (error * 3) >> 4;
      next[x + 1]! += (error * 5) >> 4;
      next[x + 2]! += error >> 4;
    }
    const done = current;
    current = next;
    next = done;
    next.fill(0);
  }
}

/** Atkinson: 6/8 of the error to six neighbours over three rows (offset 2 for x-1 safety). */
function ditherAtkinson(lum: Uint8Array, width: number, height: number, cut: number, bits: Uint8Array, bpr: number): void {
  let row0 = new Int32Array(width + 4);
  let row1 = new Int32Array(width + 4);
  let row2 = new Int32Array(width + 4);
  const cut8 = cut << 3;
  const white8 = 255 << 3;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const out = y * bpr;
    for (let x = 0; x < width; x++) {
      const i = x + 2;
      const value = (lum[row + x]! << 3) + row0[i]!;
      let error: number;
      if (value < cut8) {
        bits[out + (x >> 3)]! |= 0x80 >> (x & 7);
        error = value;
      } else error = value - white8;
      const share = error >> 3;
      row0[i + 1]! += share;
      row0[i + 2]! += share;
      row1[i - 1]! += share;
      row1[i]! += share;
      row1[i + 1]! += share;
      row2[i]! += share;
    }
    const done = row0;
    row0 = row1;
    row1 = row2;
    row2 = done;
    row2.fill(0);
  }
}

/**
 * Scale `image` to the target width (capped at `maxWidth`; when scaling anyway, rounded down
 * to whole bytes) and dither it to a 1-bit bitmap.
 */
export function toBitmap(image: GrayImage, options: ToBitmapOptions): Bitmap {
  const { maxWidth, dither = 'floyd-steinberg', threshold = 128 } = options;
  if (!Number.isInteger(maxWidth) || maxWidth < 1) throw new RangeError('maxWidth must be a positive integer');
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 255) throw new RangeError('threshold must be an integer 0–255');
  let width = Math.min(options.width ?? image.width, maxWidth);
  if (!Number.isInteger(width) || width < 1) throw new RangeError('width must be a positive integer');
  if (width !== image.width && width >= 8) width -= width % 8;
  const height = width === image.width ? image.height : Math.max(1, Math.round((image.height * width) / image.width));
  const luminance = resize(image, width, height);
  const bytesPerRow = (width + 7) >> 3;
  const data = new Uint8Array(bytesPerRow * height);
  if (dither === 'threshold') ditherThreshold(luminance, width, height, threshold, data, bytesPerRow);
  else if (dither === 'atkinson') ditherAtkinson(luminance, width, height, threshold, data, bytesPerRow);
  else ditherFloydSteinberg(luminance, width, height, threshold, data, bytesPerRow);
  return { width, height, data, bytesPerRow };
}

/**
 * Split `bitmap` into complete `GS v 0` commands (1D 76 30 00 xL xH yL yH d…, normal
 * density) of at most `maxBandRows` rows each, since many printers reject one tall block.
 * No band carries a real-time command sequence (realtime-safe.ts: one dot per sequence).
 */
export function rasterBands(bitmap: Bitmap, maxBandRows: number): Uint8Array[] {
  if (!Number.isInteger(maxBandRows) || maxBandRows < 1) throw new RangeError('maxBandRows must be a positive integer');
  const { bytesPerRow, height, data } = bitmap;
  const bands: Uint8Array[] = [];
  for (let top = 0; top < height;) {
    const rows = safeBandRows(Math.min(maxBandRows, height - top));
    const band = new Uint8Array(8 + bytesPerRow * rows);
    band.set([0x1d, 0x76, 0x30, 0x00, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8]);
    band.set(data.subarray(top * bytesPerRow, (top + rows) * bytesPerRow), 8);
    breakRealtimeSequences(band.subarray(8));
    bands.push(band);
    top += rows;
  }
  return bands;
}
