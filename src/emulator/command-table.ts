/**
 * ESC/POS argument-length table: for each command, how many bytes it occupies.
 * The parser asks `size(head)` with the bytes collected so far (prefix included) and gets
 * either the total length, `{ need }` (call again once `head` has that many bytes) or `'nul'`
 * (the command runs up to and including a NUL byte).
 */

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;

export type CommandSize = number | { need: number } | 'nul';

export interface CommandSpec {
  /** Mnemonic such as `ESC !` or `GS ( k`, used by the interpreter and the journal. */
  readonly name: string;
  readonly size: (head: Uint8Array) => CommandSize;
  /** Executed on receipt (DLE EOT, DLE ENQ, DLE DC4), never queued. */
  readonly realtime?: boolean;
}

const at = (head: Uint8Array, i: number): number => head[i] ?? 0;
const word = (head: Uint8Array, i: number): number => at(head, i) + at(head, i + 1) * 256;

/** A command with `count` fixed argument bytes after its two-byte mnemonic. */
const fixed = (count: number) => () => 2 + count;

/** `X ( c pL pH ...`: the family of commands with a 16-bit parameter length. */
const withParameterLength = (head: Uint8Array): CommandSize => (head.length < 5 ? { need: 5 } : 5 + word(head, 3));

/** `ESC & y c1 c2 [x d1...d(y*x)]...`: user-defined characters, one width byte per character. */
function userDefinedCharacters(head: Uint8Array): CommandSize {
  if (head.length < 5) return { need: 5 };
  const y = at(head, 2);
  const count = Math.max(0, at(head, 4) - at(head, 3) + 1);
  let offset = 5;
  for (let k = 0; k < count; k++) {
    if (head.length <= offset) return { need: offset + 1 };
    offset += 1 + y * at(head, offset);
  }
  return offset;
}

/** `FS q n [xL xH yL yH d...]`: define NV bit images (obsolete but still sent by old drivers). */
function defineNvBitImages(head: Uint8Array): CommandSize {
  if (head.length < 3) return { need: 3 };
  let offset = 3;
  for (let k = 0; k < at(head, 2); k++) {
    if (head.length < offset + 4) return { need: offset + 4 };
    offset += 4 + word(head, offset) * word(head, offset + 2) * 8;
  }
  return offset;
}

const ESC_COMMANDS: Record<number, CommandSpec> = {
  0x20: { name: 'ESC SP', size: fixed(1) },
  0x21: { name: 'ESC !', size: fixed(1) },
  0x24: { name: 'ESC $', size: fixed(2) },
  0x25: { name: 'ESC %', size: fixed(1) },
  0x26: { name: 'ESC &', size: userDefinedCharacters },
  0x28: { name: 'ESC (', size: withParameterLength },
  0x2a: {
    name: 'ESC *',
    size: (h) => (h.length < 5 ? { need: 5 } : 5 + word(h, 3) * (at(h, 2) >= 32 ? 3 : 1)),
  },
  0x2d: { name: 'ESC -', size: fixed(1) },
  0x32: { name: 'ESC 2', size: fixed(0) },
  0x33: { name: 'ESC 3', size: fixed(1) },
  0x3c: { name: 'ESC <', size: fixed(0) },
  0x3d: { name: 'ESC =', size: fixed(1) },
  0x3f: { name: 'ESC ?', size: fixed(1) },
  0x40: { name: 'ESC @', size: fixed(0) },
  0x44: { name: 'ESC D', size: () => 'nul' },
  0x45: { name: 'ESC E', size: fixed(1) },
  0x47: { name: 'ESC G', size: fixed(1) },
  0x4a: { name: 'ESC J', size: fixed(1) },
  0x4b: { name: 'ESC K', size: fixed(1) },
  0x4c: { name: 'ESC L', size: fixed(0) },
  0x4d: { name: 'ESC M', size: fixed(1) },
  0x52: { name: 'ESC R', size: fixed(1) },
  0x53: { name: 'ESC S', size: fixed(0) },
  0x54: { name: 'ESC T', size: fixed(1) },
  0x55: { name: 'ESC U', size: fixed(1) },
  0x56: { name: 'ESC V', size: fixed(1) },
  0x57: { name: 'ESC W', size: fixed(8) },
  0x5c: { name: 'ESC \\', size: fixed(2) },
  0x61: { name: 'ESC a', size: fixed(1) },
  0x63: { name: 'ESC c', size: fixed(2) },
  0x64: { name: 'ESC d', size: fixed(1) },
  0x65: { name: 'ESC e', size: fixed(1) },
  0x69: { name: 'ESC i', size: fixed(0) },
  0x6d: { name: 'ESC m', size: fixed(0) },
  0x70: { name: 'ESC p', size: fixed(3) },
  0x72: { name: 'ESC r', size: fixed(1) },
  0x74: { name: 'ESC t', size: fixed(1) },
  0x75: { name: 'ESC u', size: fixed(1) },
  0x76: { name: 'ESC v', size: fixed(0) },
  0x7b: { name: 'ESC {', size: fixed(1) },
};

/** GS k: form A (m 0–6) runs to NUL, form B (m 65–) carries a length byte n. */
function barcodeSize(head: Uint8Array): CommandSize {
  if (head.length < 3) return { need: 3 };
  if (at(head, 2) <= 6) return 'nul';
  return head.length < 4 ? { need: 4 } : 4 + at(head, 3);
}

/** GS V: m 0/1/48/49 has no n; the feed-and-cut forms (65, 66, 97, 98, 103, 104) carry n. */
function cutSize(head: Uint8Array): CommandSize {
  if (head.length < 3) return { need: 3 };
  return [65, 66, 97, 98, 103, 104].includes(at(head, 2)) ? 4 : 3;
}

const GS_COMMANDS: Record<number, CommandSpec> = {
  0x21: { name: 'GS !', size: fixed(1) },
  0x24: { name: 'GS $', size: fixed(2) },
  0x28: { name: 'GS (', size: withParameterLength },
  0x2a: { name: 'GS *', size: (h) => (h.length < 4 ? { need: 4 } : 4 + at(h, 2) * at(h, 3) * 8) },
  0x2f: { name: 'GS /', size: fixed(1) },
  0x38: {
    name: 'GS 8',
    size: (h) => (h.length < 7 ? { need: 7 } : 7 + word(h, 3) + word(h, 5) * 65536),
  },
  0x3a: { name: 'GS :', size: fixed(0) },
  0x42: { name: 'GS B', size: fixed(1) },
  0x45: { name: 'GS E', size: fixed(1) },
  0x48: { name: 'GS H', size: fixed(1) },
  0x49: { name: 'GS I', size: fixed(1) },
  0x4c: { name: 'GS L', size: fixed(2) },
  0x50: { name: 'GS P', size: fixed(2) },
  0x54: { name: 'GS T', size: fixed(1) },
  0x56: { name: 'GS V', size: cutSize },
  0x57: { name: 'GS W', size: fixed(2) },
  0x5c: { name: 'GS \\', size: fixed(2) },
  0x5e: { name: 'GS ^', size: fixed(3) },
  0x61: { name: 'GS a', size: fixed(1) },
  0x62: { name: 'GS b', size: fixed(1) },
  0x63: { name: 'GS c', size: fixed(0) },
  0x66: { name: 'GS f', size: fixed(1) },
  0x67: { name: 'GS g', size: fixed(4) },
  0x68: { name: 'GS h', size: fixed(1) },
  0x6a: { name: 'GS j', size: fixed(1) },
  0x6b: { name: 'GS k', size: barcodeSize },
  0x72: { name: 'GS r', size: fixed(1) },
  0x76: {
    name: 'GS v',
    size: (h) => (h.length < 8 ? { need: 8 } : 8 + word(h, 4) * word(h, 6)),
  },
  0x77: { name: 'GS w', size: fixed(1) },
  0x7a: { name: 'GS z', size: fixed(3) },
};

const FS_COMMANDS: Record<number, CommandSpec> = {
  0x21: { name: 'FS !', size: fixed(1) },
  0x26: { name: 'FS &', size: fixed(0) },
  0x28: { name: 'FS (', size: withParameterLength },
  0x2d: { name: 'FS -', size: fixed(1) },
  0x2e: { name: 'FS .', size: fixed(0) },
  0x32: { name: 'FS 2', size: fixed(74) },
  0x3f: { name: 'FS ?', size: fixed(2) },
  0x43: { name: 'FS C', size: fixed(1) },
  0x53: { name: 'FS S', size: fixed(2) },
  0x57: { name: 'FS W', size: fixed(1) },
  0x70: { name: 'FS p', size: fixed(2) },
  0x71: { name: 'FS q', size: defineNvBitImages },
};

/** DLE DC4 fn: argument bytes after the function byte (fn 8 carries its 7-byte key). */
const DC4_ARGUMENTS: Record<number, number> = { 1: 2, 2: 2, 3: 5, 7: 1, 8: 7 };

const DLE_COMMANDS: Record<number, CommandSpec> = {
  // DLE EOT n, plus the two-byte forms n = 7 (ink) and n = 8 (peeler): `10 04 n a`.
  0x04: {
    name: 'DLE EOT',
    realtime: true,
    size: (h) => (h.length < 3 ? { need: 3 } : at(h, 2) === 7 || at(h, 2) === 8 ? 4 : 3),
  },
  0x05: { name: 'DLE ENQ', realtime: true, size: fixed(1) },
  0x14: {
    name: 'DLE DC4',
    realtime: true,
    size: (h) => (h.length < 3 ? { need: 3 } : 3 + (DC4_ARGUMENTS[at(h, 2)] ?? 0)),
  },
};

const FAMILIES: Record<number, { prefix: string; commands: Record<number, CommandSpec> }> = {
  [ESC]: { prefix: 'ESC', commands: ESC_COMMANDS },
  [GS]: { prefix: 'GS', commands: GS_COMMANDS },
  [FS]: { prefix: 'FS', commands: FS_COMMANDS },
  [DLE]: { prefix: 'DLE', commands: DLE_COMMANDS },
};

export function isCommandPrefix(byte: number): boolean {
  return byte === ESC || byte === GS || byte === FS || byte === DLE;
}

/** The spec for `prefix second`, or undefined when the printer does not know the command. */
export function lookupCommand(prefix: number, second: number): CommandSpec | undefined {
  return FAMILIES[prefix]?.commands[second];
}

/** Readable mnemonic of an unknown command, e.g. `ESC 0x7f`. */
export function unknownCommandName(prefix: number, second: number): string {
  const family = FAMILIES[prefix]?.prefix ?? `0x${prefix.toString(16)}`;
  return `${family} 0x${second.toString(16).padStart(2, '0')}`;
}
