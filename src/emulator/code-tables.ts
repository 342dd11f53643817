/**
 * Character code tables selected by `ESC t n` (Epson numbering), decoded with iconv-lite.
 * Tables iconv-lite does not know (Katakana, Thai 42, TCVN-3…) decode their upper half as U+FFFD.
 */
import iconv from 'iconv-lite';

const EPSON_CODE_TABLES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  13: 'cp857',
  14: 'cp737',
  15: 'iso88597',
  16: 'windows1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
  21: 'tis620',
  32: 'cp720',
  33: 'cp775',
  34: 'cp855',
  35: 'cp861',
  36: 'cp862',
  37: 'cp864',
  38: 'cp869',
  39: 'iso88592',
  40: 'iso885915',
  44: 'cp1125',
  45: 'windows1250',
  46: 'windows1251',
  47: 'windows1253',
  48: 'windows1254',
  49: 'windows1255',
  50: 'windows1256',
  51: 'windows1257',
  52: 'windows1258',
  53: 'rk1048',
};

/** The iconv-lite encoding for an ESC t table, or undefined when it is not supported here. */
export function codeTableEncoding(table: number): string | undefined {
  return EPSON_CODE_TABLES[table];
}

/** The twelve code points an international character set (ESC R n) replaces, in table order. */
const NATIONAL_CODE_POINTS = [0x23, 0x24, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x60, 0x7b, 0x7c, 0x7d, 0x7e];

/**
 * ESC R n: the characters at NATIONAL_CODE_POINTS per set (Epson ESC R table; the same as the
 * ESC/P international sets). Sets 16 (Vietnam) and 17 (Arabia) are not modelled and print as USA.
 */
const INTERNATIONAL_SETS: Record<number, string> = {
  0: '#$@[\\]^`{|}~', // USA
  1: '#$à°ç§^`éùè¨', // France
  2: '#$§ÄÖÜ^`äöüß', // Germany
  3: '£$@[\\]^`{|}~', // UK
  4: '#$@ÆØÅ^`æøå~', // Denmark I
  5: '#¤ÉÄÖÅÜéäöåü', // Sweden
  6: '#$@°\\é^ùàòèì', // Italy
  7: '₧$@¡Ñ¿^`¨ñ}~', // Spain I
  8: '#$@[¥]^`{|}~', // Japan
  9: '#¤ÉÆØÅÜéæøåü', // Norway
  10: '#$ÉÆØÅÜéæøåü', // Denmark II
  11: '#$á¡Ñ¿é`íñóú', // Spain II
  12: '#$á¡Ñ¿éüíñóú', // Latin America
  13: '#$@[₩]^`{|}~', // Korea
  14: '#$ŽŠĐĆČžšđćč', // Slovenia / Croatia
  15: '#¥@[\\]^`{|}~', // China
};

/** The character an international set prints for an ASCII byte, or undefined when the set leaves it alone. */
function nationalCharacter(byte: number, set: number): string | undefined {
  const index = NATIONAL_CODE_POINTS.indexOf(byte);
  if (index < 0) return undefined;
  const replacements = INTERNATIONAL_SETS[set];
  return replacements === undefined ? undefined : Array.from(replacements)[index];
}

/**
 * Decode single-byte text in code table `table` with international set `internationalSet`
 * (ESC R), or GB18030 when Kanji (Chinese) mode is on (the set is not applied there: its
 * second bytes overlap the replaced code points).
 */
export function decodeText(bytes: Uint8Array, table: number, kanjiMode: boolean, internationalSet = 0): string {
  if (kanjiMode) return iconv.decode(Buffer.from(bytes), 'gb18030');
  const encoding = codeTableEncoding(table);
  let text = '';
  if (encoding) text = iconv.decode(Buffer.from(bytes), encoding);
  else for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : '\ufffd';
  if (internationalSet === 0 || !(internationalSet in INTERNATIONAL_SETS)) return text;
  // Single-byte tables keep one character per byte, so positions line up with the bytes.
  const chars = Array.from(text);
  return Array.from(bytes, (byte, i) => nationalCharacter(byte, internationalSet) ?? chars[i] ?? '').join('');
}
