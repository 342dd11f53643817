import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/escpos/writer.js';

describe('ByteWriter', () => {
  it('keeps every byte in order across many growths and returns exactly size bytes', () => {
    const writer = new ByteWriter(16);
    const expected: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const chunk = [i & 0xff, (i >> 8) & 0xff, 7];
      writer.write(Uint8Array.from(chunk));
      writer.writeByte(i % 251);
      expected.push(...chunk, i % 251);
    }
    expect(writer.size).toBe(expected.length);
    expect(Array.from(writer.toBytes())).toEqual(expected);
  });
  it('returns a copy, unaffected by later writes', () => {
    const writer = new ByteWriter();
    writer.write([1, 2]);
    const first = writer.toBytes();
    writer.write([3]);
    expect(Array.from(first)).toEqual([1, 2]);
  });
});
