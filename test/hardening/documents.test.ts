/**
 * Bad input at `spool.submit`: any value is either accepted (and then encodes on every profile)
 * or rejected with InvalidDocumentError/CardDataError issues that have a path and a reason.
 * Never another exception, never a half-written job (the store's jobs are unchanged after a rejection).
 *
 * Longer run: FUZZ_RUNS=100000 npx vitest run test/hardening/documents.test.ts (FUZZ_SEED replays).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardDataError, InvalidDocumentError } from '../../src/errors.js';
import { LIMITS } from '../../src/document/limits.js';
import { encode } from '../../src/escpos/encoder.js';
import { profiles } from '../../src/escpos/profiles.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { fuzz, logSeed, tempDir } from './helpers.js';

logSeed('documents.test.ts');

const logo = 'data:image/png;base64,' + readFileSync(new URL('../fixtures/logo-576x400.png', import.meta.url)).toString('base64');

let spool: Spool;
let dir: { dir: string; remove: () => void };
let counter = 0;

beforeAll(() => {
  dir = tempDir();
  spool = openSpool({ path: join(dir.dir, 'spool.db') });
});

afterAll(async () => {
  await spool.close();
  dir.remove();
});

type Outcome = { accepted: true } | { accepted: false; error: InvalidDocumentError };

/**
 * Submits `input` and checks the contract whatever happens: an accepted document is stored
 * and encodes on every profile; a rejection is an InvalidDocumentError with path+reason issues
 * and leaves exactly the jobs the store had before.
 */
async function submitChecked(input: unknown): Promise<Outcome> {
  const before = (await spool.list()).map((job) => job.id);
  let result: Awaited<ReturnType<Spool['submit']>>;
  try {
    result = await spool.submit(input, { baseDir: dir.dir });
  } catch (error) {
    if (!(error instanceof InvalidDocumentError)) throw new Error(`unexpected ${String(error)}`, { cause: error });
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.path).toBe('string');
      expect(typeof issue.message).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
    }
    expect(error.message.length).toBeGreaterThan(0);
    expect((await spool.list()).map((job) => job.id)).toEqual(before);
    return { accepted: false, error };
  }
  const stored = await spool.get(result.job.transactionId);
  expect(stored?.document).toEqual(result.job.document);
  const after = (await spool.list()).map((job) => job.id);
  expect(after).toEqual(result.created ? [...before, result.job.id] : before);
  for (const profile of Object.values(profiles)) {
    expect(() => encode(result.job.document!, profile, { mark: { copy: 2, time: '2026-01-01T00:00:00Z' } })).not.toThrow();
  }
  return { accepted: true };
}

const nextId = () => `H-${++counter}`;
const hostileText = fc.string({ maxLength: 40, unit: fc.oneof(fc.constantFrom('\x1b', '\x1d', '\x10', '\x00', '\n', '\t', '\u0085', '\ud800', '\udfff'), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })) });
const number = fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, 2.5));

/** Blocks that are often valid and often almost valid, so both branches are exercised. */
const nearBlock: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.record({ text: hostileText, size: number, align: fc.constantFrom('left', 'middle', 'right') }, { requiredKeys: ['text'] }),
  fc.record({ row: fc.array(hostileText, { maxLength: 4 }), bold: fc.oneof(fc.boolean(), number) }, { requiredKeys: ['row'] }),
  fc.record({ rule: fc.oneof(fc.constant(true), fc.record({ char: hostileText })) }),
  fc.record({ feed: number }),
  fc.record({ barcode: hostileText, symbology: fc.constantFrom('code128', 'ean13', 'code39', 'itf', 'codabar', 'qr'), height: number }, { requiredKeys: ['barcode', 'symbology'] }),
  fc.record({ qr: hostileText, size: number, errorCorrection: fc.constantFrom('L', 'X') }, { requiredKeys: ['qr'] }),
  fc.record({ pdf417: hostileText, width: number }, { requiredKeys: ['pdf417'] }),
  fc.record({ image: fc.constantFrom(logo, 'data:image/png;base64,AAAA', 'missing.png', 'data:text/plain,x'), width: number }, { requiredKeys: ['image'] }),
  fc.record({ cut: fc.constantFrom(true, 'full', 'partial', 'half'), feed: number }, { requiredKeys: ['cut'] }),
  fc.record({ drawer: fc.constantFrom(true, 2, 5, 7), pulseMs: number }, { requiredKeys: ['drawer'] }),
  fc.record({ raw: fc.constantFrom('1b40', 'zz', '1b4'), unsafe: fc.constantFrom(true, false) }, { requiredKeys: ['raw'] }),
  fc.jsonValue({ maxDepth: 3 }),
);

describe('submit: any value is accepted and encodes, or is rejected cleanly', () => {
  it('property: arbitrary JSON values (and JavaScript values) never throw anything but InvalidDocumentError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true })), async (value) => {
        await submitChecked(value);
      }),
      fuzz(150),
    );
  });

  it('property: near-valid documents (hostile text, bad sizes, unknown kinds) are stored and encodable, or rejected with paths', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(nearBlock, { maxLength: 8 }),
        fc.option(fc.oneof(fc.constantFrom('front', ''), hostileText), { nil: undefined }),
        async (content, printer) => {
          const outcome = await submitChecked({ transactionId: nextId(), content, ...(printer === undefined ? {} : { printer }) });
          if (outcome.accepted) accepted++;
        },
      ),
      fuzz(200),
    );
    // Both branches must have run, or the property proves little.
    expect(accepted).toBeGreaterThan(0);
  });

  it('JSON text straight from JSON.parse, including duplicate keys and a BOM-less UTF-8 mix', async () => {
    for (const text of ['{}', '[]', 'null', '"x"', '{"transactionId":"J","content":{}}', '{"transactionId":"J","content":[],"content":[1]}', '{"transactionId":"J2","content":["\\u001b@"]}', '{"__proto__":{"x":1},"transactionId":"J3","content":[]}']) {
      await submitChecked(JSON.parse(text));
    }
  });
});

describe('limits', () => {
  it('more blocks than LIMITS.maxContentBlocks: rejected at content, nothing stored', async () => {
    const outcome = await submitChecked({ transactionId: nextId(), content: Array.from({ length: LIMITS.maxContentBlocks + 1 }, () => 'x') });
    expect(outcome.accepted).toBe(false);
    if (!outcome.accepted) expect(outcome.error.issues).toContainEqual({ path: 'content', message: `more than ${LIMITS.maxContentBlocks} blocks` });
  });

  it('exactly LIMITS.maxContentBlocks blocks is accepted', async () => {
    expect((await submitChecked({ transactionId: nextId(), content: Array.from({ length: LIMITS.maxContentBlocks }, () => 'x') })).accepted).toBe(true);
  });

  it('200,000 blocks: rejected without per-block work blowing up', async () => {
    const outcome = await submitChecked({ transactionId: nextId(), content: Array.from({ length: 200_000 }, () => ({ text: 'x' })) });
    expect(outcome.accepted).toBe(false);
  });

  it('text over LIMITS.maxTextLength (and a 5 MB string) is rejected with the path of the text', async () => {
    for (const length of [LIMITS.maxTextLength + 1, 5 * 1024 * 1024]) {
      const outcome = await submitChecked({ transactionId: nextId(), content: ['ok', { text: 'a'.repeat(length) }] });
      expect(outcome.accepted).toBe(false);
      if (!outcome.accepted) expect(outcome.error.issues[0]).toMatchObject({ path: 'content[1].text', message: `longer than ${LIMITS.maxTextLength} characters` });
    }
  });

  it('an image data URI over LIMITS.maxImageDataUriBytes is rejected at content[0].image', async () => {
    const huge = 'data:image/png;base64,' + 'A'.repeat(LIMITS.maxImageDataUriBytes);
    const outcome = await submitChecked({ transactionId: nextId(), content: [{ image: huge }] });
    expect(outcome.accepted).toBe(false);
    if (!outcome.accepted) expect(outcome.error.issues[0]?.path).toBe('content[0].image');
  });

  it('a PNG header claiming 100000×100000 pixels is rejected before any decoding', async () => {
    const png = Buffer.from(logo.slice('data:image/png;base64,'.length), 'base64');
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    const outcome = await submitChecked({ transactionId: nextId(), content: [{ image: 'data:image/png;base64,' + png.toString('base64') }] });
    expect(outcome.accepted).toBe(false);
    if (!outcome.accepted) expect(outcome.error.issues[0]?.message).toMatch(/limit is/);
  });

  it('barcode, QR, PDF417 and raw data over their limits are rejected at their paths', async () => {
    const cases: [unknown, string][] = [
      [{ barcode: 'A'.repeat(LIMITS.maxBarcodeDataLength + 1), symbology: 'code128' }, 'content[0].barcode'],
      [{ qr: '7'.repeat(LIMITS.maxQrDataBytes + 1) }, 'content[0].qr'],
      [{ qr: 'é'.repeat(3000) }, 'content[0].qr'],
      [{ pdf417: 'x'.repeat(LIMITS.maxPdf417DataBytes + 1) }, 'content[0].pdf417'],
      [{ raw: '00'.repeat(LIMITS.maxRawBytes + 1), unsafe: true }, 'content[0].raw'],
      [{ feed: LIMITS.maxFeedLines + 1 }, 'content[0].feed'],
    ];
    for (const [block, path] of cases) {
      const outcome = await submitChecked({ transactionId: nextId(), content: [block] });
      expect({ path, accepted: outcome.accepted }).toEqual({ path, accepted: false });
      if (!outcome.accepted) expect(outcome.error.issues.map((i) => i.path)).toContain(path);
    }
  });
});

describe('deep nesting', () => {
  const deepArray = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };
  const deepObject = (depth: number): unknown => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = { text: value };
    return value;
  };

  it('10,000- and 100,000-deep arrays and objects anywhere in the document are rejected, no stack overflow', async () => {
    for (const depth of [10_000, 100_000]) {
      for (const deep of [deepArray(depth), deepObject(depth)]) {
        for (const input of [
          deep,
          { transactionId: nextId(), content: deep },
          { transactionId: nextId(), content: [deep] },
          { transactionId: nextId(), content: [{ text: deep }] },
          { transactionId: nextId(), content: [{ row: deep }] },
          { transactionId: nextId(), content: [{ image: deep }] },
          { transactionId: deep, content: [] },
          { transactionId: nextId(), content: [], extra: deep },
        ]) {
          expect((await submitChecked(input)).accepted).toBe(false);
        }
      }
    }
  });

  it('deep JSON text parsed with JSON.parse is rejected too', async () => {
    const text = `{"transactionId":"${nextId()}","content":[${'['.repeat(10_000)}${']'.repeat(10_000)}]}`;
    expect((await submitChecked(JSON.parse(text))).accepted).toBe(false);
  });
});

describe('invalid UTF-16, control characters and numbers JSON cannot carry (object API)', () => {
  it('lone surrogates in every string field are rejected with the field path', async () => {
    const fields: [Record<string, unknown>, string][] = [
      [{ transactionId: 'A\ud800', content: [] }, 'transactionId'],
      [{ transactionId: nextId(), printer: '\udc00p', content: [] }, 'printer'],
      [{ transactionId: nextId(), content: ['x\ud83d'] }, 'content[0]'],
      [{ transactionId: nextId(), content: [{ text: '\ude00' }] }, 'content[0].text'],
      [{ transactionId: nextId(), content: [{ row: ['a', 'b\ud800'] }] }, 'content[0].row[1]'],
      [{ transactionId: nextId(), content: [{ rule: { char: '\ud800' } }] }, 'content[0].rule.char'],
      [{ transactionId: nextId(), content: [{ qr: 'q\udfff' }] }, 'content[0].qr'],
      [{ transactionId: nextId(), content: [{ pdf417: 'q\ud800' }] }, 'content[0].pdf417'],
      [{ transactionId: nextId(), content: [{ barcode: 'A\ud800', symbology: 'code128' }] }, 'content[0].barcode'],
    ];
    for (const [input, path] of fields) {
      const outcome = await submitChecked(input);
      expect({ path, accepted: outcome.accepted }).toEqual({ path, accepted: false });
      if (!outcome.accepted) expect(outcome.error.issues.map((i) => i.path)).toContain(path);
    }
  });

  it('every C0/C1 control character (except \\n and \\t where allowed) in text is rejected', async () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const char = String.fromCharCode(code);
      const outcome = await submitChecked({ transactionId: nextId(), content: [{ text: `a${char}b` }] });
      expect({ code, accepted: outcome.accepted }).toEqual({ code, accepted: code === 0x0a || code === 0x09 });
    }
  });

  it('NaN, ±Infinity, negative, fractional and huge sizes are rejected with the path of the number', async () => {
    const bad = [NaN, Infinity, -Infinity, -1, 2.5, 1e12, -0.5];
    const blocks = (n: number): [unknown, string][] => [
      [{ text: 'x', size: n }, 'content[0].size'],
      [{ text: 'x', size: { width: n, height: 1 } }, 'content[0].size.width'],
      [{ feed: n }, 'content[0].feed'],
      [{ cut: true, feed: n }, 'content[0].feed'],
      [{ barcode: 'ABC', symbology: 'code128', height: n }, 'content[0].height'],
      [{ barcode: 'ABC', symbology: 'code128', width: n }, 'content[0].width'],
      [{ qr: 'x', size: n }, 'content[0].size'],
      [{ pdf417: 'x', rowHeight: n }, 'content[0].rowHeight'],
      [{ image: logo, width: n }, 'content[0].width'],
      [{ image: logo, threshold: n }, 'content[0].threshold'],
      [{ drawer: 2, pulseMs: n }, 'content[0].pulseMs'],
    ];
    for (const n of bad) {
      for (const [block, path] of blocks(n)) {
        const outcome = await submitChecked({ transactionId: nextId(), content: [block] });
        expect({ n, path, accepted: outcome.accepted }).toEqual({ n, path, accepted: false });
        if (!outcome.accepted) expect(outcome.error.issues.map((i) => i.path)).toContain(path);
      }
    }
  });

  it('exotic JavaScript values (throwing getters, revoked proxies, symbols) are rejected as documents', async () => {
    const throwing = { transactionId: nextId() } as Record<string, unknown>;
    Object.defineProperty(throwing, 'content', { enumerable: true, get: () => { throw new Error('getter'); } });
    const throwingBlock = { transactionId: nextId(), content: [Object.defineProperty({}, 'image', { enumerable: true, get: () => { throw new Error('getter'); } })] };
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const revokedContent = Proxy.revocable([], {});
    revokedContent.revoke();
    for (const input of [
      throwing,
      throwingBlock,
      revocable.proxy,
      { transactionId: nextId(), content: revokedContent.proxy },
      { transactionId: nextId(), content: [revocable.proxy] },
      { transactionId: Symbol('id'), content: [] },
      { transactionId: nextId(), content: [{ text: 1n }] },
      { transactionId: nextId(), content: [() => 'x'] },
      { transactionId: nextId(), content: new Array(3) },
    ]) {
      expect((await submitChecked(input)).accepted).toBe(false);
    }
  });

  it('a CardDataError is an InvalidDocumentError with a path, and stores nothing', async () => {
    const outcome = await submitChecked({ transactionId: nextId(), content: ['card 4111 1111 1111 1111'] });
    expect(outcome.accepted).toBe(false);
    if (!outcome.accepted) {
      expect(outcome.error).toBeInstanceOf(CardDataError);
      expect(outcome.error.issues[0]?.path).toBe('content[0]');
    }
  });
});
