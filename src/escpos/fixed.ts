/**
 * Command bytes the encoder emits over and over, built once with the builders in commands.ts.
 * Sinks copy what they keep (see CommandSink), so sharing one array per command is safe.
 */
import * as cmd from './commands.js';

export const INITIALIZE = cmd.initialize();
export const LF = cmd.lineFeed();
/** GS V function B with no extra feed, full and partial. */
export const CUT = { full: cmd.cut('full', 0), partial: cmd.cut('partial', 0) } as const;
export const KANJI_ON = cmd.kanjiModeOn();
export const KANJI_OFF = cmd.kanjiModeOff();
const JUSTIFY_LEFT = cmd.justify('left');
const JUSTIFY_CENTER = cmd.justify('center');
const JUSTIFY_RIGHT = cmd.justify('right');
/** ESC a n; like the builder, anything but center/right is left (documents may skip validation). */
export function justify(align: string): Uint8Array {
  return align === 'center' ? JUSTIFY_CENTER : align === 'right' ? JUSTIFY_RIGHT : JUSTIFY_LEFT;
}
export const FONT = { A: cmd.font('A'), B: cmd.font('B') } as const;
export const EMPHASIZED_OFF = cmd.emphasized(false);
export const EMPHASIZED_ON = cmd.emphasized(true);
export const REVERSE_OFF = cmd.reverse(false);
export const REVERSE_ON = cmd.reverse(true);
export const UNDERLINE = [cmd.underline(0), cmd.underline(1), cmd.underline(2)] as const;
export const KANJI_UNDERLINE = [cmd.kanjiUnderline(0), cmd.kanjiUnderline(1), cmd.kanjiUnderline(2)] as const;

const sizes: (Uint8Array | undefined)[] = [];
/** GS ! for a width and height magnification 1–8 (validated by the builder on first use). */
export function characterSize(width: number, height: number): Uint8Array {
  const key = width * 16 + height;
  return (sizes[key] ??= cmd.characterSize(width, height));
}

const feeds: (Uint8Array | undefined)[] = [];
/** ESC d n. */
export function feedLines(n: number): Uint8Array {
  return (feeds[n] ??= cmd.feedLines(n));
}

const tables: (Uint8Array | undefined)[] = [];
/** ESC t n. */
export function codeTable(n: number): Uint8Array {
  return (tables[n] ??= cmd.codeTable(n));
}

export const QR_MODEL_2 = cmd.qrModel2();
export const QR_PRINT = cmd.qrPrint();

const qrSizes: (Uint8Array | undefined)[] = [];
/** GS ( k QR module size. */
export function qrModuleSize(dots: number): Uint8Array {
  return (qrSizes[dots] ??= cmd.qrModuleSize(dots));
}

const qrLevels = new Map<string, Uint8Array>();
/** GS ( k QR error correction level. */
export function qrErrorCorrection(level: 'L' | 'M' | 'Q' | 'H'): Uint8Array {
  let bytes = qrLevels.get(level);
  if (!bytes) qrLevels.set(level, (bytes = cmd.qrErrorCorrection(level)));
  return bytes;
}
