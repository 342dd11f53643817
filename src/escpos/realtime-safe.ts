/**
 * Keeps real-time command sequences out of image data. Printers execute `DLE EOT n`
 * (10 04 n), `DLE ENQ n` (10 05 n) and `DLE DC4 fn …` (10 14 …) "whenever the data sequence is
 * received", inside bit-image data too (Epson TM-T88III/TM-T85/TM-U295 DLE EOT notes, Citizen
 * CBM1000, HPRT TP809): a logo could make the printer answer a status nobody asked for, pulse the
 * drawer (DLE DC4 fn 1), power off (fn 2) or clear its buffers (fn 8). escpos-status.md §1.2.
 *
 * Raster data is broken up instead: wherever a data byte `0x10` is followed by `0x04`, `0x05` or
 * `0x14`, that byte's one black dot (bit 4: the 4th dot from the left of its 8) turns white. One
 * dot in a lone-dot byte is invisible on a 203 dpi receipt; whole images stay the same size.
 * (`GS ( D` could switch real-time commands off instead, but only on some Epson models.)
 */

/** The byte after DLE that makes a real-time command. */
const REALTIME_AFTER_DLE: ReadonlySet<number> = new Set([0x04, 0x05, 0x14]);
const DLE = 0x10;

/** Whether `bytes[i]`, `bytes[i + 1]` start a real-time command. */
export const startsRealtimeSequence = (bytes: ArrayLike<number>, i: number): boolean => bytes[i] === DLE && REALTIME_AFTER_DLE.has(bytes[i + 1] ?? -1);

/**
 * Breaks every real-time sequence inside raster `data`, in place; returns how many dots it
 * turned white. A `0x10` ending the data is broken too: the byte after it belongs to whatever
 * command comes next and is not known here.
 */
export function breakRealtimeSequences(data: Uint8Array): number {
  let flipped = 0;
  const last = data.length - 1;
  for (let i = data.indexOf(DLE); i !== -1; i = data.indexOf(DLE, i + 1)) {
    if (i === last || REALTIME_AFTER_DLE.has(data[i + 1]!)) {
      data[i] = 0x00;
      flipped++;
    }
  }
  return flipped;
}

/**
 * A band height whose `yL yH` header bytes do not read `10 04`, `10 05` or `10 14`
 * (1040, 1296 or 5136 rows): one row fewer then, the row goes to the next band.
 */
export function safeBandRows(rows: number): number {
  return (rows & 0xff) === DLE && REALTIME_AFTER_DLE.has(rows >> 8) ? rows - 1 : rows;
}

/** Index of the first real-time sequence in `bytes[from, to)` (the pair may end at `to`), or -1. */
export function findRealtimeSequence(bytes: ArrayLike<number>, from = 0, to = bytes.length): number {
  for (let i = from; i < to; i++) if (startsRealtimeSequence(bytes, i)) return i;
  return -1;
}
