/**
 * Card data at submit: a full PAN (13–19 digits, Luhn-valid, plain or grouped with spaces or
 * dashes) in any printed string field is rejected unless allowCardNumbers; track and CVV data
 * always. Nothing the spool says about a rejection (message, issues, events, store) contains
 * the digits. EAN/UPC barcode data is exempt by design (product numbers, not Luhn).
 *
 * Longer run: FUZZ_RUNS=100000 npx vitest run test/hardening/card-data.test.ts (FUZZ_SEED replays).
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardDataError } from '../../src/errors.js';
import { luhnValid, maskPan } from '../../src/document/card-data.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import { fuzz, logSeed, tempDir } from './helpers.js';

logSeed('card-data.test.ts');

let spool: Spool;
let dir: { dir: string; remove: () => void };
const emitted: unknown[] = [];
let counter = 0;

beforeAll(() => {
  dir = tempDir();
  spool = openSpool({ path: join(dir.dir, 'spool.db') });
  for (const event of ['queued', 'store-error', 'printing', 'failed'] as const) spool.on(event, (payload: unknown) => emitted.push(payload));
});

afterAll(async () => {
  await spool.close();
  dir.remove();
});

function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** A Luhn-valid PAN of 13–19 digits and one printed form of it (plain, spaced, dashed, mixed groups). */
const panArb = fc
  .tuple(fc.integer({ min: 12, max: 18 }).chain((n) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${n - 1}}$`))), fc.constantFrom('', ' ', '-'), fc.constantFrom(4, 5, 6))
  .map(([body, separator, group]) => {
    const digits = withCheckDigit(body);
    const printed = separator === '' ? digits : (digits.match(new RegExp(`.{1,${group}}`, 'g')) ?? []).join(separator);
    return { digits, printed };
  });

type Field = { name: string; path: string; build: (text: string) => Record<string, unknown> };
const FIELDS: Field[] = [
  { name: 'transactionId', path: 'transactionId', build: (t) => ({ transactionId: t.slice(0, 64), content: [] }) },
  { name: 'printer', path: 'printer', build: (t) => ({ transactionId: `C-${++counter}`, printer: t.slice(0, 64), content: [] }) },
  { name: 'plain line', path: 'content[1]', build: (t) => ({ transactionId: `C-${++counter}`, content: ['head', t] }) },
  { name: 'text', path: 'content[0].text', build: (t) => ({ transactionId: `C-${++counter}`, content: [{ text: t }] }) },
  { name: 'row label', path: 'content[0].row[0]', build: (t) => ({ transactionId: `C-${++counter}`, content: [{ row: [t, '1.00'] }] }) },
  { name: 'row amount', path: 'content[0].row[2]', build: (t) => ({ transactionId: `C-${++counter}`, content: [{ row: ['a', 'b', t] }] }) },
  { name: 'qr', path: 'content[0].qr', build: (t) => ({ transactionId: `C-${++counter}`, content: [{ qr: t }] }) },
  { name: 'pdf417', path: 'content[0].pdf417', build: (t) => ({ transactionId: `C-${++counter}`, content: [{ pdf417: t }] }) },
  { name: 'code128', path: 'content[0].barcode', build: (t) => ({ transactionId: `C-${++counter}`, content: [{ barcode: t, symbology: 'code128' }] }) },
];

/** Every string the spool produced about a rejection: message, issues, stack-free JSON, events, the store. */
async function everythingSaid(error: unknown): Promise<string> {
  const e = error as CardDataError;
  const store = JSON.stringify(await spool.list());
  return [String(e), e.message, JSON.stringify(e.issues), JSON.stringify(e), JSON.stringify(emitted), store].join('\n');
}

describe('full card numbers are rejected at submit, and never echoed', () => {
  it('property: a PAN (plain, spaced or dashed) in any printed string field → CardDataError at that path; digits appear nowhere', async () => {
    await fc.assert(
      fc.asyncProperty(panArb, fc.constantFrom(...FIELDS), fc.constantFrom('', 'Card ', 'x'), async ({ digits, printed }, field, before) => {
        const jobsBefore = (await spool.list()).length;
        emitted.length = 0;
        const error = await spool.submit(field.build(`${before}${printed}`)).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CardDataError);
        expect((error as CardDataError).code).toBe('CARD_DATA');
        expect((error as CardDataError).issues.map((i) => i.path)).toContain(field.path);
        const said = await everythingSaid(error);
        expect(said).not.toContain(digits);
        expect(said).not.toContain(printed);
        const e = error as CardDataError;
        expect((e.message + JSON.stringify(e.issues)).replace(/[^0-9]/g, '')).not.toContain(digits);
        expect((await spool.list()).length).toBe(jobsBefore);
        expect(emitted).toEqual([]);
      }),
      fuzz(150),
    );
  });

  it('property: with allowCardNumbers (per submit or per spool) the same documents are accepted', async () => {
    // Separate stores: the main one must never hold digits (the other tests search it).
    const allowing = openSpool({ path: join(dir.dir, 'allow.db'), allowCardNumbers: true });
    const perSubmit = openSpool({ path: join(dir.dir, 'per-submit.db') });
    try {
      await fc.assert(
        fc.asyncProperty(panArb, fc.constantFrom(...FIELDS.filter((f) => f.name !== 'transactionId')), async ({ printed }, field) => {
          expect((await perSubmit.submit(field.build(printed), { allowCardNumbers: true })).created).toBe(true);
          expect((await allowing.submit(field.build(printed))).created).toBe(true);
        }),
        fuzz(60),
      );
    } finally {
      await allowing.close();
      await perSubmit.close();
    }
  });

  it('a PAN in an unknown key, or in a field that is also invalid, is not echoed either', async () => {
    const pan = '4111111111111111';
    for (const input of [
      { transactionId: 'K-1', content: [], [pan]: 1 },
      { transactionId: 'K-2', content: [{ [pan]: 'x' }] },
      { transactionId: 'K-3', content: [{ text: `${pan}\x1b` }] },
      { transactionId: 'K-4', content: [{ barcode: `${pan}é`, symbology: 'code39' }] },
      { transactionId: 'K-5', content: [{ text: pan, size: 99 }] },
    ]) {
      const error = await spool.submit(input).catch((caught: unknown) => caught);
      expect(await everythingSaid(error)).not.toContain(pan);
    }
  });

  it('property: track 1/2 and CVV data are rejected even with allowCardNumbers, without echoing them', async () => {
    const sensitive = fc.oneof(
      panArb.map(({ digits }) => ({ data: `%B${digits}^DOE/JOHN^25121010000000000000?`, secret: digits })),
      panArb.map(({ digits }) => ({ data: `;${digits}=25121010000000000?`, secret: `${digits}=2512` })),
      fc.tuple(fc.constantFrom('CVV', 'CVV2', 'CVC', 'cvc2', 'CID', 'CSC'), fc.constantFrom(': ', ' ', '#', '='), fc.stringMatching(/^[0-9]{3,4}$/)).map(([label, sep, code]) => ({
        data: `${label}${sep}${code}`,
        secret: `${label}${sep}${code}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(sensitive, fc.constantFrom(...FIELDS.filter((f) => f.name !== 'code128' && f.name !== 'transactionId' && f.name !== 'printer')), async ({ data, secret }, field) => {
        const jobsBefore = (await spool.list()).length;
        const error = await spool.submit(field.build(data), { allowCardNumbers: true }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(CardDataError);
        expect((error as CardDataError).message).toMatch(/track data|verification value/);
        expect(await everythingSaid(error)).not.toContain(secret);
        expect((await spool.list()).length).toBe(jobsBefore);
      }),
      fuzz(100),
    );
  });
});

describe('maskPan', () => {
  it('property: first 6 + last 4 (merchant) and last 4 only (customer) of any printed form; masked text is accepted at submit', async () => {
    await fc.assert(
      fc.asyncProperty(panArb, async ({ digits, printed }) => {
        const merchant = maskPan(printed);
        const customer = maskPan(printed, { customerCopy: true });
        expect(merchant).toBe(digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4));
        expect(customer).toBe('*'.repeat(digits.length - 4) + digits.slice(-4));
        expect((await spool.submit({ transactionId: `M-${++counter}`, content: [`Card ${merchant}`, { row: ['Card', customer] }] })).created).toBe(true);
      }),
      fuzz(100),
    );
  });

  it('a non-PAN is refused without echoing it', () => {
    for (const bad of ['4111111111111112', '1234', '41111111111111111111', 'abcd', '']) {
      let message = '';
      try {
        maskPan(bad);
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(/not a card number/);
      if (bad.length > 4) expect(message).not.toContain(bad);
    }
  });
});
