/**
 * Paper as dots: one byte per dot (1 = burnt), the width of the print head, growing downwards
 * as the printer feeds. Encoded to a 1-bit greyscale PNG, which is what a thermal print is.
 */
import { crc32, deflateSync } from 'node:zlib';

/** One paper buffer kept between renders (a receipt's ~0.6 MB of dots), so drawing does not feed the garbage collector. */
let spare: Uint8Array | undefined;
const INITIAL_ROWS = 1024;

export class Paper {
  private data: Uint8Array;
  private capacity: number;
  /** Dots fed so far: the height of the picture. */
  height = 0;

  constructor(readonly width: number) {
    this.capacity = INITIAL_ROWS;
    const reused = spare && spare.length >= width * INITIAL_ROWS ? spare : undefined;
    spare = undefined;
    this.data = reused ? reused.fill(0) : new Uint8Array(width * this.capacity);
    if (reused) this.capacity = Math.floor(reused.length / width);
  }

  /** Done with this paper: its buffer may serve the next one. */
  release(): void {
    spare = this.data;
    this.data = new Uint8Array(0);
    this.capacity = 0;
    this.height = 0;
  }

  /** Make sure rows [0, rows) exist and count as printed paper. */
  feedTo(rows: number): void {
    if (rows > this.capacity) {
      while (this.capacity < rows) this.capacity *= 2;
      const grown = new Uint8Array(this.width * this.capacity);
      grown.set(this.data);
      this.data = grown;
    }
    if (rows > this.height) this.height = rows;
  }

  /** Set (value 1) or clear (0) a rectangle, clipped to the paper width. */
  fill(x: number, y: number, w: number, h: number, value: 0 | 1): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + w);
    if (x1 <= x0 || h <= 0) return;
    this.feedTo(y + h);
    for (let row = y; row < y + h; row++) this.data.fill(value, row * this.width + x0, row * this.width + x1);
  }

  /** Burn a 1-bit bitmap (rows of `rowBytes`, MSB = leftmost dot) with its top left at x, y. */
  blit(bits: Uint8Array, rowBytes: number, w: number, h: number, x: number, y: number): void {
    this.feedTo(y + h);
    for (let row = 0; row < h; row++) {
      const out = (y + row) * this.width;
      for (let col = 0; col < w; col++) {
        const px = x + col;
        if (px >= 0 && px < this.width && bits[row * rowBytes + (col >> 3)]! & (0x80 >> (col & 7))) this.data[out + px] = 1;
      }
    }
  }

  dot(x: number, y: number): number {
    return x >= 0 && x < this.width && y >= 0 && y < this.height ? this.data[y * this.width + x]! : 0;
  }

  /**
   * Burn a 1-bit glyph (rows of `rowBytes`, MSB = leftmost dot) magnified `sx` × `sy`, with the
   * second strike of emphasis one dot to the right; `ink` 0 draws white (inverse).
   */
  glyph(bits: Uint8Array, rowBytes: number, w: number, h: number, x: number, y: number, sx: number, sy: number, ink: 0 | 1, bold: boolean): void {
    this.feedTo(y + h * sy);
    const data = this.data;
    const width = this.width;
    const span = sx + (bold ? 1 : 0);
    if (sx === 1 && sy === 1) {
      // Size 1 is most text: one dot per glyph dot, no fills.
      for (let gy = 0; gy < h; gy++) {
        const out = (y + gy) * width;
        for (let gx = 0; gx < w; gx++) {
          if ((bits[gy * rowBytes + (gx >> 3)]! & (0x80 >> (gx & 7))) === 0) continue;
          const px = x + gx;
          if (px >= 0 && px < width) data[out + px] = ink;
          if (bold && px + 1 >= 0 && px + 1 < width) data[out + px + 1] = ink;
        }
      }
      return;
    }
    for (let gy = 0; gy < h; gy++) {
      for (let gx = 0; gx < w; gx++) {
        if ((bits[gy * rowBytes + (gx >> 3)]! & (0x80 >> (gx & 7))) === 0) continue;
        const x0 = Math.max(0, x + gx * sx);
        const x1 = Math.min(width, x + gx * sx + span);
        if (x1 <= x0) continue;
        for (let row = y + gy * sy; row < y + (gy + 1) * sy; row++) data.fill(ink, row * width + x0, row * width + x1);
      }
    }
  }

  /** 1-bit greyscale PNG, white paper and black dots. */
  toPng(): Uint8Array {
    const height = Math.max(1, this.height);
    const width = this.width;
    const rowBytes = Math.ceil(width / 8);
    const raw = new Uint8Array((rowBytes + 1) * height).fill(0xff);
    const data = this.data;
    for (let y = 0; y < this.height; y++) {
      const out = y * (rowBytes + 1);
      raw[out] = 0; // filter type 0
      const row = y * width;
      for (let byte = 0; byte < rowBytes; byte++) {
        const x = byte * 8;
        const n = Math.min(8, width - x);
        let packed = 0xff;
        for (let bit = 0; bit < n; bit++) if (data[row + x + bit]) packed ^= 0x80 >> bit;
        raw[out + 1 + byte] = packed;
      }
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header[8] = 1; // bit depth
    header[9] = 0; // greyscale
    // Level 1: these pictures are mostly white runs; higher levels cost time for a few per cent.
    return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}
