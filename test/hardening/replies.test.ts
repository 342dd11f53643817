/**
 * The reply framer and the status decoders under hostile input. test/printer/framer.test.ts
 * already covers random chunking equivalence, 1,000,000 LCG bytes, an endless 0x5F block, an
 * XOFF flood and one ASB header followed by 10,000 XOFFs; this file adds seeded adversarial
 * mixtures (endless 0x37 blocks, ASB headers followed by XOFFs forever, alternating DLE EOT-like
 * bytes, DLE EOT requests echoed back) over FUZZ_BYTES bytes in fast-check chunkings, with the
 * buffer bound checked after every chunk, and every byte value through the decoders.
 *
 * Longer run: FUZZ_BYTES=100000000 FUZZ_RUNS=1000 npx vitest run test/hardening/replies.test.ts
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplyFramer, isAsbFirstByte, isRealtimeStatusByte, type Reply } from '../../src/printer/framer.js';
import { decodeAsb, decodeRealtimeStatus, isJobFault, statusFault } from '../../src/printer/status.js';
import { FUZZ_BYTES, fuzz, logSeed, seededRandom } from './helpers.js';

logSeed('replies.test.ts');

const MAX_BLOCK = 256;

type Pattern = 'random' | 'endless-37' | 'endless-5f' | 'xoff-flood' | 'asb-then-xoffs' | 'alternating-eot' | 'eot-echo' | 'plain-bytes';
const PATTERNS: Pattern[] = ['random', 'endless-37', 'endless-5f', 'xoff-flood', 'asb-then-xoffs', 'alternating-eot', 'eot-echo', 'plain-bytes'];

/** Fills `out` from `offset` with `length` bytes of one adversarial pattern. */
function fill(out: Uint8Array, offset: number, length: number, pattern: Pattern, random: () => number): void {
  for (let i = 0; i < length; i++) {
    let b: number;
    switch (pattern) {
      case 'random':
        b = random() & 0xff;
        break;
      case 'endless-37':
        b = i === 0 ? 0x37 : i === 1 ? 0x22 : 0x20 + (random() % 0x5f);
        break;
      case 'endless-5f':
        b = i === 0 ? 0x5f : 0x41 + (random() % 26);
        break;
      case 'xoff-flood':
        b = 0x13;
        break;
      case 'asb-then-xoffs':
        b = i === 0 ? 0x10 : 0x13;
        break;
      case 'alternating-eot':
        b = [0x10, 0x12, 0x14, 0x16, 0x18, 0x1a][i % 6]!;
        break;
      case 'eot-echo':
        b = [0x10, 0x04, 0x01 + (i % 4)][i % 3]!;
        break;
      case 'plain-bytes':
        b = random() & 0x6f;
        break;
    }
    out[offset + i] = b;
  }
}

/** FUZZ_BYTES bytes of adversarial segments chosen by `plan`. */
function adversarialStream(plan: { pattern: Pattern; length: number }[], random: () => number): Uint8Array {
  const out = new Uint8Array(FUZZ_BYTES);
  let offset = 0;
  for (let k = 0; offset < out.length; k++) {
    const segment = plan[k % plan.length]!;
    const length = Math.min(segment.length, out.length - offset);
    fill(out, offset, length, segment.pattern, random);
    offset += length;
  }
  return out;
}

/** A compact summary of a reply stream (type counts and a rolling hash), to compare 1 MB outputs cheaply. */
function summarize(replies: Reply[], into = { counts: new Map<string, number>(), hash: 0 }) {
  for (const reply of replies) {
    into.counts.set(reply.type, (into.counts.get(reply.type) ?? 0) + 1);
    const detail = reply.type === 'garbage' ? reply.bytes.length : reply.type === 'realtime-status' || reply.type === 'byte' ? reply.value : reply.type.length;
    into.hash = (Math.imul(into.hash, 31) + detail) | 0;
  }
  return into;
}

describe('ReplyFramer under adversarial byte streams', () => {
  it('property: FUZZ_BYTES adversarial bytes in random chunkings: no throw, buffer ≤ maxBlockLength+1 after every chunk, same replies as whole', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pattern: fc.constantFrom(...PATTERNS), length: fc.integer({ min: 1, max: 200_000 }) }), { minLength: 1, maxLength: 12 }),
        fc.integer(),
        fc.constantFrom(1, 7, 64, 4096, 65536),
        (plan, seed, meanChunk) => {
          const stream = adversarialStream(plan, seededRandom(seed));
          const whole = new ReplyFramer({ maxBlockLength: MAX_BLOCK });
          const expected = summarize(whole.push(stream));
          expect(whole.buffered).toBeLessThanOrEqual(MAX_BLOCK + 1);

          const chunked = new ReplyFramer({ maxBlockLength: MAX_BLOCK });
          const random = seededRandom(seed ^ 0x5a5a5a5a);
          const actual = summarize([]);
          let maxBuffered = 0;
          for (let offset = 0; offset < stream.length;) {
            const size = 1 + (random() % (2 * meanChunk));
            summarize(chunked.push(stream.subarray(offset, offset + size)), actual);
            maxBuffered = Math.max(maxBuffered, chunked.buffered);
            offset += size;
          }
          expect(maxBuffered).toBeLessThanOrEqual(MAX_BLOCK + 1);
          expect(actual).toEqual(expected);
        },
      ),
      fuzz(4),
    );
  });

  it('an endless 0x37 process-ID block (no NUL, FUZZ_BYTES long) is dropped in pieces and never grows the buffer', () => {
    const framer = new ReplyFramer({ maxBlockLength: MAX_BLOCK });
    const endless = new Uint8Array(FUZZ_BYTES).fill(0x41);
    endless[0] = 0x37;
    endless[1] = 0x22;
    let garbage = 0;
    let other = 0;
    let maxBuffered = 0;
    for (let offset = 0; offset < endless.length; offset += 1000) {
      for (const reply of framer.push(endless.subarray(offset, offset + 1000))) {
        if (reply.type === 'garbage') garbage++;
        else if (reply.type !== 'byte') other++;
      }
      maxBuffered = Math.max(maxBuffered, framer.buffered);
    }
    expect({ other, maxBuffered: maxBuffered <= MAX_BLOCK + 1 }).toEqual({ other: 0, maxBuffered: true });
    expect(garbage).toBeGreaterThan(0);
    // Resynchronises: a NUL ends whatever is held, then a real process ID is read exactly.
    framer.push(Uint8Array.of(0, 0, 0, 0));
    expect(framer.push(Uint8Array.of(0x37, 0x22, 0x30, 0x30, 0x30, 0x31, 0x00))).toEqual([{ type: 'process-id', id: '0001' }]);
  });

  it('an ASB header followed by XOFFs "forever" (FUZZ_BYTES) holds one byte and completes when the frame does', () => {
    const framer = new ReplyFramer();
    expect(framer.push(Uint8Array.of(0x14))).toEqual([]);
    const xoffs = new Uint8Array(65536).fill(0x13);
    for (let sent = 0; sent < FUZZ_BYTES; sent += xoffs.length) {
      const out = framer.push(xoffs);
      expect(out.length).toBe(xoffs.length);
      expect(framer.buffered).toBe(1);
    }
    expect(framer.push(Uint8Array.of(0x00, 0x0f, 0x00))).toEqual([{ type: 'asb', bytes: [0x14, 0x00, 0x0f, 0x00] }]);
    expect(framer.idle).toBe(true);
  });

  it('alternating ASB-first and DLE EOT bytes: every status byte is reported, every broken ASB frame is garbage', () => {
    const framer = new ReplyFramer();
    const pairs = 100_000;
    const stream = new Uint8Array(pairs * 2);
    for (let i = 0; i < pairs; i++) {
      stream[2 * i] = 0x10;
      stream[2 * i + 1] = 0x12;
    }
    const out = framer.push(stream);
    expect(out.filter((r) => r.type === 'realtime-status')).toHaveLength(pairs);
    expect(out.filter((r) => r.type === 'garbage')).toHaveLength(pairs);
    expect(out).toHaveLength(2 * pairs);
  });
});

describe('status decoders for every byte value', () => {
  const bitsOf = (status: object) => Object.values(status).every((v) => typeof v === 'boolean');

  it('decodeRealtimeStatus: all 256 values at each of the four positions decode to booleans by fixed bits', () => {
    const ok = 0x12;
    for (let v = 0; v < 256; v++) {
      const n1 = decodeRealtimeStatus(v, ok, ok, ok);
      const n2 = decodeRealtimeStatus(ok, v, ok, ok);
      const n3 = decodeRealtimeStatus(ok, ok, v, ok);
      const n4 = decodeRealtimeStatus(ok, ok, ok, v);
      for (const status of [n1, n2, n3, n4]) {
        expect(bitsOf(status)).toBe(true);
        expect(() => statusFault(status)).not.toThrow();
        expect(typeof isJobFault(status)).toBe('boolean');
      }
      expect({ v, online: n1.online, drawer: n1.drawerOpen, waiting: n1.waitingForRecovery }).toEqual({
        v,
        online: (v & 0x08) === 0,
        drawer: (v & 0x04) === 0,
        waiting: (v & 0x20) !== 0,
      });
      expect({ v, cover: n2.coverOpen, feeding: n2.feeding, paperEnd: n2.paperEnd }).toEqual({ v, cover: (v & 0x04) !== 0, feeding: (v & 0x08) !== 0, paperEnd: (v & 0x20) !== 0 });
      expect({ v, cutter: n3.cutterError, rec: n3.recoverableError, unrec: n3.unrecoverableError, auto: n3.autoRecoverableError }).toEqual({
        v,
        cutter: (v & 0x08) !== 0,
        rec: (v & 0x04) !== 0,
        unrec: (v & 0x20) !== 0,
        auto: (v & 0x40) !== 0,
      });
      expect({ v, near: n4.paperNearEnd, end: n4.paperEnd }).toEqual({ v, near: (v & 0x0c) !== 0, end: (v & 0x60) === 0x60 });
      // A status with no fault bit set is one the printer can print with.
      if (!isRealtimeStatusByte(v)) continue;
      expect(statusFault(decodeRealtimeStatus(v & ~0x08, ok, ok, ok))).toBeUndefined();
    }
  });

  it('decodeAsb: all 256 values at each of the four bytes (and short or long frames) never throw and keep fixed bits', () => {
    for (let v = 0; v < 256; v++) {
      const b1 = decodeAsb([v, 0, 0, 0]);
      const b2 = decodeAsb([0x10, v, 0, 0]);
      const b3 = decodeAsb([0x10, 0, v, 0]);
      const b4 = decodeAsb([0x10, 0, 0, v]);
      for (const status of [b1, b2, b3, b4]) {
        expect(bitsOf(status)).toBe(true);
        expect(() => statusFault(status)).not.toThrow();
      }
      expect({ v, online: b1.online, cover: b1.coverOpen, drawer: b1.drawerOpen, feeding: b1.feeding }).toEqual({
        v,
        online: (v & 0x08) === 0,
        cover: (v & 0x20) !== 0,
        drawer: (v & 0x04) === 0,
        feeding: (v & 0x40) !== 0,
      });
      expect({ v, cutter: b2.cutterError, rec: b2.recoverableError, unrec: b2.unrecoverableError, auto: b2.autoRecoverableError, waiting: b2.waitingForRecovery }).toEqual({
        v,
        cutter: (v & 0x08) !== 0,
        rec: (v & 0x04) !== 0,
        unrec: (v & 0x20) !== 0,
        auto: (v & 0x40) !== 0,
        waiting: (v & 0x01) !== 0,
      });
      expect({ v, end: b3.paperEnd, near: b3.paperNearEnd }).toEqual({ v, end: (v & 0x0c) === 0x0c, near: (v & 0x03) !== 0 });
      // Byte 4 carries nothing this driver decodes: the status equals the all-clear one.
      expect(b4).toEqual(decodeAsb([0x10, 0, 0, 0]));
      if (isAsbFirstByte(v)) expect(statusFault(decodeAsb([v & ~0x28, 0, 0, 0]))).toBeUndefined();
    }
    for (const frame of [[], [0x10], [0x10, 0, 0, 0, 0xff, 0xff], [NaN, -1, 1e9, 0.5]]) {
      expect(bitsOf(decodeAsb(frame))).toBe(true);
    }
  });
});
