/**
 * Bad input at `spool.submit`: any value is either accepted (stored, and then encodes on every
 * profile) with one warning per problem at its JSON path, or — only when it is not a receipt at
 * all — refused with InvalidDocumentError issues naming the top-level reason. With `strict` the
 * same problems are refused at the same paths. Never another exception, never a half-written
 * job (the store's jobs are unchanged after a refusal).
 *
 * Longer run: FUZZ_RUNS=100000 npx vitest run test/hardening/documents.test.ts (FUZZ_SEED replays).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../../src/errors.js';
import { LIMITS } from '../../src/document/limits.js';
import type { DocumentWarning } from '../../src/document/warnings.js';
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

type Outcome = { accepted: true; warnings: DocumentWarning[] } | { accepted: false; error: InvalidDocumentError };

/** The top-level reasons a receipt may be refused for (everything else degrades). */
const TOP_LEVEL = /^(|transactionId|printer|content)$/;

/**
 * Submits `input` and checks the contract whatever happens: an accepted document is stored
 * and encodes on every profile; a refusal is an InvalidDocumentError with path+reason issues
 * (top-level paths only unless `strict`) and leaves exactly the jobs the store had before.
 */
async function submitChecked(input: unknown, options: { strict?: boolean } = {}): Promise<Outcome> {
  const before = (await spool.list()).map((job) => job.id);
  let result: Awaited<ReturnType<Spool['submit']>>;
  try {
    result = await spool.submit(input, { baseDir: dir.dir, ...options });
  } catch (error) {
    if (!(error instanceof InvalidDocumentError)) throw new Error(`unexpected ${String(error)}`, { cause: error });
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(typeof issue.path).toBe('string');
      if (!options.strict) expect(issue.path).toMatch(TOP_LEVEL);
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
  if (result.created) expect(stored?.warnings).toEqual(result.warnings);
  for (const profile of Object.values(profiles)) {
    expect(() => encode(result.job.document!, profile, { mark: { copy: 2, time: '2026-01-01T00:00:00Z' } })).not.toThrow();
  }
  return { accepted: true, warnings: result.warnings };
}

/** Lenient: accepted with a warning at `path`; strict: refused naming `path`. */
async function degradesAt(input: Record<string, unknown>, path: string): Promise<void> {
  const lenient = await submitChecked({ ...input, transactionId: nextId() });
  expect({ path, accepted: lenient.accepted }).toEqual({ path, accepted: true });
  if (lenient.accepted) expect(lenient.warnings.map((w) => w.path)).toContain(path);
  const strict = await submitChecked({ ...input, transactionId: nextId() }, { strict: true });
  expect({ path, strictAccepted: strict.accepted }).toEqual({ path, strictAccepted: false });
  if (!strict.accepted) expect(strict.error.issues.map((i) => i.path)).toContain(path);
}

const nextId = () => `H-${++counter}`;
const hostileText = fc.string({
  maxLength: 40,
  unit: fc.oneof(fc.constantFrom('\x1b', '\x1d', '\x10', '\x00', '\n', '\t', '\u0085', '\ud800', '\udfff'), fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' })),
});
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

describe('submit: any value is accepted and encodes, or is refused for a top-level reason', () => {
  it('property: arbitrary JSON values (and JavaScript values) never throw anything but InvalidDocumentError at a top-level path', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true })), async (value) => {
        await submitChecked(value);
      }),
      fuzz(150),
    );
  });

  it('property: near-valid documents (hostile text, bad sizes, unknown kinds) are stored and encodable, with warnings; refused only for a bad printer name', async () => {
    let accepted = 0;
    let warned = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(nearBlock, { maxLength: 8 }), fc.option(fc.oneof(fc.constantFrom('front', ''), hostileText), { nil: undefined }), async (content, printer) => {
        const outcome = await submitChecked({ transactionId: nextId(), content, ...(printer === undefined ? {} : { printer }) });
        if (outcome.accepted) accepted++;
        if (outcome.accepted && outcome.warnings.length > 0) warned++;
        if (!outcome.accepted) expect(outcome.error.issues.map((i) => i.path)).toEqual(['printer']);
      }),
      fuzz(200),
    );
    // The degrading branch must have run, or the property proves little.
    expect(warned).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(warned);
  });

  it('JSON text straight from JSON.parse, including duplicate keys and a BOM-less UTF-8 mix', async () => {
    for (const text of [
      '{}',
      '[]',
      'null',
      '"x"',
      '{"transactionId":"J","content":{}}',
      '{"transactionId":"J","content":[],"content":[1]}',
      '{"transactionId":"J2","content":["\\u001b@"]}',
      '{"__proto__":{"x":1},"transactionId":"J3","content":[]}',
    ]) {
      await submitChecked(JSON.parse(text));
    }
  });
});

describe('limits', () => {
  it('more blocks than LIMITS.maxContentBlocks: the rest is cut, ending in a … line, with a warning at content', async () => {
    await degradesAt({ content: Array.from({ length: LIMITS.maxContentBlocks + 1 }, () => 'x') }, 'content');
    const id = nextId();
    await spool.submit({ transactionId: id, content: Array.from({ length: LIMITS.maxContentBlocks + 1 }, () => 'x') });
    const content = (await spool.get(id))!.document!.content;
    expect(content).toHaveLength(LIMITS.maxContentBlocks);
    expect(content[content.length - 1]).toBe('…');
  });

  it('exactly LIMITS.maxContentBlocks blocks is accepted without warnings', async () => {
    const outcome = await submitChecked({ transactionId: nextId(), content: Array.from({ length: LIMITS.maxContentBlocks }, () => 'x') });
    expect(outcome).toEqual({ accepted: true, warnings: [] });
  });

  it('200,000 blocks: cut without per-block work blowing up', async () => {
    const outcome = await submitChecked({ transactionId: nextId(), content: Array.from({ length: 200_000 }, () => ({ text: 'x' })) });
    expect(outcome.accepted && outcome.warnings.map((w) => w.code)).toEqual(['CONTENT_TRUNCATED']);
  });

  it('text over LIMITS.maxTextLength (and a 5 MB string) is cut with a visible … at the path of the text', async () => {
    for (const length of [LIMITS.maxTextLength + 1, 5 * 1024 * 1024]) {
      await degradesAt({ content: ['ok', { text: 'a'.repeat(length) }] }, 'content[1].text');
    }
    const id = nextId();
    await spool.submit({ transactionId: id, content: [{ text: 'a'.repeat(LIMITS.maxTextLength + 5) }] });
    const text = ((await spool.get(id))!.document!.content[0] as { text: string }).text;
    expect(text).toHaveLength(LIMITS.maxTextLength);
    expect(text.endsWith('…')).toBe(true);
  });

  it('an image data URI over LIMITS.maxImageDataUriBytes is dropped with a warning at content[0].image', async () => {
    await degradesAt({ content: [{ image: 'data:image/png;base64,' + 'A'.repeat(LIMITS.maxImageDataUriBytes) }] }, 'content[0].image');
  });

  it('a PNG header claiming 100000×100000 pixels is dropped before any decoding', async () => {
    const png = Buffer.from(logo.slice('data:image/png;base64,'.length), 'base64');
    png.writeUInt32BE(100_000, 16);
    png.writeUInt32BE(100_000, 20);
    await degradesAt({ content: [{ image: 'data:image/png;base64,' + png.toString('base64') }] }, 'content[0].image');
  });

  it('barcode, QR, PDF417 and raw data over their limits degrade at their paths', async () => {
    const cases: [unknown, string][] = [
      [{ barcode: 'A'.repeat(LIMITS.maxBarcodeDataLength + 1), symbology: 'code128' }, 'content[0].barcode'],
      [{ qr: '7'.repeat(LIMITS.maxQrDataBytes + 1) }, 'content[0].qr'],
      [{ qr: 'é'.repeat(3000) }, 'content[0].qr'],
      [{ pdf417: 'x'.repeat(LIMITS.maxPdf417DataBytes + 1) }, 'content[0].pdf417'],
      [{ raw: '00'.repeat(LIMITS.maxRawBytes + 1), unsafe: true }, 'content[0].raw'],
      [{ feed: LIMITS.maxFeedLines + 1 }, 'content[0].feed'],
    ];
    for (const [block, path] of cases) await degradesAt({ content: [block] }, path);
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

  it('10,000- and 100,000-deep arrays and objects: refused at the top level, left out inside content; no stack overflow', async () => {
    for (const depth of [10_000, 100_000]) {
      for (const deep of [deepArray(depth), deepObject(depth)]) {
        for (const [input, accepted] of [
          [deep, false],
          [{ transactionId: nextId(), content: deep }, Array.isArray(deep)],
          [{ transactionId: nextId(), content: [deep] }, true],
          [{ transactionId: nextId(), content: [{ text: deep }] }, true],
          [{ transactionId: nextId(), content: [{ row: deep }] }, true],
          [{ transactionId: nextId(), content: [{ image: deep }] }, true],
          [{ transactionId: deep, content: [] }, false],
          [{ transactionId: nextId(), content: [], extra: deep }, true],
        ] as const) {
          expect((await submitChecked(input)).accepted).toBe(accepted);
        }
      }
    }
  });

  it('deep JSON text parsed with JSON.parse: the deep block is left out', async () => {
    const text = `{"transactionId":"${nextId()}","content":[${'['.repeat(10_000)}${']'.repeat(10_000)}]}`;
    const outcome = await submitChecked(JSON.parse(text));
    expect(outcome.accepted && outcome.warnings.map((w) => w.code)).toEqual(['BLOCK_DROPPED']);
  });
});

describe('invalid UTF-16, control characters and numbers JSON cannot carry (object API)', () => {
  it('lone surrogates in content become ? with a warning at the field path; in transactionId or printer they refuse', async () => {
    const fields: [Record<string, unknown>, string][] = [
      [{ content: ['x\ud83d'] }, 'content[0]'],
      [{ content: [{ text: '\ude00' }] }, 'content[0].text'],
      [{ content: [{ row: ['a', 'b\ud800'] }] }, 'content[0].row[1]'],
      [{ content: [{ rule: { char: '\ud800' } }] }, 'content[0].rule.char'],
      [{ content: [{ qr: 'q\udfff' }] }, 'content[0].qr'],
      [{ content: [{ pdf417: 'q\ud800' }] }, 'content[0].pdf417'],
      [{ content: [{ barcode: 'A\ud800', symbology: 'code128' }] }, 'content[0].barcode'],
    ];
    for (const [input, path] of fields) await degradesAt(input, path);
    for (const [input, path] of [
      [{ transactionId: 'A\ud800', content: [] }, 'transactionId'],
      [{ transactionId: nextId(), printer: '\udc00p', content: [] }, 'printer'],
    ] as const) {
      const outcome = await submitChecked(input);
      expect(outcome.accepted).toBe(false);
      if (!outcome.accepted) expect(outcome.error.issues.map((i) => i.path)).toEqual([path]);
    }
  });

  it('every C0/C1 control character (except \\n and \\t where allowed) in text becomes ?, with a warning', async () => {
    for (let code = 0; code <= 0x9f; code++) {
      if (code >= 0x20 && code < 0x7f) continue;
      const char = String.fromCharCode(code);
      const id = nextId();
      const outcome = await submitChecked({ transactionId: id, content: [{ text: `a${char}b` }] });
      const allowed = code === 0x0a || code === 0x09;
      expect({ code, warnings: outcome.accepted && outcome.warnings.map((w) => w.path) }).toEqual({ code, warnings: allowed ? [] : ['content[0].text'] });
      expect({ code, text: (await spool.get(id))!.document!.content[0] }).toEqual({ code, text: { text: allowed ? `a${char}b` : 'a?b' } });
    }
  });

  it('NaN, ±Infinity, negative, fractional and huge sizes: the option is ignored (its default applies), with the path of the number', async () => {
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
        const lenient = await submitChecked({ transactionId: nextId(), content: [block] });
        expect({ n, path, accepted: lenient.accepted }).toEqual({ n, path, accepted: true });
        // A nested option is reported where strict validation reports it, or at the option itself.
        if (lenient.accepted) expect(lenient.warnings.some((w) => path.startsWith(w.path))).toBe(true);
        const strict = await submitChecked({ transactionId: nextId(), content: [block] }, { strict: true });
        expect({ n, path, accepted: strict.accepted }).toEqual({ n, path, accepted: false });
      }
    }
  });

  it('exotic JavaScript values (throwing getters, revoked proxies, symbols) are refused; values with no printable form are left out', async () => {
    const throwing = { transactionId: nextId() } as Record<string, unknown>;
    Object.defineProperty(throwing, 'content', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
    const throwingBlock = {
      transactionId: nextId(),
      content: [
        Object.defineProperty({}, 'image', {
          enumerable: true,
          get: () => {
            throw new Error('getter');
          },
        }),
      ],
    };
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
    ]) {
      expect((await submitChecked(input)).accepted).toBe(false);
    }
    for (const input of [
      { transactionId: nextId(), content: [{ text: 1n }] },
      { transactionId: nextId(), content: [() => 'x'] },
      { transactionId: nextId(), content: new Array(3) },
    ]) {
      const outcome = await submitChecked(input);
      expect(outcome.accepted && outcome.warnings.every((w) => w.code === 'BLOCK_DROPPED')).toBe(true);
    }
  });

  it('a card number is masked with CARD_NUMBER_MASKED at its path; strict refuses with CardDataError', async () => {
    const outcome = await submitChecked({ transactionId: nextId(), content: ['card 4111 1111 1111 1111'] });
    expect(outcome.accepted && outcome.warnings).toEqual([
      { code: 'CARD_NUMBER_MASKED', path: 'content[0]', message: 'a full card number masked to the first 6 and last 4 digits' },
    ]);
    const strict = await submitChecked({ transactionId: nextId(), content: ['card 4111 1111 1111 1111'] }, { strict: true });
    expect(strict.accepted).toBe(false);
    if (!strict.accepted) {
      expect(strict.error.code).toBe('CARD_DATA');
      expect(strict.error.issues[0]?.path).toBe('content[0]');
    }
  });
});
