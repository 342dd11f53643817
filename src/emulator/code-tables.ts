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

/** Decode single-byte text in code table `table`, or GB18030 when Kanji (Chinese) mode is on. */
export function decodeText(bytes: Uint8Array, table: number, kanjiMode: boolean): string {
  if (kanjiMode) return iconv.decode(Buffer.from(bytes), 'gb18030');
  const encoding = codeTableEncoding(table);
  if (encoding) return iconv.decode(Buffer.from(bytes), encoding);
  let text = '';
  for (const byte of bytes) text += byte < 0x80 ? String.fromCharCode(byte) : '\ufffd';
  return text;
}
