/**
 * A growable byte buffer: appends amortise to O(1) by doubling, and the result is copied once.
 * (node-thermal-printer's `Buffer.concat` per append makes long receipts quadratic.)
 */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Empties the writer, keeping its buffer for reuse. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Bytes the writer holds before it has to grow. */
  get capacity(): number {
    return this.buffer.length;
  }

  get size(): number {
    return this.length;
  }

  /** Appends bytes or an array of byte values (0–255). */
  write(bytes: Uint8Array | readonly number[]): this {
    const n = bytes.length;
    this.reserve(n);
    if (n > 16) this.buffer.set(bytes, this.length);
    else {
      // Commands are a few bytes: a loop beats the native call set() makes.
      const buffer = this.buffer;
      for (let i = 0, at = this.length; i < n; i++) buffer[at + i] = bytes[i]!;
    }
    this.length += n;
    return this;
  }

  /** Appends `count` copies of `byte`. */
  repeat(byte: number, count: number): this {
    this.reserve(count);
    this.buffer.fill(byte, this.length, this.length + count);
    this.length += count;
    return this;
  }

  /** Appends `text[start, end)`, character codes 0–255 (the caller guarantees the range), one byte each. */
  writeLatin1(text: string, start = 0, end = text.length): this {
    this.reserve(end - start);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = start; i < end; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
    return this;
  }

  writeByte(byte: number): this {
    this.reserve(1);
    this.buffer[this.length++] = byte;
    return this;
  }

  /** A copy of the bytes written so far, exactly `size` long. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
