/**
 * After a payment a receipt is never refused for its content:
 * - any document the published JSON Schema accepts is accepted by `submit` (with warnings for
 *   what the schema cannot express: character rules, barcode data, QR capacity, PNG data);
 * - any JSON object with a string `transactionId` and an array `content` is accepted, or
 *   refused with issues that all name a top-level reason.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { InvalidDocumentError } from '../../src/errors.js';
import { useTempSpool } from './helpers.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/receipt.schema.json', import.meta.url), 'utf8')) as object;
const schemaValid = new Ajv2020({ strict: false }).compile(schema);
const logo = 'data:image/png;base64,' + readFileSync(new URL('../fixtures/logo-576x400.png', import.meta.url)).toString('base64');

const tmp = useTempSpool();
let counter = 0;

/** Any text: control characters, lone surrogates, card numbers, long runs. */
const anyText = (maxLength: number) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.string({
        maxLength,
        unit: fc.oneof(
          fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
          fc.constantFrom('\x1b@', '\ud800', '4111 1111 1111 1111', '5555555555554444', '%B4111111111111111^A/B^2512?'),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(maxLength), 'é'.repeat(Math.floor(maxLength / 2))) },
  );
const int = (min: number, max: number) => fc.integer({ min, max });
const align = fc.constantFrom('left', 'center', 'right');
const style = {
  bold: fc.boolean(),
  underline: fc.constantFrom(true, false, 1, 2),
  inverse: fc.boolean(),
  size: fc.oneof(int(1, 8), fc.record({ width: int(1, 8), height: int(1, 8) })),
  font: fc.constantFrom('A', 'B'),
};
const none = { requiredKeys: [] as never[] };

/** Blocks shaped by the JSON Schema (types, enums, ranges, lengths) with any data inside. */
const schemaBlock: fc.Arbitrary<unknown> = fc.oneof(
  anyText(200),
  fc.record({ text: anyText(200), align, ...style }, { requiredKeys: ['text'] }),
  fc.record({ row: fc.array(anyText(40), { minLength: 2, maxLength: 3 }), ...style }, { requiredKeys: ['row'] }),
  fc.record({ rule: fc.oneof(fc.constant(true), fc.record({ char: anyText(2) }, none)) }),
  fc.record({ feed: int(0, 255) }),
  fc.record(
    {
      barcode: fc.oneof(anyText(100), fc.stringMatching(/^[0-9]{12,13}$/)),
      symbology: fc.constantFrom('code128', 'ean13', 'ean8', 'upca', 'code39', 'itf', 'codabar'),
      height: int(1, 255),
      width: int(2, 6),
      hri: fc.constantFrom('none', 'above', 'below', 'both'),
      align,
    },
    { requiredKeys: ['barcode', 'symbology'] },
  ),
  fc.record(
    {
      qr: fc.oneof(anyText(300), fc.constantFrom('é'.repeat(3000), 'X'.repeat(4000), '7'.repeat(7089))),
      size: int(1, 16),
      errorCorrection: fc.constantFrom('L', 'M', 'Q', 'H'),
      align,
    },
    { requiredKeys: ['qr'] },
  ),
  fc.record(
    { pdf417: fc.oneof(anyText(300), fc.constant('é'.repeat(1800))), width: int(2, 8), rowHeight: int(2, 8), errorCorrection: int(0, 8), align },
    { requiredKeys: ['pdf417'] },
  ),
  fc.record(
    { image: fc.oneof(fc.constant(logo), anyText(50)), width: int(1, 2048), dither: fc.constantFrom('threshold', 'floyd-steinberg', 'atkinson'), threshold: int(0, 255), align },
    { requiredKeys: ['image'] },
  ),
  fc.record({ cut: fc.constantFrom(true, 'full', 'partial'), feed: int(0, 255) }, { requiredKeys: ['cut'] }),
  fc.record({ drawer: fc.constantFrom(true, 2, 5), pulseMs: int(2, 510) }, { requiredKeys: ['drawer'] }),
  fc.record({ raw: anyText(20), unsafe: fc.constant(true) }),
);

it('property: any document the JSON Schema accepts is accepted by submit', async () => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(schemaBlock, { maxLength: 8 }), fc.option(fc.constantFrom('front', 'back'), { nil: undefined }), async (content, printer) => {
      const doc = { transactionId: `S-${++counter}`, ...(printer ? { printer } : {}), content };
      fc.pre(schemaValid(doc));
      checked++;
      const result = await tmp.spool.submit(doc);
      expect(result.created).toBe(true);
      expect((await tmp.spool.get(doc.transactionId))?.warnings).toEqual(result.warnings);
    }),
    { numRuns: 150 },
  );
  expect(checked).toBeGreaterThan(100);
});

it('property: any JSON object with a string transactionId and an array content is accepted, or refused for a top-level reason', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[A-Z0-9-]{1,20}$/)),
      fc.array(fc.oneof(schemaBlock, fc.jsonValue({ maxDepth: 3 })), { maxLength: 8 }),
      fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      async (transactionId, content, extra) => {
        const doc = { ...extra, transactionId, content };
        try {
          await tmp.spool.submit(doc);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidDocumentError);
          for (const issue of (error as InvalidDocumentError).issues) expect(['transactionId', 'printer']).toContain(issue.path);
        }
      },
    ),
    { numRuns: 200 },
  );
});
