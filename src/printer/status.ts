/**
 * Pure decoders for the printer's status bytes (escpos-status.md §1.2 DLE EOT, §1.3 ASB,
 * §1.5 GS r) and the mapping from a status to the fault that stops printing.
 */
import { CoverOpenError, needsAPerson, CutterError, OfflineError, PaperEndError, UnrecoverableError, type PrinterError, type PrinterErrorContext } from '../errors.js';
import type { PrinterStatus, StatusField } from './types.js';

const bit = (byte: number, n: number): boolean => (byte & (1 << n)) !== 0;

/** Which DLE EOT n (1 printer, 2 offline cause, 3 error cause, 4 roll paper sensor). */
export type RealtimeStatusN = 1 | 2 | 3 | 4;

/** The status fields each DLE EOT n reports; a printer that does not answer n leaves them unknown. */
export const FIELDS_OF_REALTIME_N: Readonly<Record<RealtimeStatusN, readonly StatusField[]>> = {
  1: ['online', 'drawerOpen', 'waitingForRecovery'],
  2: ['coverOpen', 'feeding'],
  3: ['cutterError', 'recoverableError', 'unrecoverableError', 'autoRecoverableError'],
  4: ['paperNearEnd'],
};

/**
 * Decodes the four DLE EOT replies (n = 1 printer, 2 offline cause, 3 error cause, 4 roll paper).
 * Fixed bits are not checked here: the framer only passes bytes of the form `0xx1xx10`.
 */
export function decodeRealtimeStatus(n1: number, n2: number, n3: number, n4: number): PrinterStatus {
  return decodeRealtimeReplies({ 1: n1, 2: n2, 3: n3, 4: n4 });
}

/**
 * Decodes whichever DLE EOT replies a printer gives (clones answer a subset: the Maxim MOB-58
 * documents n = 1 and 4, the Custom P80C only n = 2). A field no reply covers is listed in
 * `unknown` and reads false: unknown is never a fault. `online` without n = 1 is derived from the
 * offline causes that are known (n = 2 bits 2, 5, 6).
 *
 * Drawer: pin 3 HIGH reads as closed, as receiptio (`lib/receiptio.js`, query "drawer": `0x16` →
 * "drawerclosed") and receipt-printer-status do; a TM without a drawer idles at `0x16`
 * (lsongdev/node-escpos#288, gilbertfl/escpos-netprinter#1), which is "closed", not "open".
 *
 * Paper end: DLE EOT 4 reports "paper not present" only with both bits 5 and 6 set (`0x60`), as
 * python-escpos tests it (`RT_MASK_NOPAPER = 0x72`, `status & mask == mask`); on the Citizen
 * PPU-231II bit 6 alone is the presenter sensor, not paper end. DLE EOT 2 bit 5 (printing stopped
 * by paper end) is the other, independent source.
 */
export function decodeRealtimeReplies(replies: Partial<Record<RealtimeStatusN, number>>): PrinterStatus {
  const [n1, n2, n3, n4] = [replies[1], replies[2], replies[3], replies[4]];
  const on = (byte: number | undefined, n: number) => byte !== undefined && bit(byte, n);
  const stoppedByCause = on(n2, 2) || on(n2, 5) || on(n2, 6);
  const status: PrinterStatus = {
    online: n1 !== undefined ? !bit(n1, 3) : !stoppedByCause,
    coverOpen: on(n2, 2),
    paperEnd: on(n2, 5) || (n4 !== undefined && (n4 & 0x60) === 0x60),
    // Any near-end bit: Citizen PPU-231II uses bits 2 and 3 for two separate sensors.
    paperNearEnd: n4 !== undefined && (n4 & 0x0c) !== 0,
    cutterError: on(n3, 3),
    recoverableError: on(n3, 2),
    unrecoverableError: on(n3, 5),
    autoRecoverableError: on(n3, 6),
    drawerOpen: n1 !== undefined && !bit(n1, 2),
    waitingForRecovery: on(n1, 5),
    feeding: on(n2, 3),
  };
  const unknown = ([1, 2, 3, 4] as const).filter((n) => replies[n] === undefined).flatMap((n) => FIELDS_OF_REALTIME_N[n]);
  // paperEnd has two sources (n = 2 and n = 4): unknown only without both.
  if (n2 === undefined && n4 === undefined) unknown.push('paperEnd');
  if (n1 === undefined && n2 === undefined) unknown.push('online');
  const unique = [...new Set(unknown)].filter((field) => !(field === 'online' && n2 !== undefined));
  if (unique.length > 0) status.unknown = unique;
  return status;
}

/** Decodes one 4-byte ASB frame (printer, error, paper sensor, paper sensor 2). */
export function decodeAsb(frame: ArrayLike<number>): PrinterStatus {
  const b1 = frame[0] ?? 0;
  const b2 = frame[1] ?? 0;
  const b3 = frame[2] ?? 0;
  return {
    online: !bit(b1, 3),
    coverOpen: bit(b1, 5),
    // Both end bits, as for DLE EOT 4 (Epson: `11` = roll end).
    paperEnd: (b3 & 0x0c) === 0x0c,
    paperNearEnd: (b3 & 0x03) !== 0,
    cutterError: bit(b2, 3),
    recoverableError: bit(b2, 2),
    unrecoverableError: bit(b2, 5),
    autoRecoverableError: bit(b2, 6),
    // Same polarity as DLE EOT 1: pin 3 HIGH reads as closed (see decodeRealtimeReplies).
    drawerOpen: !bit(b1, 2),
    waitingForRecovery: bit(b2, 0),
    feeding: bit(b1, 6),
  };
}

/** GS r 1 reply: the roll paper sensor, bits 2,3 = paper end. */
export function gsrPaperEnd(reply: number): boolean {
  return (reply & 0x0c) !== 0;
}

/**
 * The fault a status shows, as the error a caller would get, or undefined when the printer
 * can print. The most specific cause wins: an unrecoverable error over a jam, a jam over an
 * empty roll, an empty roll over an open cover (opened to load paper), and any other offline
 * state (head overheat, FEED held, power-on) is `OFFLINE`.
 */
export function statusFault(status: PrinterStatus, context?: PrinterErrorContext): PrinterError | undefined {
  if (status.unrecoverableError) return new UnrecoverableError(undefined, context);
  if (status.cutterError) return new CutterError(undefined, context);
  if (status.paperEnd) return new PaperEndError(undefined, context);
  if (status.coverOpen) return new CoverOpenError(undefined, context);
  if (status.recoverableError) {
    return new OfflineError('printer stopped with a recoverable (mechanical) error', context);
  }
  if (status.autoRecoverableError) {
    return new OfflineError('printer paused by an auto-recoverable error (e.g. head overheat)', context);
  }
  if (!status.online) return new OfflineError(undefined, context);
  return undefined;
}

/**
 * Whether a fault seen while a job is printing means that job has failed. Paper end, cover,
 * cutter, recoverable and unrecoverable errors stop the printer mid-receipt; a pause that
 * clears by itself (overheat, FEED button) does not, so the job keeps waiting for its
 * confirmation.
 */
export function isJobFault(status: PrinterStatus): boolean {
  return status.unrecoverableError || status.cutterError || status.paperEnd || status.coverOpen || status.recoverableError;
}

/** True for error codes a person must act on (load paper, close the cover, clear a jam); defined in errors.ts. */
export const faultNeedsAttention: (code: string) => boolean = needsAPerson;

export function sameStatus(a: PrinterStatus | undefined, b: PrinterStatus | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof PrinterStatus)[]);
  return [...keys].every((key) => String(a[key]) === String(b[key]));
}

/** A TM printer online with nothing to report: DLE EOT 1 `0x16` (no drawer: pin 3 high), 2–4 `0x12`. */
export function readyStatus(): PrinterStatus {
  return decodeRealtimeStatus(0x16, 0x12, 0x12, 0x12);
}
