/** Turns what the worker observed of a printer into the answer `spool.health()` gives. */
import type { ErrorCode } from '../errors.js';
import type { PrinterStatus } from '../printer/types.js';
import type { HealthReason, PrinterHealth } from './types.js';

export function healthFromStatus(printer: string, status: PrinterStatus, observedAt: number): PrinterHealth {
  const reason = faultReason(status);
  return {
    printer,
    ready: reason === 'ok' || reason === 'paper near end',
    reason,
    observedAt,
    status,
  };
}

export function healthUnreachable(printer: string, reason: 'not connected' | 'offline', observedAt: number): PrinterHealth {
  return { printer, ready: false, reason, observedAt, status: null };
}

export function unknownHealth(printer: string): PrinterHealth {
  return { printer, ready: false, reason: 'unknown', observedAt: null, status: null };
}

function faultReason(status: PrinterStatus): HealthReason {
  if (status.coverOpen) return 'cover open';
  if (status.paperEnd) return 'paper out';
  if (status.cutterError) return 'cutter error';
  if (status.unrecoverableError) return 'unrecoverable error';
  if (!status.online || status.recoverableError || status.autoRecoverableError) return 'offline';
  if (status.paperNearEnd) return 'paper near end';
  return 'ok';
}

/** Same answer, ignoring when it was observed: only changes are recorded and announced. */
export function sameHealth(a: PrinterHealth | undefined, b: PrinterHealth): boolean {
  return a !== undefined && a.ready === b.ready && a.reason === b.reason && JSON.stringify(a.status) === JSON.stringify(b.status);
}

/** "paper out on front": the cause as a cashier reads it. */
export function describeCause(code: string, printer: string): string {
  const what: string | undefined = (CAUSE as Partial<Record<string, string>>)[code];
  return `${what ?? code.toLowerCase().replace(/_/g, ' ')} on ${printer}`;
}

/** The causes a cashier reads; other codes read as themselves ("offline", "confirm timeout"). */
const CAUSE = {
  PAPER_END: 'paper out',
  COVER_OPEN: 'cover open',
  CUTTER_ERROR: 'cutter jammed',
  UNRECOVERABLE: 'unrecoverable error (switch the printer off and on)',
} as const satisfies Partial<Record<ErrorCode, string>>;
