/**
 * Character → byte lookup for single-byte code pages and GB18030, built lazily with iconv-lite
 * and cached, so encoding a receipt is a map lookup per character.
 */
import iconv from 'iconv-lite';

/** Reverse maps (code point → byte) for the upper half 0x80–0xFF of each single-byte page. */
const reverseMaps = new Map<string, Map<number, number>>();

/** Code point → byte for the upper half of the single-byte page `encoding`, built once. */
export function reverseMap(encoding: string): Map<number, number> {
  let map = reverseMaps.get(encoding);
  if (map) return map;
  map = new Map();
  const upper = new Uint8Array(128);
  for (let i = 0; i < 128; i++) upper[i] = 0x80 + i;
  const decoded = iconv.decode(Buffer.from(upper), encoding);
  let i = 0;
  for (const ch of decoded) {
    const cp = ch.codePointAt(0)!;
    // iconv-lite decodes unassigned bytes to U+FFFD; the first byte wins for duplicates.
    if (cp !== 0xfffd && cp >= 0xa0 && !map.has(cp)) map.set(cp, 0x80 + i);
    i++;
  }
  reverseMaps.set(encoding, map);
  return map;
}

/** True for printable ASCII (0x20–0x7E), identical in every ESC t table and in Kanji mode. */
export function isPrintableAscii(cp: number): boolean {
  return cp >= 0x20 && cp <= 0x7e;
}

const gbCache = new Map<number, Uint8Array | null>();

/** GB18030 bytes for `cp` (2 or 4 bytes), or undefined if it is not a character GB18030 maps. */
export function gb18030Bytes(cp: number): Uint8Array | undefined {
  let bytes = gbCache.get(cp);
  if (bytes === undefined) {
    const ch = String.fromCodePoint(cp);
    const encoded = iconv.encode(ch, 'gb18030');
    bytes = encoded.length >= 2 && iconv.decode(encoded, 'gb18030') === ch ? new Uint8Array(encoded) : null;
    gbCache.set(cp, bytes);
  }
  return bytes ?? undefined;
}
