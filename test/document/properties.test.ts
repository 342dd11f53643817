import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidDocumentError } from '../../src/errors.js';
import { checkReceipt, validateReceipt } from '../../src/document/validate.js';
import type { Block } from '../../src/document/types.js';

/** Printable text without control characters, lone surrogates or digits (so no card numbers). */
const safeText = (maxLength: number) => fc.string({ unit: fc.oneof(fc.constantFrom('a', 'Z', ' ', '.', '€', '你', 'é', '😀', '-', '('), fc.constant('x')), maxLength });
const align = fc.constantFrom('left', 'center', 'right');
const style = fc.record(
  {
    bold: fc.boolean(),
    underline: fc.constantFrom(true, false, 1, 2),
    inverse: fc.boolean(),
    size: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.record({ width: fc.integer({ min: 1, max: 8 }), height: fc.integer({ min: 1, max: 8 }) })),
    font: fc.constantFrom('A', 'B'),
  },
  { requiredKeys: [] },
);

const block = fc.oneof(
  safeText(40),
  fc.tuple(safeText(40), style, fc.option(align, { nil: undefined })).map(([text, s, a]) => ({ text, ...s, ...(a ? { align: a } : {}) })),
  fc.tuple(fc.array(safeText(20), { minLength: 2, maxLength: 3 }), style).map(([row, s]) => ({ row, ...s }) as Block),
  fc.constantFrom<Block>({ rule: true }, { rule: { char: '=' } }, { cut: true }, { cut: 'full', feed: 3 }, { drawer: 2 }, { raw: '1b40', unsafe: true }),
  fc.integer({ min: 0, max: 255 }).map((feed) => ({ feed })),
  fc.record({ qr: safeText(100).filter((s) => s.length > 0), size: fc.integer({ min: 1, max: 16 }) }),
  fc.stringMatching(/^[0-9]{12}$/).map((barcode) => ({ barcode, symbology: 'ean13' as const })),
  fc.stringMatching(/^[A-Z0-9]{1,20}$/).map((barcode) => ({ barcode, symbology: 'code39' as const })),
) as fc.Arbitrary<Block>;

const document = fc.record({
  transactionId: fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
  content: fc.array(block, { maxLength: 30 }),
});

/** True when `path` (as formatted by validate) names a location in `input`, or a missing key of an existing object. */
function pathExists(input: unknown, path: string): boolean {
  if (path === '') return true;
  const segments = [...path.matchAll(/([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)].map(
    (m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)),
  );
  let node: unknown = input;
  for (const [i, segment] of segments.entries()) {
    if (typeof node !== 'object' || node === null) return false;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return i === segments.length - 1 && !Array.isArray(node);
    node = (node as Record<string | number, unknown>)[segment];
  }
  return true;
}

describe('validation properties', () => {
  it('any generated valid document validates and round-trips', () => {
    fc.assert(
      fc.property(document, (doc) => {
        expect(validateReceipt(doc)).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON value validates or yields issues with a reason and a path into the input; only InvalidDocumentError is thrown', () => {
    const mutated = fc.oneof(
      fc.jsonValue({ maxDepth: 6 }),
      fc.record({ transactionId: fc.jsonValue({ maxDepth: 2 }), content: fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }) }),
      fc.record({
        transactionId: fc.constant('T'),
        content: fc.array(
          fc.oneof(block, fc.dictionary(fc.constantFrom('text', 'row', 'qr', 'size', 'feed', 'cut', 'unsafe', 'raw', 'symbology', 'barcode'), fc.jsonValue({ maxDepth: 2 }))),
          { maxLength: 8 },
        ),
      }),
    );
    fc.assert(
      fc.property(mutated, (input) => {
        const result = checkReceipt(input);
        if (result.ok) return;
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) {
          expect(issue.message.length).toBeGreaterThan(0);
          expect(issue.message).not.toMatch(/\n\s+at /);
          expect(pathExists(input, issue.path), `${issue.path} in ${JSON.stringify(input)}`).toBe(true);
        }
        try {
          validateReceipt(input);
          expect.unreachable('validateReceipt accepted what checkReceipt rejected');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidDocumentError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a control character or lone surrogate anywhere in text is rejected at that text', () => {
    const bad = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x09),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    fc.assert(
      fc.property(
        document.filter((d) => d.content.length > 0),
        bad,
        fc.nat(),
        (doc, code, at) => {
          const index = at % doc.content.length;
          const content = [...doc.content];
          content[index] = `ok${String.fromCharCode(code)}ok`;
          const result = checkReceipt({ ...doc, content });
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.issues.map((i) => i.path)).toContain(`content[${index}]`);
        },
      ),
    );
  });

  it('NaN, Infinity, negative and fractional sizes are rejected with the path of the number', () => {
    const badNumber = fc.oneof(
      fc.constant(Number.NaN),
      fc.constant(Infinity),
      fc.constant(-Infinity),
      fc.integer({ max: -1 }),
      fc.double({ min: 0.01, max: 0.99 }).map((f) => 3 + f),
    );
    const holders = [
      (n: number) => ({ block: { feed: n }, path: 'feed' }),
      (n: number) => ({ block: { qr: 'x', size: n }, path: 'size' }),
      (n: number) => ({ block: { barcode: 'A', symbology: 'code128', height: n }, path: 'height' }),
      (n: number) => ({ block: { text: 'a', size: { width: 1, height: n } }, path: 'size' }),
      (n: number) => ({ block: { cut: true, feed: n }, path: 'feed' }),
    ];
    fc.assert(
      fc.property(badNumber, fc.constantFrom(...holders), (n, holder) => {
        const { block: b, path } = holder(n);
        const result = checkReceipt({ transactionId: 'T', content: ['x', b] });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.some((i) => i.path.startsWith(`content[1].${path}`))).toBe(true);
      }),
    );
  });
});
