/**
 * Pure decoders for the printer's status bytes (escpos-status.md §1.2 DLE EOT, §1.3 ASB,
 * §1.5 GS r) and the mapping from a status to the fault that stops printing.
 */
import {
  CoverOpenError,
  needsAPerson,
  CutterError,
  OfflineError,
  PaperEndError,
  UnrecoverableError,
  type PrinterError,
  type PrinterErrorContext,
} from '../errors.js';
import type { PrinterStatus } from './types.js';

const bit = (byte: number, n: number): boolean => (byte & (1 << n)) !== 0;

/**
 * Decodes the four DLE EOT replies (n = 1 printer, 2 offline cause, 3 error cause, 4 roll paper).
 * Fixed bits are not checked here: the framer only passes bytes of the form `0xx1xx10`.
 */
export function decodeRealtimeStatus(n1: number, n2: number, n3: number, n4: number): PrinterStatus {
  return {
    online: !bit(n1, 3),
    coverOpen: bit(n2, 2),
    // Stopped by paper end (n=2 bit 5) or the end sensor reports no paper (n=4 bits 5,6).
    paperEnd: bit(n2, 5) || (n4 & 0x60) !== 0,
    // Any near-end bit: Citizen PPU-231II uses bits 2 and 3 for two separate sensors.
    paperNearEnd: (n4 & 0x0c) !== 0,
    cutterError: bit(n3, 3),
    recoverableError: bit(n3, 2),
    unrecoverableError: bit(n3, 5),
    autoRecoverableError: bit(n3, 6),
    drawerOpen: bit(n1, 2),
    waitingForRecovery: bit(n1, 5),
    feeding: bit(n2, 3),
  };
}

/** Decodes one 4-byte ASB frame (printer, error, paper sensor, paper sensor 2). */
export function decodeAsb(frame: ArrayLike<number>): PrinterStatus {
  const b1 = frame[0] ?? 0;
  const b2 = frame[1] ?? 0;
  const b3 = frame[2] ?? 0;
  return {
    online: !bit(b1, 3),
    coverOpen: bit(b1, 5),
    paperEnd: (b3 & 0x0c) !== 0,
    paperNearEnd: (b3 & 0x03) !== 0,
    cutterError: bit(b2, 3),
    recoverableError: bit(b2, 2),
    unrecoverableError: bit(b2, 5),
    autoRecoverableError: bit(b2, 6),
    drawerOpen: bit(b1, 2),
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
  return (
    status.unrecoverableError ||
    status.cutterError ||
    status.paperEnd ||
    status.coverOpen ||
    status.recoverableError
  );
}

/** True for error codes a person must act on (load paper, close the cover, clear a jam); defined in errors.ts. */
export const faultNeedsAttention: (code: string) => boolean = needsAPerson;

export function sameStatus(a: PrinterStatus | undefined, b: PrinterStatus | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (Object.keys(a) as (keyof PrinterStatus)[]).every((key) => a[key] === b[key]);
}

/** A printer online with nothing to report (all four DLE EOT replies `0x12`). */
export function readyStatus(): PrinterStatus {
  return decodeRealtimeStatus(0x12, 0x12, 0x12, 0x12);
}
