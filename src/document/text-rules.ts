/**
 * Character rules for strings in a document. Text reaches the printer as bytes, so a control
 * character inside text would be a printer command (ESC @ resets it, GS V cuts): only `\n`
 * and `\t` are allowed where the block says so. Lone surrogates cannot be encoded at all.
 */

export interface TextRuleOptions {
  /** Allow `\n` (new line). */
  newline?: boolean;
  /** Allow `\t`. */
  tab?: boolean;
  /** Allow `\r` (only in length-prefixed symbol data such as QR). */
  carriageReturn?: boolean;
}

function hex4(code: number): string {
  return 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
}

/** Why `value` is not acceptable text, or `undefined` when it is. Never echoes the text. */
export function textProblem(value: string, options: TextRuleOptions = {}): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `invalid UTF-16: lone surrogate ${hex4(code)} at index ${i}`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `invalid UTF-16: lone surrogate ${hex4(code)} at index ${i}`;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      if (code === 0x0a && options.newline) continue;
      if (code === 0x09 && options.tab) continue;
      if (code === 0x0d && options.carriageReturn) continue;
      return `control character ${hex4(code)} at index ${i} is not allowed (it would reach the printer as a command)`;
    }
  }
  return undefined;
}

/** Length of `value` in UTF-8 bytes, without allocating. Lone surrogates count as 3 (U+FFFD). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The character printed in place of a control character or a lone surrogate. */
export const REPLACEMENT = '?';
/** The mark left where text was cut to fit a limit. */
export const ELLIPSIS = '…';

/** `value` with every character `textProblem` objects to replaced by `?`, and how many were. */
export function replaceBadCharacters(value: string, options: TextRuleOptions = {}): { text: string; replaced: number } {
  if (textProblem(value, options) === undefined) return { text: value, replaced: 0 };
  let out = '';
  let replaced = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i]! + value[i + 1]!;
        i++;
        continue;
      }
    }
    if (textProblem(value[i]!, options) === undefined) out += value[i]!;
    else {
      out += REPLACEMENT;
      replaced++;
    }
  }
  return { text: out, replaced };
}

/** `value` cut to at most `max` UTF-16 units, ending in `…` when cut (never inside a surrogate pair). */
export function truncateText(value: string, max: number): { text: string; truncated: boolean } {
  if (value.length <= max) return { text: value, truncated: false };
  let end = max - ELLIPSIS.length;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: value.slice(0, end) + ELLIPSIS, truncated: true };
}

/** `value` cut to at most `max` UTF-8 bytes, ending in `…` (3 bytes) when cut. */
export function truncateUtf8(value: string, max: number): { text: string; truncated: boolean } {
  if (utf8Length(value) <= max) return { text: value, truncated: false };
  let text = '';
  let bytes = 0;
  for (const char of value) {
    const size = utf8Length(char);
    if (bytes + size > max - 3) break;
    text += char;
    bytes += size;
  }
  return { text: text + ELLIPSIS, truncated: true };
}
