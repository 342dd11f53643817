import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidDocumentError } from '../../src/errors.js';
import { findCardNumbers, luhnValid, maskPan } from '../../src/document/card-data.js';

/** A Luhn-valid number of `length` digits starting with `prefix`. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

describe('findCardNumbers', () => {
  it.each([
    ['4111111111111111', 'pan'],
    ['Card 4111 1111 1111 1111 ok', 'pan'],
    ['4111-1111-1111-1111', 'pan'],
    ['4111 1111-1111 1111', 'pan'],
    ['378282246310005', 'pan'],
    ['6011 0009 9013 9424', 'pan'],
    ['%B4111111111111111^DOE/JOHN^2512101?', 'track1'],
    [';4111111111111111=25121010000?', 'track2'],
    ['CVV 123', 'cvv'],
    ['CVV2: 123', 'cvv'],
    ['cid#1234', 'cvv'],
  ] as const)('finds %s as %s', (text, kind) => {
    expect(findCardNumbers(text).map((m) => m.kind)).toContain(kind);
  });

  it.each([
    'Card **** **** **** 4242',
    '411111******1111',
    '4111 1111 1111 1112',
    '2026-11-26 09:41:07',
    'AUTH 123456',
    '4111  1111  1111  1111',
    '12345678901234567890123',
    'Total 1234.56',
    'CVV ***',
  ])('finds nothing in %s', (text) => {
    expect(findCardNumbers(text)).toEqual([]);
  });

  it('reports the position of the number, never its digits', () => {
    const text = 'PAN: 4111 1111 1111 1111.';
    const [match] = findCardNumbers(text);
    expect(match).toEqual({ kind: 'pan', start: 5, end: 24 });
    expect(Object.values(match!).join(' ')).not.toContain('4111');
  });

  it('finds two numbers printed side by side', () => {
    expect(findCardNumbers('4111 1111 1111 1111 5555 5555 5555 4444').map((m) => m.kind)).toEqual(['pan', 'pan']);
  });

  it.each(['4006381333908', '20261206032603', '1234567812345670', 'Milk 4006381333908'])('finds nothing in %s: passes Luhn, but no card brand issues it', (text) => {
    expect(findCardNumbers(text)).toEqual([]);
  });

  it("property: any Luhn-valid number of a brand's range and length is found, grouped or not", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom('4', '51', '2221', '34', '6011', '3528', '62', '36')
          .chain((prefix) => fc.stringMatching(new RegExp(`^[0-9]{${(prefix === '34' ? 15 : prefix === '36' ? 14 : 16) - prefix.length - 1}}$`)).map((rest) => prefix + rest)),
        fc.constantFrom('', ' ', '-'),
        fc.string({ unit: fc.constantFrom('a', ' ', '*', ':', 'x'), maxLength: 5 }),
        (body, separator, around) => {
          const pan = withCheckDigit(body);
          const grouped = pan.match(/.{1,4}/g)!.join(separator);
          expect(findCardNumbers(`${around}${grouped}${around}`).some((m) => m.kind === 'pan')).toBe(true);
        },
      ),
    );
  });

  it('property: a Luhn-invalid 16-digit number is not a PAN', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{16}$/), (digits) => {
        // An unseparated run is judged as a whole, so only the full number's check digit matters.
        fc.pre(!luhnValid(digits));
        expect(findCardNumbers(digits)).toEqual([]);
      }),
    );
  });
});

describe('maskPan', () => {
  it('keeps the first 6 and last 4 digits by default', () => {
    expect(maskPan('4111111111111111')).toBe('411111******1111');
    expect(maskPan('4111 1111-1111 1111')).toBe('411111******1111');
    expect(maskPan('378282246310005')).toBe('378282*****0005');
  });

  it('keeps the last 4 only on a customer copy', () => {
    expect(maskPan('4111111111111111', { customerCopy: true })).toBe('************1111');
  });

  it('masked output is not a PAN any more', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{11,17}$/), fc.boolean(), (body, customerCopy) => {
        const masked = maskPan(withCheckDigit(body), { customerCopy });
        expect(findCardNumbers(masked)).toEqual([]);
      }),
    );
  });

  it.each(['4111111111111112', '1234', 'abcdefgh', '4111111111111111111111'])('throws without echoing non-PAN input %s', (input) => {
    let caught: unknown;
    try {
      maskPan(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidDocumentError);
    expect((caught as Error).message).not.toContain(input);
    expect((caught as Error).message).toContain('not a card number');
  });
});
