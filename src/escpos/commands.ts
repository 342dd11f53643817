/**
 * ESC/POS command builders. Each returns the bytes of one command, named after Epson's
 * ESC/POS reference (download4.epson.biz/sec_pubs/pos/reference_en/escpos/). Pure: no state,
 * no I/O. The printer layer imports the status and confirmation builders from here.
 */
import { InvalidArgumentError } from '../errors.js';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

function byteArg(name: string, value: number, min = 0, max = 255): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer ${min}–${max}, got ${value}`);
  }
  return value;
}

// ---------------------------------------------------------------- setup and status

/** ESC @ — initialize printer: clears the buffer and resets modes (code table, Kanji, ASB). */
export function initialize(): Uint8Array {
  return Uint8Array.of(ESC, 0x40);
}

/**
 * GS ( H fn 48 — request transmission of a process-ID response. The printer answers
 * `37 22 d1 d2 d3 d4 00` when everything before it has *printed*. `id` is 4 characters 0x30–0x7E.
 */
export function processIdRequest(id: string): Uint8Array {
  if (!/^[\x30-\x7e]{4}$/.test(id)) {
    throw new InvalidArgumentError(`process ID must be 4 characters in 0x30–0x7E, got ${JSON.stringify(id)}`);
  }
  return Uint8Array.of(GS, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, ...[...id].map((c) => c.charCodeAt(0)));
}

/** GS r n — transmit status (1/49: paper sensor, 2/50: drawer kick-out connector). Processed in sequence. */
export function transmitStatus(n: 1 | 2 | 49 | 50): Uint8Array {
  return Uint8Array.of(GS, 0x72, byteArg('GS r n', n, 1, 50));
}

/** DLE EOT n — real-time status (1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor). */
export function realtimeStatus(n: 1 | 2 | 3 | 4): Uint8Array {
  return Uint8Array.of(DLE, 0x04, byteArg('DLE EOT n', n, 1, 4));
}

/** GS a n — enable/disable Automatic Status Back; `mask` bits: 0 drawer, 1 online, 2 error, 3 paper. */
export function enableAsb(mask: number): Uint8Array {
  return Uint8Array.of(GS, 0x61, byteArg('GS a n', mask));
}

/** GS I n — transmit printer ID (1 model ID, 2 type ID, 3 version, 65 firmware, 66 maker, 67 model name, ...). */
export function printerInfo(n: number): Uint8Array {
  return Uint8Array.of(GS, 0x49, byteArg('GS I n', n));
}

/** DLE DC4 fn 8 — clear buffers (receive and print buffers); the printer answers `37 25 00`. */
export function clearBuffers(): Uint8Array {
  return Uint8Array.of(DLE, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08);
}

/** DLE ENQ n — real-time request: 1 recover from error and restart from the error line, 2 recover and clear buffers. */
export function recover(n: 1 | 2): Uint8Array {
  return Uint8Array.of(DLE, 0x05, byteArg('DLE ENQ n', n, 1, 2));
}

// ---------------------------------------------------------------- characters

/** ESC ! n — select print modes (bit 0 font B, 3 emphasized, 4 double height, 5 double width, 7 underline). */
export function printMode(n: number): Uint8Array {
  return Uint8Array.of(ESC, 0x21, byteArg('ESC ! n', n));
}

/** ESC E n — turn emphasized (bold) mode on/off. */
export function emphasized(on: boolean): Uint8Array {
  return Uint8Array.of(ESC, 0x45, on ? 1 : 0);
}

/** ESC - n — underline mode: 0 off, 1 one-dot, 2 two-dot. */
export function underline(n: 0 | 1 | 2): Uint8Array {
  return Uint8Array.of(ESC, 0x2d, byteArg('ESC - n', n, 0, 2));
}

/** FS - n — underline mode for Kanji characters: 0 off, 1 one-dot, 2 two-dot. */
export function kanjiUnderline(n: 0 | 1 | 2): Uint8Array {
  return Uint8Array.of(FS, 0x2d, byteArg('FS - n', n, 0, 2));
}

/** GS B n — turn white/black reverse printing on/off. */
export function reverse(on: boolean): Uint8Array {
  return Uint8Array.of(GS, 0x42, on ? 1 : 0);
}

/** GS ! n — character size: width and height magnification 1–8 each. */
export function characterSize(width: number, height: number): Uint8Array {
  byteArg('GS ! width', width, 1, 8);
  byteArg('GS ! height', height, 1, 8);
  return Uint8Array.of(GS, 0x21, ((width - 1) << 4) | (height - 1));
}

/** ESC M n — select character font: 0 font A, 1 font B. */
export function font(f: 'A' | 'B'): Uint8Array {
  return Uint8Array.of(ESC, 0x4d, f === 'B' ? 1 : 0);
}

/** ESC a n — justification: 0 left, 1 center, 2 right. */
export function justify(align: 'left' | 'center' | 'right'): Uint8Array {
  return Uint8Array.of(ESC, 0x61, align === 'center' ? 1 : align === 'right' ? 2 : 0);
}

/** ESC t n — select character code table (page n). */
export function codeTable(n: number): Uint8Array {
  return Uint8Array.of(ESC, 0x74, byteArg('ESC t n', n));
}

/** FS & — select Kanji character mode (on GB18030 printers: bytes ≥ 0x80 are GB18030). */
export function kanjiModeOn(): Uint8Array {
  return Uint8Array.of(FS, 0x26);
}

/** FS . — cancel Kanji character mode (back to the single-byte ESC t table). */
export function kanjiModeOff(): Uint8Array {
  return Uint8Array.of(FS, 0x2e);
}

/** FS C n — select Kanji character code system (Japanese models: 0 JIS, 1 Shift JIS, 2 Shift JIS-2004). */
export function kanjiCodeSystem(n: 0 | 1 | 2): Uint8Array {
  return Uint8Array.of(FS, 0x43, byteArg('FS C n', n, 0, 2));
}

// ---------------------------------------------------------------- paper

/** LF — print and line feed. */
export function lineFeed(): Uint8Array {
  return Uint8Array.of(0x0a);
}

/** ESC d n — print and feed n lines. */
export function feedLines(n: number): Uint8Array {
  return Uint8Array.of(ESC, 0x64, byteArg('ESC d n', n));
}

/**
 * GS V — cut paper. With `feed` (function B, m = 65 full / 66 partial) the printer first feeds
 * to the cutting position plus `feed` motion units; without it (function A, m = 0 / 1) it cuts
 * where the paper is.
 */
export function cut(kind: 'full' | 'partial', feed?: number): Uint8Array {
  if (feed === undefined) return Uint8Array.of(GS, 0x56, kind === 'full' ? 0 : 1);
  return Uint8Array.of(GS, 0x56, kind === 'full' ? 65 : 66, byteArg('GS V n', feed));
}

/** ESC p m t1 t2 — generate pulse on drawer connector pin 2 (m=0) or 5 (m=1): on t1×2 ms, off t2×2 ms. */
export function drawerPulse(pin: 2 | 5, onMs: number, offMs: number): Uint8Array {
  const t1 = Math.min(255, Math.max(1, Math.round(onMs / 2)));
  const t2 = Math.min(255, Math.max(t1, Math.round(offMs / 2)));
  return Uint8Array.of(ESC, 0x70, pin === 5 ? 1 : 0, t1, t2);
}

// ---------------------------------------------------------------- barcodes

/** GS h n — barcode height in dots (1–255). */
export function barcodeHeight(dots: number): Uint8Array {
  return Uint8Array.of(GS, 0x68, byteArg('GS h n', dots, 1, 255));
}

/** GS w n — barcode module width (2–6). */
export function barcodeWidth(n: number): Uint8Array {
  return Uint8Array.of(GS, 0x77, byteArg('GS w n', n, 1, 6));
}

/** GS H n — HRI character position: 0 none, 1 above, 2 below, 3 both. */
export function hriPosition(position: 'none' | 'above' | 'below' | 'both'): Uint8Array {
  return Uint8Array.of(GS, 0x48, ['none', 'above', 'below', 'both'].indexOf(position));
}

/** GS f n — HRI font: 0 font A, 1 font B. */
export function hriFont(f: 'A' | 'B'): Uint8Array {
  return Uint8Array.of(GS, 0x66, f === 'B' ? 1 : 0);
}

/** Barcode system numbers m for GS k form B. */
export const BARCODE_SYSTEM = {
  upca: 65,
  upce: 66,
  ean13: 67,
  ean8: 68,
  code39: 69,
  itf: 70,
  codabar: 71,
  code93: 72,
  code128: 73,
} as const;

/** GS k m n d1…dn — print barcode, form B: `n` is the byte length of `data`. */
export function barcode(m: number, data: Uint8Array): Uint8Array {
  byteArg('GS k m', m, 65, 79);
  byteArg('GS k n (data length)', data.length, 1, 255);
  const out = new Uint8Array(4 + data.length);
  out[0] = GS;
  out[1] = 0x6b;
  out[2] = m;
  out[3] = data.length;
  out.set(data, 4);
  return out;
}

// ---------------------------------------------------------------- 2D codes: GS ( k

/** GS ( k pL pH cn fn [m] params: `m`, when given, is the one byte before `params` (the store functions' 48). */
function gsK(cn: number, fn: number, params: Uint8Array | readonly number[], m?: number): Uint8Array {
  const head = m === undefined ? 7 : 8;
  const length = params.length + head - 5;
  byteArg('GS ( k parameter length', length, 3, 65535);
  const out = new Uint8Array(5 + length);
  out[0] = GS;
  out[1] = 0x28;
  out[2] = 0x6b;
  out[3] = length & 0xff;
  out[4] = length >> 8;
  out[5] = cn;
  out[6] = fn;
  if (m !== undefined) out[7] = m;
  out.set(params, head);
  return out;
}

/** GS ( k cn=49 fn=65 — QR code: select model 2 (n1 = 50, n2 = 0). */
export function qrModel2(): Uint8Array {
  return gsK(49, 65, [50, 0]);
}

/** GS ( k cn=49 fn=67 — QR code: module size 1–16 dots. */
export function qrModuleSize(dots: number): Uint8Array {
  return gsK(49, 67, [byteArg('QR module size', dots, 1, 16)]);
}

/** GS ( k cn=49 fn=69 — QR code: error correction level L/M/Q/H (48–51). */
export function qrErrorCorrection(level: 'L' | 'M' | 'Q' | 'H'): Uint8Array {
  return gsK(49, 69, [48 + 'LMQH'.indexOf(level)]);
}

/** GS ( k cn=49 fn=80 — QR code: store data; pL pH = byte length + 3. At most 7089 bytes. */
export function qrStore(data: Uint8Array): Uint8Array {
  byteArg('QR data length', data.length, 1, 7089);
  return gsK(49, 80, data, 48);
}

/** GS ( k cn=49 fn=81 — QR code: print the stored symbol. */
export function qrPrint(): Uint8Array {
  return gsK(49, 81, [48]);
}

/** GS ( k cn=48 fn=65 / 66 — PDF417: number of columns / rows (0 = automatic). */
export function pdf417Columns(n: number): Uint8Array {
  return gsK(48, 65, [byteArg('PDF417 columns', n, 0, 30)]);
}
export function pdf417Rows(n: number): Uint8Array {
  return gsK(48, 66, [n === 0 ? 0 : byteArg('PDF417 rows', n, 3, 90)]);
}

/** GS ( k cn=48 fn=67 — PDF417: module width 2–8 dots. */
export function pdf417ModuleWidth(dots: number): Uint8Array {
  return gsK(48, 67, [byteArg('PDF417 module width', dots, 2, 8)]);
}

/** GS ( k cn=48 fn=68 — PDF417: row height 2–8 (times the module width). */
export function pdf417RowHeight(n: number): Uint8Array {
  return gsK(48, 68, [byteArg('PDF417 row height', n, 2, 8)]);
}

/** GS ( k cn=48 fn=69 m=48 — PDF417: error correction level 0–8 (n = 48 + level). */
export function pdf417ErrorCorrection(level: number): Uint8Array {
  return gsK(48, 69, [48, 48 + byteArg('PDF417 error correction level', level, 0, 8)]);
}

/** GS ( k cn=48 fn=80 — PDF417: store data; pL pH = byte length + 3. */
export function pdf417Store(data: Uint8Array): Uint8Array {
  byteArg('PDF417 data length', data.length, 1, 65532);
  return gsK(48, 80, data, 48);
}

/** GS ( k cn=48 fn=81 — PDF417: print the stored symbol. */
export function pdf417Print(): Uint8Array {
  return gsK(48, 81, [48]);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
