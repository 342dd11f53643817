import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplyFramer, type Reply } from '../../src/printer/framer.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const frame = (...values: number[]) => new ReplyFramer().push(bytes(...values));
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

describe('ReplyFramer golden replies', () => {
  it('XON and XOFF are exact values', () => {
    expect(frame(0x11, 0x13)).toEqual([{ type: 'xon' }, { type: 'xoff' }]);
  });

  it('DLE EOT replies 0x12 0x16 0x1a 0x72 0x7e', () => {
    expect(frame(0x12, 0x16, 0x1a, 0x72, 0x7e)).toEqual([0x12, 0x16, 0x1a, 0x72, 0x7e].map((value) => ({ type: 'realtime-status', value })));
  });

  it('ASB frame 10 00 00 00', () => {
    expect(frame(0x10, 0x00, 0x00, 0x00)).toEqual([{ type: 'asb', bytes: [0x10, 0, 0, 0] }]);
  });

  it('ASB frame 18 00 0F 00 (paper end) with an XOFF inside it', () => {
    expect(frame(0x18, 0x00, 0x13, 0x0f, 0x00)).toEqual([{ type: 'xoff' }, { type: 'asb', bytes: [0x18, 0x00, 0x0f, 0x00] }]);
  });

  it('process ID response 37 22 "0001" 00', () => {
    expect(frame(0x37, 0x22, ...ascii('0001'), 0x00)).toEqual([{ type: 'process-id', id: '0001' }]);
  });

  it('process ID with an XOFF inside the block', () => {
    expect(frame(0x37, 0x22, 0x41, 0x13, 0x42, 0x43, 0x44, 0x00)).toEqual([{ type: 'xoff' }, { type: 'process-id', id: 'ABCD' }]);
  });

  it('clear response 37 25 00', () => {
    expect(frame(0x37, 0x25, 0x00)).toEqual([{ type: 'clear-response' }]);
  });

  it('offline response 37 23 cause 00', () => {
    expect(frame(0x37, 0x23, 0x40, 0x48, 0x00)).toEqual([{ type: 'offline-response', cause: bytes(0x40, 0x48) }]);
    // GS I n = 33 printer information A is a block of its own, not a status byte.
    expect(frame(0x3d, 0x21, 0x42, 0x40, 0x00)).toEqual([{ type: 'block', header: 0x3d, data: bytes(0x21, 0x42, 0x40) }]);
    // GS ( H fn 49 with d = 1/49 ("without cause"): no cause bytes at all.
    expect(frame(0x37, 0x23, 0x00)).toEqual([{ type: 'offline-response', cause: bytes() }]);
  });

  it('GS I printer information B 5F "EPSON" 00', () => {
    expect(frame(0x5f, ...ascii('EPSON'), 0x00)).toEqual([{ type: 'printer-info', text: 'EPSON' }]);
  });

  it('empty printer information B block 5F 00', () => {
    expect(frame(0x5f, 0x00)).toEqual([{ type: 'printer-info', text: '' }]);
  });

  it('printer information A 3D 21 42 40 00, power-off notice 3B, ink ASB 35', () => {
    expect(frame(0x3d, 0x21, 0x42, 0x40, 0x00, 0x3b, 0x31, 0x00, 0x35, 0x40, 0x00)).toEqual([
      { type: 'block', header: 0x3d, data: bytes(0x21, 0x42, 0x40) },
      { type: 'block', header: 0x3b, data: bytes(0x31) },
      { type: 'block', header: 0x35, data: bytes(0x40) },
    ]);
  });

  it('0x37 block with another identifier is a plain block', () => {
    expect(frame(0x37, 0x30, 0x41, 0x00)).toEqual([{ type: 'block', header: 0x37, data: bytes(0x30, 0x41) }]);
  });

  it('one-byte GS r / GS I replies, including 0x00', () => {
    expect(frame(0x00, 0x03, 0x0c, 0x20, 0x6f)).toEqual([0x00, 0x03, 0x0c, 0x20, 0x6f].map((value) => ({ type: 'byte', value })));
  });

  it('bytes with bit 7 and non-header 0xx1xxx1 bytes are garbage', () => {
    expect(frame(0x80, 0xff, 0x39)).toEqual([
      { type: 'garbage', bytes: bytes(0x80) },
      { type: 'garbage', bytes: bytes(0xff) },
      { type: 'garbage', bytes: bytes(0x39) },
    ]);
  });

  it('a broken ASB frame is dropped and the breaking byte read afresh', () => {
    expect(frame(0x10, 0x00, 0x16, 0x12)).toEqual([
      { type: 'garbage', bytes: bytes(0x10, 0x00) },
      { type: 'realtime-status', value: 0x16 },
      { type: 'realtime-status', value: 0x12 },
    ]);
  });

  it('a block broken by a control byte (a stray header) is dropped and the byte read afresh', () => {
    expect(frame(0x5f, 0x41, 0x12, 0x37, 0x22, 0x16, 0x00)).toEqual([
      { type: 'garbage', bytes: bytes(0x5f, 0x41) },
      { type: 'realtime-status', value: 0x12 },
      { type: 'garbage', bytes: bytes(0x37, 0x22) },
      { type: 'realtime-status', value: 0x16 },
      { type: 'byte', value: 0x00 },
    ]);
  });

  it('an endless block is dropped at maxBlockLength and the stream resynchronises', () => {
    const framer = new ReplyFramer({ maxBlockLength: 8 });
    const out = framer.push(bytes(0x5f, ...ascii('ABCDEFGHI'), 0x12));
    expect(out).toEqual([
      { type: 'garbage', bytes: bytes(0x5f, ...ascii('ABCDEFGHI')) },
      { type: 'realtime-status', value: 0x12 },
    ]);
    expect(framer.idle).toBe(true);
  });

  it('a mixed stream split byte by byte', () => {
    const stream = bytes(0x16, 0x14, 0x00, 0x00, 0x00, 0x37, 0x22, ...ascii('x9 ~'), 0x00, 0x11, 0x00);
    const framer = new ReplyFramer();
    const out = [...stream].flatMap((b) => framer.push(bytes(b)));
    expect(out).toEqual([
      { type: 'realtime-status', value: 0x16 },
      { type: 'asb', bytes: [0x14, 0, 0, 0] },
      { type: 'process-id', id: 'x9 ~' },
      { type: 'xon' },
      { type: 'byte', value: 0 },
    ]);
  });
});

// Encodes well-formed replies, so a property can check they are found after any garbage.
const replyArbitrary: fc.Arbitrary<{ encoded: number[]; reply: Reply }> = fc.oneof(
  fc.constantFrom(0x12, 0x16, 0x1a, 0x32, 0x52, 0x72, 0x7e).map((v) => ({
    encoded: [v],
    reply: { type: 'realtime-status', value: v } as Reply,
  })),
  fc
    .tuple(
      fc.constantFrom(0x10, 0x14, 0x18, 0x38, 0x54),
      fc.array(
        fc.integer({ min: 0, max: 0x6f }).filter((b) => (b & 0x90) === 0),
        { minLength: 3, maxLength: 3 },
      ),
    )
    .map(([b1, rest]) => ({
      encoded: [b1, ...rest],
      reply: { type: 'asb', bytes: [b1, rest[0]!, rest[1]!, rest[2]!] } as Reply,
    })),
  fc.stringMatching(/^[\x20-\x7e]{4}$/).map((id) => ({
    encoded: [0x37, 0x22, ...ascii(id), 0],
    reply: { type: 'process-id', id } as Reply,
  })),
  fc.stringMatching(/^[A-Z0-9 -]{0,20}$/).map((text) => ({
    encoded: [0x5f, ...ascii(text), 0],
    reply: { type: 'printer-info', text } as Reply,
  })),
  fc
    .integer({ min: 0, max: 0x6f })
    .filter((b) => (b & 0x90) === 0)
    .map((v) => ({
      encoded: [v],
      reply: { type: 'byte', value: v } as Reply,
    })),
);

function pushInChunks(framer: ReplyFramer, data: Uint8Array, cuts: number[]): Reply[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Reply[] = [];
  let start = 0;
  for (const point of [...points, data.length]) {
    out.push(...framer.push(data.subarray(start, point)));
    start = point;
  }
  return out;
}

describe('ReplyFramer properties', () => {
  it('never throws, and gives the same replies however the input is chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 40 }), (data, cuts) => {
        const whole = new ReplyFramer({ maxBlockLength: 64 });
        const chunked = new ReplyFramer({ maxBlockLength: 64 });
        const expected = whole.push(data);
        expect(pushInChunks(chunked, data, cuts)).toEqual(expected);
        expect(chunked.buffered).toBe(whole.buffered);
        expect(whole.buffered).toBeLessThanOrEqual(65);
      }),
      { numRuns: 500 },
    );
  });

  it('resynchronises: after any garbage and four NULs, well-formed replies are read exactly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(replyArbitrary, { maxLength: 20 }), (garbage, replies) => {
        const framer = new ReplyFramer();
        framer.push(garbage);
        framer.push(bytes(0, 0, 0, 0));
        expect(framer.idle).toBe(true);
        const out = framer.push(Uint8Array.from(replies.flatMap((r) => r.encoded)));
        expect(out).toEqual(replies.map((r) => r.reply));
      }),
      { numRuns: 500 },
    );
  });

  it('1,000,000 random bytes in random chunks finish with a bounded buffer', () => {
    const framer = new ReplyFramer();
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    let total = 0;
    let maxBuffered = 0;
    while (total < 1_000_000) {
      const chunk = new Uint8Array(1 + (random() % 4096));
      for (let i = 0; i < chunk.length; i++) chunk[i] = random() & 0xff;
      framer.push(chunk);
      maxBuffered = Math.max(maxBuffered, framer.buffered);
      total += chunk.length;
    }
    expect(maxBuffered).toBeLessThanOrEqual(257);
  });

  it('adversarial inputs: an endless block, an XOFF flood, an endless ASB of XOFFs', () => {
    const framer = new ReplyFramer();
    const endless = new Uint8Array(100_000).fill(0x41);
    endless[0] = 0x5f;
    const out = framer.push(endless);
    // The first 256 payload bytes are dropped as one block; what follows is read afresh (0x41 is a plain byte).
    expect(out[0]).toMatchObject({ type: 'garbage' });
    expect(out.every((r) => r.type === 'garbage' || r.type === 'byte')).toBe(true);
    expect(framer.buffered).toBeLessThanOrEqual(257);

    framer.reset();
    const flood = framer.push(new Uint8Array(100_000).fill(0x13));
    expect(flood).toHaveLength(100_000);
    expect(flood.every((r) => r.type === 'xoff')).toBe(true);

    framer.reset();
    const asbFlood = framer.push(Uint8Array.from([0x10, ...new Array<number>(10_000).fill(0x13), 0, 0, 0]));
    expect(asbFlood.at(-1)).toEqual({ type: 'asb', bytes: [0x10, 0, 0, 0] });
    expect(framer.idle).toBe(true);
  });
});
