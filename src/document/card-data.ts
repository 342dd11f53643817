/**
 * Card data detection and masking (PCI DSS: a full PAN must not be printed on a receipt or
 * stored unprotected, req. 3.4: at most the first 6 and last 4 digits shown; sensitive
 * authentication data — track data, CVV — never). A PAN is a digit run that a card brand
 * issues (card-brands.ts) and that passes Luhn. Nothing here returns or reports the digits it
 * found, only where they are.
 */
import { InvalidDocumentError } from '../errors.js';
import { cardBrandOf, MAX_PAN_LENGTH, MIN_PAN_LENGTH } from './card-brands.js';

export type CardDataKind = 'pan' | 'track1' | 'track2' | 'cvv';

export interface CardDataMatch {
  kind: CardDataKind;
  /** UTF-16 offsets of the match in the searched text (end exclusive). */
  start: number;
  end: number;
}

/** Digit groups joined by single spaces or dashes, e.g. `4111 1111-1111 1111`. */
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
/** Track 1: `%B` PAN `^` name `^` expiry, service code, discretionary data `?` (sentinels optional). */
const TRACK1 = /%?B\d{12,19}\^[^^\n]{1,26}\^[^?\n]*\??/g;
/** Track 2: `;` PAN `=` expiry, service code, discretionary data `?` (sentinels optional). */
const TRACK2 = /;?\d{12,19}=\d{4,}\??/g;
const CVV = /\b(?:CVV2?|CVC2?|CID|CAV2|CSC)\b[\s:#=.-]{0,3}\d{3,4}\b/gi;

/** True when `digits` (ASCII digits only) passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** True when `digits` is a number a card brand issues (IIN range and length) and passes Luhn. */
export function isCardNumber(digits: string): boolean {
  return cardBrandOf(digits) !== undefined && luhnValid(digits);
}

/**
 * Card numbers inside one run of digit groups. An unseparated run is a PAN only when it is one
 * as a whole (longer digit strings are ids, not cards); a separated run is searched for
 * consecutive groups that form one, so two card numbers printed side by side are both found.
 */
function pansInRun(text: string, runStart: number, run: string, out: CardDataMatch[]): void {
  const groups: { start: number; end: number }[] = [];
  const groupPattern = /\d+/g;
  for (let m = groupPattern.exec(run); m; m = groupPattern.exec(run)) {
    groups.push({ start: runStart + m.index, end: runStart + m.index + m[0].length });
  }
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length; last++) {
      const group = groups[last]!;
      digits += text.slice(group.start, group.end);
      if (digits.length > MAX_PAN_LENGTH) break;
      if (digits.length >= MIN_PAN_LENGTH && isCardNumber(digits)) {
        out.push({ kind: 'pan', start: groups[first]!.start, end: group.end });
        first = last;
        break;
      }
    }
  }
}

/**
 * Full card numbers (a brand's IIN range and length, passing Luhn, optionally grouped with
 * single spaces or dashes), magnetic track 1/2 data and CVV/CVC/CID values in `text`, sorted by
 * start (the longer first at equal starts). Masked numbers such as `**** **** **** 4242` or
 * `411111******1111` are not matches.
 */
export function findCardNumbers(text: string): CardDataMatch[] {
  const found: CardDataMatch[] = [];
  for (const [kind, pattern] of [
    ['track1', TRACK1],
    ['track2', TRACK2],
    ['cvv', CVV],
  ] as const) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      found.push({ kind, start: m.index, end: m.index + m[0].length });
    }
  }
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m; m = DIGIT_RUN.exec(text)) {
    pansInRun(text, m.index, m[0], found);
  }
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
}

export interface MaskedText {
  text: string;
  /** Card numbers masked to first 6 / last 4. */
  masked: number;
  /** Track data and CVVs removed. */
  removed: number;
}

/** Printed instead of magnetic-stripe track data. */
export const TRACK_DATA_PLACEHOLDER = '[card data removed]';

/**
 * `text` with every card number masked in place (first 6 and last 4 digits kept, separators
 * kept: `4111 11** **** 1111`), track data replaced by a placeholder and CVV digits by `*`.
 * With `allowCardNumbers` card numbers stay; track data and CVVs are removed regardless.
 */
export function maskCardData(text: string, options: { allowCardNumbers?: boolean } = {}): MaskedText {
  const matches = findCardNumbers(text);
  if (matches.length === 0) return { text, masked: 0, removed: 0 };
  let out = '';
  let at = 0;
  let masked = 0;
  let removed = 0;
  for (const match of matches) {
    if (match.start < at) continue; // inside track data already removed
    if (match.kind === 'pan' && options.allowCardNumbers) continue;
    out += text.slice(at, match.start);
    const found = text.slice(match.start, match.end);
    if (match.kind === 'pan') {
      out += maskDigitsInPlace(found);
      masked++;
    } else {
      out += match.kind === 'cvv' ? found.replace(/\d+$/, (digits) => '*'.repeat(digits.length)) : TRACK_DATA_PLACEHOLDER;
      removed++;
    }
    at = match.end;
  }
  return { text: out + text.slice(at), masked, removed };
}

/** Keeps the first 6 and the last 4 digits of a grouped number, stars for the rest. */
function maskDigitsInPlace(printed: string): string {
  const total = printed.replace(/\D/g, '').length;
  let seen = 0;
  let out = '';
  for (const char of printed) {
    if (char < '0' || char > '9') {
      out += char;
      continue;
    }
    seen++;
    out += seen <= 6 || seen > total - 4 ? char : '*';
  }
  return out;
}

/** Human wording of what was found, for error messages (never the data itself). */
export function describeCardData(kind: CardDataKind): string {
  switch (kind) {
    case 'pan':
      return 'contains a full card number (PAN); mask it with maskPan() or pass allowCardNumbers';
    case 'track1':
    case 'track2':
      return 'contains magnetic-stripe track data, which must never be printed or stored';
    case 'cvv':
      return 'contains a card verification value (CVV/CVC/CID), which must never be printed or stored';
  }
}

export interface MaskPanOptions {
  /** Customer copy: show the last 4 digits only. Default: first 6 and last 4 (merchant copy). */
  customerCopy?: boolean;
}

/**
 * Mask a card number for printing: `411111******1111`, or `************1111` for a customer
 * copy. Spaces and dashes in the input are dropped. Throws `InvalidDocumentError` (without
 * echoing the input) when `pan` is not a 13–19 digit Luhn-valid number.
 */
export function maskPan(pan: string, options: MaskPanOptions = {}): string {
  const digits = typeof pan === 'string' ? pan.replace(/[ -]/g, '') : '';
  if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) {
    throw new InvalidDocumentError([{ path: 'pan', message: 'not a card number: expected 13–19 digits passing the Luhn check' }]);
  }
  const last4 = digits.slice(-4);
  if (options.customerCopy) return '*'.repeat(digits.length - 4) + last4;
  return digits.slice(0, 6) + '*'.repeat(digits.length - 10) + last4;
}
