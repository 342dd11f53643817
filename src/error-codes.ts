/**
 * The error codes, in one place: the `ErrorCode` union, "needs a person" (`needsAPerson`) and
 * the codes recorded that are not a thrown receipt-spool error (`IN_DOUBT`, `CANCELLED`,
 * `UNKNOWN`): every code written to a job or its history is an `ErrorCode`. Re-exported by
 * errors.ts; tables elsewhere are keyed by `ErrorCode` with `satisfies`.
 */

export type ErrorCode =
  | 'RECEIPT_SPOOL_ERROR'
  // input
  | 'INVALID_DOCUMENT'
  | 'CARD_DATA'
  | 'INVALID_ARGUMENT'
  | 'INVALID_PRINTER_URI'
  | 'USAGE'
  // transport
  | 'TRANSPORT_ERROR'
  | 'TRANSPORT_CLOSED'
  | 'ACCESS_DENIED'
  | 'DEVICE_NOT_FOUND'
  | 'DEVICE_BUSY'
  | 'USB_DRIVER'
  // printer
  | 'PRINTER_ERROR'
  | 'PAPER_END'
  | 'COVER_OPEN'
  | 'CUTTER_ERROR'
  | 'UNRECOVERABLE'
  | 'OFFLINE'
  | 'DISCONNECTED'
  | 'CONFIRM_TIMEOUT'
  | 'ONE_WAY'
  | 'NOT_ACCEPTING'
  | 'REPLY_TIMEOUT'
  // store
  | 'STORE_ERROR'
  | 'STORE_FULL'
  | 'STORE_READONLY'
  | 'STORE_CORRUPT'
  | 'STORE_LOCKED'
  | 'STORE_MISSING'
  | 'STORE_DIRECTORY_MISSING'
  | 'UNKNOWN_TRANSACTION'
  | 'DOCUMENT_PURGED'
  | 'RENDER_FAILED'
  | 'PRINTER_UNREACHABLE'
  // operator and configuration
  | 'JOB_BUSY'
  | 'JOB_CANCELLED'
  | 'WAIT_TIMEOUT'
  | 'CONFIG_INVALID'
  // environment
  | 'MISSING_PROGRAM'
  | 'NATIVE_MODULE_UNAVAILABLE'
  // recorded on a job or its history, never thrown
  | 'IN_DOUBT'
  | 'CANCELLED'
  | 'UNKNOWN';

/** Recorded on a job whose attempt was interrupted (crash, lost lease): it reprints marked. */
export const IN_DOUBT = 'IN_DOUBT' satisfies ErrorCode;
/** Recorded in the history row of a job an operator cancelled (`JOB_CANCELLED` is what `waitFor` then throws). */
export const CANCELLED = 'CANCELLED' satisfies ErrorCode;
/** Recorded for a failure that carries no receipt-spool code (a bug, a foreign error). */
export const UNKNOWN = 'UNKNOWN' satisfies ErrorCode;

/**
 * "Needs a person": the codes whose fault only a person clears (load paper, close the cover,
 * clear a jam, power-cycle). The job waits in `needs-attention` without using up attempts.
 */
const NEEDS_A_PERSON = {
  RECEIPT_SPOOL_ERROR: false,
  INVALID_DOCUMENT: false,
  CARD_DATA: false,
  INVALID_ARGUMENT: false,
  INVALID_PRINTER_URI: false,
  USAGE: false,
  TRANSPORT_ERROR: false,
  TRANSPORT_CLOSED: false,
  ACCESS_DENIED: false,
  DEVICE_NOT_FOUND: false,
  DEVICE_BUSY: true,
  USB_DRIVER: true,
  PRINTER_ERROR: false,
  PAPER_END: true,
  COVER_OPEN: true,
  CUTTER_ERROR: true,
  UNRECOVERABLE: true,
  OFFLINE: false,
  DISCONNECTED: false,
  CONFIRM_TIMEOUT: false,
  ONE_WAY: false,
  NOT_ACCEPTING: false,
  REPLY_TIMEOUT: false,
  STORE_ERROR: false,
  STORE_FULL: false,
  STORE_READONLY: false,
  STORE_CORRUPT: false,
  STORE_LOCKED: false,
  STORE_MISSING: false,
  STORE_DIRECTORY_MISSING: false,
  UNKNOWN_TRANSACTION: false,
  DOCUMENT_PURGED: false,
  RENDER_FAILED: false,
  // Backing off for unreachableAfterMs: someone must look at a printer that is off or unplugged.
  PRINTER_UNREACHABLE: true,
  JOB_BUSY: false,
  JOB_CANCELLED: false,
  WAIT_TIMEOUT: false,
  CONFIG_INVALID: false,
  MISSING_PROGRAM: false,
  NATIVE_MODULE_UNAVAILABLE: false,
  IN_DOUBT: false,
  CANCELLED: false,
  UNKNOWN: false,
} as const satisfies Record<ErrorCode, boolean>;

/** True when a person must act before a job failing with `code` can print. */
export function needsAPerson(code: string): boolean {
  return isErrorCode(code) && NEEDS_A_PERSON[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(NEEDS_A_PERSON, value);
}
