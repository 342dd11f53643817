/**
 * Card data at submit: a full PAN (a card brand's IIN range and length, Luhn-valid, plain or
 * grouped with spaces or dashes) in any printed string field is masked to first 6 / last 4
 * before anything is stored, with a CARD_NUMBER_MASKED warning at its path; track and CVV data
 * are removed. Nothing the spool says or stores (result, warnings, events, store, the database
 * file and its -wal and -shm) contains the digits. Numbers no brand issues stay as they are.
 *
 * Longer run: FUZZ_RUNS=100000 npx vitest run test/hardening/card-data.test.ts (FUZZ_SEED replays).
 */
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardBrandOf } from '../../src/document/card-brands.js';
import { luhnValid, maskPan } from '../../src/document/card-data.js';
import { encode } from '../../src/escpos/encoder.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';
import type { SubmitResult } from '../../src/spool/types.js';
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

/** One printed form of `digits`: plain, or groups of 4–6 joined by a space or a dash. */
function printedForm(digits: string, separator: string, group: number): string {
  return separator === '' ? digits : (digits.match(new RegExp(`.{1,${group}}`, 'g')) ?? []).join(separator);
}

/** Brand prefixes with a length each brand issues. */
const BRAND_STARTS: [string, number][] = [
  ['4', 16],
  ['4', 19],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['65', 19],
  ['644', 16],
  ['622126', 16],
  ['3528', 16],
  ['3589', 19],
  ['62', 17],
  ['36', 14],
  ['300', 14],
  ['38', 16],
  ['6759', 18],
  ['2200', 16],
];

/** A card number some brand issues, and one printed form of it. */
const panArb = fc.tuple(fc.constantFrom(...BRAND_STARTS), fc.constantFrom('', ' ', '-'), fc.constantFrom(4, 5, 6)).chain(([[prefix, length], separator, group]) =>
  fc.stringMatching(new RegExp(`^[0-9]{${length - prefix.length - 1}}$`)).map((middle) => {
    const digits = withCheckDigit(prefix + middle);
    return { digits, printed: printedForm(digits, separator, group) };
  }),
);

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

/** Every string the spool produced about a submit: result, warnings, events, the store's jobs and history. */
async function everythingSaid(result: SubmitResult): Promise<string> {
  const jobs = await spool.list();
  const histories = await Promise.all(jobs.map((job) => spool.history(job.transactionId)));
  return [JSON.stringify(result), JSON.stringify(emitted), JSON.stringify(jobs), JSON.stringify(histories)].join('\n');
}

describe('full card numbers are masked at submit, and never stored or echoed', () => {
  it('property: a PAN (plain, spaced or dashed) in any printed string field → accepted, CARD_NUMBER_MASKED at that path; digits appear nowhere', async () => {
    await fc.assert(
      fc.asyncProperty(panArb, fc.constantFrom(...FIELDS), fc.constantFrom('', 'Card ', 'x'), async ({ digits, printed }, field, before) => {
        emitted.length = 0;
        const result = await spool.submit(field.build(`${before}${printed}`));
        expect(result.warnings.filter((w) => w.code === 'CARD_NUMBER_MASKED').map((w) => w.path)).toEqual([field.path]);
        expect(result.job.warnings).toEqual(result.warnings);
        const said = await everythingSaid(result);
        expect(said).not.toContain(digits);
        expect(said).not.toContain(printed);
        const stored = JSON.stringify((await spool.get(result.job.transactionId))?.document);
        expect(stored).toContain(printed.slice(0, printed.length - printed.replace(/^(?:\D*\d){6}/, '').length));
        expect(stored.replace(/[^0-9]/g, '')).not.toContain(digits);
      }),
      fuzz(150),
    );
  });

  it('property: with allowCardNumbers (per submit or per spool) the same documents are stored unchanged, without warnings', async () => {
    // Separate stores: the main one must never hold digits (the other tests search it).
    const allowing = openSpool({ path: join(dir.dir, 'allow.db'), allowCardNumbers: true });
    const perSubmit = openSpool({ path: join(dir.dir, 'per-submit.db') });
    try {
      await fc.assert(
        fc.asyncProperty(panArb, fc.constantFrom(...FIELDS.filter((f) => f.name !== 'transactionId')), async ({ printed }, field) => {
          const input = field.build(printed);
          for (const result of [await perSubmit.submit(input, { allowCardNumbers: true }), await allowing.submit(field.build(printed))]) {
            expect(result.created).toBe(true);
            expect(result.warnings).toEqual([]);
            expect(JSON.stringify(result.job.document)).toContain(printed);
          }
        }),
        fuzz(60),
      );
    } finally {
      await allowing.close();
      await perSubmit.close();
    }
  });

  it('property: a Luhn-valid number no card brand issues (item codes, timestamps, order numbers) is stored unchanged, without warnings', async () => {
    const notACard = fc
      .stringMatching(/^[0-9]{12,18}$/)
      .map(withCheckDigit)
      .filter((digits) => cardBrandOf(digits) === undefined);
    await fc.assert(
      fc.asyncProperty(notACard, fc.constantFrom(...FIELDS.filter((f) => f.name !== 'transactionId' && f.name !== 'printer')), async (digits, field) => {
        const result = await spool.submit(field.build(`Ref ${digits}`));
        expect(result.warnings).toEqual([]);
        expect(JSON.stringify(result.job.document)).toContain(digits);
      }),
      fuzz(100),
    );
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
      emitted.length = 0;
      const result = await spool.submit(input);
      expect(await everythingSaid(result)).not.toContain(pan);
    }
  });

  it('property: track 1/2 and CVV data are removed even with allowCardNumbers (CARD_DATA_REMOVED), and never stored', async () => {
    const sensitive = fc.oneof(
      panArb.map(({ digits }) => ({ data: `%B${digits}^DOE/JOHN^25121010000000000000?`, secret: digits })),
      panArb.map(({ digits }) => ({ data: `;${digits}=25121010000000000?`, secret: `${digits}=2512` })),
      fc.tuple(fc.constantFrom('CVV', 'CVV2', 'CVC', 'cvc2', 'CID', 'CSC'), fc.constantFrom(': ', ' ', '#', '='), fc.stringMatching(/^[0-9]{3,4}$/)).map(([label, sep, code]) => ({
        data: `${label}${sep}${code}`,
        secret: `${label}${sep}${code}`,
      })),
    );
    await fc.assert(
      fc.asyncProperty(
        sensitive,
        fc.constantFrom(...FIELDS.filter((f) => f.name !== 'code128' && f.name !== 'transactionId' && f.name !== 'printer')),
        async ({ data, secret }, field) => {
          emitted.length = 0;
          const result = await spool.submit(field.build(data), { allowCardNumbers: true });
          expect(result.warnings.map((w) => [w.code, w.path])).toContainEqual(['CARD_DATA_REMOVED', field.path]);
          expect(await everythingSaid(result)).not.toContain(secret);
        },
      ),
      fuzz(100),
    );
  });
});

describe('test card numbers of every major brand', () => {
  const TEST_CARDS: [string, string][] = [
    ['Visa', '4111111111111111'],
    ['Visa', '4242424242424242'],
    ['Mastercard 5-series', '5555555555554444'],
    ['Mastercard 2-series', '2223003122003222'],
    ['American Express', '378282246310005'],
    ['Discover', '6011111111111117'],
    ['JCB', '3530111333300000'],
    ['UnionPay', '6200000000000005'],
    ['Diners Club', '36227206271667'],
    ['Diners Club', '30569309025904'],
  ];

  it('are accepted, printed masked, and their digits are nowhere in the database, -wal or -shm (no checkpoint)', async () => {
    const store = tempDir();
    const path = join(store.dir, 'cards.db');
    const cards = openSpool({ path });
    try {
      for (const [brand, pan] of TEST_CARDS) {
        const spaced = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
        const result = await cards.submit({ transactionId: `${brand}-${pan.slice(-4)}`, content: [`Card ${pan}`, { row: ['Card', spaced] }] });
        expect({ brand, codes: result.warnings.map((w) => w.code) }).toEqual({ brand, codes: ['CARD_NUMBER_MASKED', 'CARD_NUMBER_MASKED'] });
        const masked = pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4);
        const printed = Buffer.from(encode(result.job.document!, 'generic-80').bytes).toString('latin1');
        expect({ brand, masked: printed.includes(`Card ${masked}`) }).toEqual({ brand, masked: true });
        expect({ brand, full: printed.includes(pan) || printed.includes(spaced) }).toEqual({ brand, full: false });
      }
      // Read while the spool is open: closing would checkpoint the WAL into the main file.
      const files = ['', '-wal', '-shm'].map((suffix) => path + suffix).filter((file) => existsSync(file));
      expect(files).toContain(path + '-wal');
      for (const file of files) {
        const bytes = readFileSync(file).toString('latin1');
        for (const [brand, pan] of TEST_CARDS) {
          expect({ file, brand, found: bytes.includes(pan) || bytes.includes(pan.replace(/(\d{4})(?=\d)/g, '$1 ')) }).toEqual({ file, brand, found: false });
        }
      }
    } finally {
      await cards.close();
      store.remove();
    }
  });

  it('numbers that pass Luhn but match no brand are printed unchanged', async () => {
    for (const line of ['Milk 4006381333908', 'Ref 20261206032603', 'Order 1234567812345670']) {
      const result = await spool.submit({ transactionId: `N-${++counter}`, content: [line] });
      expect(result.warnings).toEqual([]);
      expect(result.job.document?.content).toEqual([line]);
      expect(Buffer.from(encode(result.job.document!, 'generic-80').bytes).toString('latin1')).toContain(line);
    }
  });
});

describe('maskPan', () => {
  it('property: first 6 + last 4 (merchant) and last 4 only (customer) of any printed form; masked text is accepted at submit without warnings', async () => {
    await fc.assert(
      fc.asyncProperty(panArb, async ({ digits, printed }) => {
        const merchant = maskPan(printed);
        const customer = maskPan(printed, { customerCopy: true });
        expect(merchant).toBe(digits.slice(0, 6) + '*'.repeat(digits.length - 10) + digits.slice(-4));
        expect(customer).toBe('*'.repeat(digits.length - 4) + digits.slice(-4));
        const result = await spool.submit({ transactionId: `M-${++counter}`, content: [`Card ${merchant}`, { row: ['Card', customer] }] });
        expect(result.created).toBe(true);
        expect(result.warnings).toEqual([]);
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
