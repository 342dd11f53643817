/**
 * How the CLI turns any failure into one sentence on stderr and an exit code:
 * 0 success, 1 runtime failure (printer, store), 2 bad usage or bad input.
 */
import { InvalidDocumentError, isReceiptSpoolError, ReceiptSpoolError, type ErrorCode } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the CLI itself detected (bad argument, missing option); `exitCode` decides 1 or 2. */
export class CliError extends ReceiptSpoolError {
  override readonly code = 'USAGE';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = EXIT_USAGE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Library error codes that mean the input was wrong, not the printer or the store. */
const BAD_INPUT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_DOCUMENT',
  'CARD_DATA',
  'INVALID_ARGUMENT',
  'INVALID_PRINTER_URI',
  'UNKNOWN_TRANSACTION',
  'CONFIG_INVALID',
]);

/** What to do next, by error code; appended to the library's message. */
const NEXT_STEP = {
  INVALID_DOCUMENT: 'fix the document and try again',
  CARD_DATA: 'mask card numbers (first 6 and last 4 digits at most), or pass --allow-card-numbers if this receipt must carry them; without --strict the spool masks them itself',
  INVALID_PRINTER_URI: 'use tcp://HOST[:PORT], serial:/dev/ttyUSB0?baudRate=N, usb://VID:PID or file:/dev/usb/lp0',
  UNKNOWN_TRANSACTION: 'check the id with `receipt-spool list`',
  DOCUMENT_PURGED: 'it can no longer be printed',
  STORE_LOCKED: 'another process holds the store; try again',
  STORE_FULL: 'free disk space or purge old jobs with `receipt-spool purge`',
  STORE_READONLY: 'make the store file and its directory writable',
  STORE_CORRUPT: 'restore the store from a backup or move it aside',
  STORE_MISSING: 'the store file was deleted; restart with the right --db',
  PAPER_END: 'the job stays queued; load paper and run `receipt-spool worker`',
  COVER_OPEN: 'the job stays queued; close the cover and run `receipt-spool worker`',
  CUTTER_ERROR: 'the job stays queued; clear the cutter and run `receipt-spool worker`',
  DISCONNECTED: 'check that the printer is on and the URI is right',
  DEVICE_NOT_FOUND: 'check that the printer is plugged in (`receipt-spool printers`)',
  ACCESS_DENIED: 'give this user access to the device (e.g. the dialout or lp group, or a udev rule)',
  NOT_ACCEPTING: 'check the paper and that the printer is online; the job stays queued',
  DEVICE_BUSY: 'free the printer from the program holding it (README: "USB on Linux, macOS and Windows")',
  USB_DRIVER: 'install WinUSB for the printer with Zadig, or use its COM port or network port',
} as const satisfies Partial<Record<ErrorCode, string>>;

export function exitCodeOf(error: unknown): 1 | 2 {
  if (error instanceof CliError) return error.exitCode;
  if (isReceiptSpoolError(error) && BAD_INPUT_CODES.has(error.code)) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** One line for stderr: what went wrong, where, and what to do. */
export function describeError(error: unknown, where?: string): string {
  if (error instanceof CliError) return error.message;
  if (isReceiptSpoolError(error)) {
    const spoolError = error as ReceiptSpoolError;
    const next: string | undefined = (NEXT_STEP as Partial<Record<ErrorCode, string>>)[spoolError.code];
    const what = error instanceof InvalidDocumentError && where ? `invalid receipt in ${where}: ${spoolError.message}` : spoolError.message;
    const place = where && !(error instanceof InvalidDocumentError) ? ` (${where})` : '';
    return `${what}${place}${next ? `; ${next}` : ''}.`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Wraps an error with where it happened (a file, a printer URI), keeping its exit code. */
export function located(error: unknown, where: string): CliError {
  return new CliError(describeError(error, where), exitCodeOf(error), { cause: error });
}
