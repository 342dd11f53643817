/**
 * What makes a digit run a payment card number: a card brand's issuer identification (IIN)
 * range together with a length that brand issues. Luhn alone is not enough: one random number
 * in ten passes it, and receipts are full of item codes, timestamps and order numbers.
 *
 * Sources: ISO/IEC 7812-1 (numbering: MII, IIN, Luhn check digit); Mastercard Rules and the
 * Mastercard 2-series BIN announcement (2221–2720, 16 digits); Visa Core Rules (16- and
 * 19-digit PANs); American Express (34/37, 15); Discover Global Network IIN ranges (6011,
 * 622126–622925, 644–649, 65; Diners Club International 300–305, 3095, 36, 38–39 on that
 * network; 16–19 digits); JCB (3528–3589); UnionPay (62, 81); Mir (2200–2204); the table in
 * Wikipedia's "Payment card number" article, which cites the brands' own documents.
 *
 * Left out on purpose: 13-digit Visa numbers (no longer issued, and EAN-13 item codes from
 * GS1 prefixes 400–499 would match them), UATP (prefix 1, airline only) and national schemes
 * whose ranges cover whole leading digits (e.g. Indonesia's GPN), which would mask order numbers.
 */

export interface CardBrand {
  name: string;
  /** Inclusive ranges of leading digits, both ends of equal length (e.g. ['2221', '2720']). */
  ranges: readonly (readonly [string, string])[];
  lengths: readonly number[];
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19] as const;

function one(prefix: string): readonly [string, string] {
  return [prefix, prefix];
}

export const CARD_BRANDS: readonly CardBrand[] = [
  { name: 'Visa', ranges: [one('4')], lengths: [16, 19] },
  {
    name: 'Mastercard',
    ranges: [
      ['51', '55'],
      ['2221', '2720'],
    ],
    lengths: [16],
  },
  { name: 'American Express', ranges: [one('34'), one('37')], lengths: [15] },
  { name: 'Discover', ranges: [one('6011'), ['622126', '622925'], ['644', '649'], one('65')], lengths: SIXTEEN_TO_NINETEEN },
  { name: 'JCB', ranges: [['3528', '3589']], lengths: SIXTEEN_TO_NINETEEN },
  { name: 'UnionPay', ranges: [one('62'), ['8100', '8171']], lengths: SIXTEEN_TO_NINETEEN },
  { name: 'Diners Club', ranges: [['300', '305'], one('3095'), one('36'), ['38', '39']], lengths: [14, 15, 16, 17, 18, 19] },
  {
    name: 'Maestro',
    ranges: [one('5018'), one('5020'), one('5038'), one('5893'), one('6304'), one('6759'), ['6761', '6763'], one('676770'), one('676774')],
    lengths: [13, 14, 15, 16, 17, 18, 19],
  },
  { name: 'Mir', ranges: [['2200', '2204']], lengths: SIXTEEN_TO_NINETEEN },
  { name: 'Dankort', ranges: [one('5019')], lengths: [16] },
  { name: 'RuPay', ranges: [one('60'), one('652'), one('508'), one('353'), one('356')], lengths: [16] },
  {
    name: 'Verve',
    ranges: [
      ['506099', '506198'],
      ['507865', '507964'],
      ['650002', '650027'],
    ],
    lengths: [16, 18, 19],
  },
  { name: 'Troy', ranges: [one('9792')], lengths: [16] },
];

/** Shortest and longest PAN any brand issues: the digit runs worth looking at. */
export const MIN_PAN_LENGTH = Math.min(...CARD_BRANDS.flatMap((brand) => brand.lengths));
export const MAX_PAN_LENGTH = Math.max(...CARD_BRANDS.flatMap((brand) => brand.lengths));

/** The brand whose IIN range and length fit `digits` (ASCII digits only), ignoring the check digit. */
export function cardBrandOf(digits: string): CardBrand | undefined {
  for (const brand of CARD_BRANDS) {
    if (!brand.lengths.includes(digits.length)) continue;
    for (const [low, high] of brand.ranges) {
      const head = digits.slice(0, low.length);
      if (head >= low && head <= high) return brand;
    }
  }
  return undefined;
}
