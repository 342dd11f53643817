/**
 * Paper as dots: one byte per dot (1 = burnt), the width of the print head, growing downwards
 * as the printer feeds. Encoded to a 1-bit greyscale PNG, which is what a thermal print is.
 */
import { crc32, deflateSync } from 'node:zlib';

export class Paper {
  private data: Uint8Array;
  private capacity: number;
  /** Dots fed so far: the height of the picture. */
  height = 0;

  constructor(readonly width: number) {
    this.capacity = 1024;
    this.data = new Uint8Array(width * this.capacity);
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

  /** 1-bit greyscale PNG, white paper and black dots. */
  toPng(): Uint8Array {
    const height = Math.max(1, this.height);
    const rowBytes = Math.ceil(this.width / 8);
    const raw = new Uint8Array((rowBytes + 1) * height);
    for (let y = 0; y < this.height; y++) {
      const out = y * (rowBytes + 1) + 1; // byte 0 of each row: filter type 0
      const row = y * this.width;
      for (let x = 0; x < this.width; x++) {
        if (this.data[row + x] === 0) raw[out + (x >> 3)]! |= 0x80 >> (x & 7);
      }
      if (this.width % 8) raw[out + rowBytes - 1]! |= 0xff >> (this.width % 8);
    }
    if (this.height === 0) raw.fill(0xff, 1);
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(height, 4);
    header[8] = 1; // bit depth
    header[9] = 0; // greyscale
    return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
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
