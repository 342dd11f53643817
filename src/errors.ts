/**
 * Every error receipt-spool throws is a `ReceiptSpoolError` with a stable `code`
 * that callers branch on (never on the message). One class per code, each with a
 * default message and context fields, in the manner of undici's `errors.js`.
 *
 * The codes themselves, and which need a person, are in error-codes.ts (re-exported here).
 */

import { needsAPerson, type ErrorCode } from './error-codes.js';

export { CANCELLED, IN_DOUBT, UNKNOWN, isErrorCode, needsAPerson, type ErrorCode } from './error-codes.js';

export type ErrorContext = Record<string, unknown>;

/** One brand per class, shared by every copy of the package (`Symbol.for`). */
function brandOf(errorClass: { name: string }): symbol {
  return Symbol.for(`receipt-spool.error.${errorClass.name}`);
}

export class ReceiptSpoolError extends Error {
  readonly code: ErrorCode = 'RECEIPT_SPOOL_ERROR';

  /**
   * `instanceof` by brand (as undici does), so it holds when two copies of the package meet:
   * an error from one copy is an instance of the other copy's class of the same name.
   */
  static override [Symbol.hasInstance]<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    if (typeof value !== 'object' || value === null) return false;
    // The brand, or else the prototype chain (so `Sub.prototype instanceof Base` still answers as usual).
    return (value as Record<symbol, unknown>)[brandOf(this)] === true || Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** True when a person must act (paper, cover, cutter, a device held by another program…) before printing resumes. */
  get needsAttention(): boolean {
    return needsAPerson(this.code);
  }

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // The brand of every class in the chain: a PaperEndError is also a PrinterError.
    for (let proto: object | null = new.target.prototype; proto && proto !== Error.prototype; proto = Object.getPrototypeOf(proto)) {
      Object.defineProperty(this, brandOf((proto as { constructor: { name: string } }).constructor), { value: true });
    }
  }
}

/** True for any error raised by receipt-spool, across copies of the package. */
export function isReceiptSpoolError(value: unknown): value is ReceiptSpoolError {
  return value instanceof ReceiptSpoolError;
}

// ---------------------------------------------------------------- input

export interface ValidationIssue {
  /** JSON path of the offending value, e.g. `content[3].qr`. */
  path: string;
  /** Why it is wrong, e.g. `expected string`. */
  message: string;
}

/** A receipt document (or other input) failed validation. Nothing was accepted. */
export class InvalidDocumentError extends ReceiptSpoolError {
  override readonly code: ErrorCode = 'INVALID_DOCUMENT';
  constructor(
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(formatIssues(issues), options);
  }
}

/** A document contains what looks like a full card number or sensitive authentication data. */
export class CardDataError extends InvalidDocumentError {
  override readonly code = 'CARD_DATA';
}

/** A caller passed an out-of-range argument to a library function (e.g. an ESC/POS command builder). */
export class InvalidArgumentError extends ReceiptSpoolError {
  override readonly code = 'INVALID_ARGUMENT';
}

export class InvalidPrinterUriError extends ReceiptSpoolError {
  override readonly code = 'INVALID_PRINTER_URI';
  constructor(
    readonly uri: string,
    /** The part of the URI that is wrong, e.g. `port`, `baudRate`, `vendorId`. */
    readonly part: string,
    reason: string,
  ) {
    // An untyped caller may pass anything as the URI; the message must not depend on it converting to text.
    super(`invalid printer URI ${typeof uri === 'string' ? `"${uri}"` : `(a ${typeof uri}, not a string)`}: ${part}: ${reason}`);
  }
}

function formatIssues(issues: readonly ValidationIssue[]): string {
  if (issues.length === 0) return 'invalid document';
  const shown = issues.slice(0, 5).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return shown.join('; ') + more;
}

// ---------------------------------------------------------------- transport

/** Base for link-level failures. */
export class TransportError extends ReceiptSpoolError {
  override readonly code: ErrorCode = 'TRANSPORT_ERROR';
}

/** A write or read was pending when the transport was closed on purpose. Not a printer fault. */
export class TransportClosedError extends TransportError {
  override readonly code = 'TRANSPORT_CLOSED';
  readonly canceled = true;
  constructor(message = 'transport closed while the operation was pending') {
    super(message);
  }
}

/** The OS refused access to the device (USB permissions, serial port group). */
export class AccessDeniedError extends TransportError {
  override readonly code = 'ACCESS_DENIED';
}

/** No device matches the URI (USB not found, serial port absent, no USB subsystem). */
export class DeviceNotFoundError extends TransportError {
  override readonly code = 'DEVICE_NOT_FOUND';
}

/**
 * The device is there but held by someone else: another program's claim (usbfs), a kernel
 * driver receipt-spool does not detach, a CUPS queue (macOS exclusive access). A person must
 * free it; the message says how.
 */
export class DeviceBusyError extends TransportError {
  override readonly code = 'DEVICE_BUSY';
}

/** The OS binds the device to a driver the USB library cannot use (Windows usbprint.sys instead of WinUSB). */
export class UsbDriverError extends TransportError {
  override readonly code = 'USB_DRIVER';
}

// ---------------------------------------------------------------- printer faults

export interface PrinterErrorContext {
  /** The transaction id of the job the error concerns, if any. */
  transactionId?: string | undefined;
  /**
   * False only when the job provably never reached the printer (rejected at pre-flight,
   * nothing written). True or unknown means a reprint must be marked.
   */
  mayHavePrinted?: boolean | undefined;
  cause?: unknown;
}

/** Base for everything that stops a receipt from being printed and confirmed. */
export class PrinterError extends ReceiptSpoolError {
  override readonly code: ErrorCode = 'PRINTER_ERROR';
  /** The transaction id of the job the error concerns, if any. */
  readonly transactionId: string | undefined;
  readonly mayHavePrinted: boolean;

  constructor(message: string, context: PrinterErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.transactionId = context.transactionId;
    this.mayHavePrinted = context.mayHavePrinted ?? true;
  }
}

export class PaperEndError extends PrinterError {
  override readonly code = 'PAPER_END';
  constructor(message = 'paper out: load a new roll', context?: PrinterErrorContext) {
    super(message, context);
  }
}

export class CoverOpenError extends PrinterError {
  override readonly code = 'COVER_OPEN';
  constructor(message = 'printer cover is open: close it', context?: PrinterErrorContext) {
    super(message, context);
  }
}

export class CutterError extends PrinterError {
  override readonly code = 'CUTTER_ERROR';
  constructor(message = 'autocutter error: clear the paper jam', context?: PrinterErrorContext) {
    super(message, context);
  }
}

export class UnrecoverableError extends PrinterError {
  override readonly code = 'UNRECOVERABLE';
  constructor(message = 'unrecoverable printer error: switch the printer off and on', context?: PrinterErrorContext) {
    super(message, context);
  }
}

/** Offline for a reason that clears by itself (head overheat, FEED held, power-on) or an unknown one. */
export class OfflineError extends PrinterError {
  override readonly code = 'OFFLINE';
  constructor(message = 'printer is offline', context?: PrinterErrorContext) {
    super(message, context);
  }
}

/** The link dropped (cable pulled, power cycle, TCP reset) or could not be opened. */
export class DisconnectedError extends PrinterError {
  override readonly code = 'DISCONNECTED';
  constructor(message = 'printer is not connected', context?: PrinterErrorContext) {
    super(message, context);
  }
}

/**
 * The link is up but the printer held back data until the write's deadline (paper out on a
 * one-way printer, a full buffer, offline). Not a disconnect: the bytes counted in `bytesSent`
 * reached the printer; up to `bytesUncertain` more may have.
 */
export class NotAcceptingDataError extends PrinterError {
  override readonly code = 'NOT_ACCEPTING';
  readonly bytesSent: number;
  readonly bytesUncertain: number;
  constructor(message = 'the printer is not accepting data', context: PrinterErrorContext & { bytesSent?: number; bytesUncertain?: number } = {}) {
    super(message, { ...context, mayHavePrinted: context.mayHavePrinted ?? (context.bytesSent ?? 0) + (context.bytesUncertain ?? 0) > 0 });
    this.bytesSent = context.bytesSent ?? 0;
    this.bytesUncertain = context.bytesUncertain ?? 0;
  }
}

/** The job was sent but the printer did not confirm it in time: it may or may not have printed. */
export class ConfirmTimeoutError extends PrinterError {
  override readonly code = 'CONFIRM_TIMEOUT';
  constructor(message = 'printer did not confirm the job in time', context?: PrinterErrorContext) {
    super(message, context);
  }
}

/** The printer answers nothing (send-only link) and the caller asked for a confirmation. */
export class OneWayError extends PrinterError {
  override readonly code = 'ONE_WAY';
  constructor(message = 'printer link is one-way: printing cannot be confirmed', context?: PrinterErrorContext) {
    super(message, context);
  }
}

// ---------------------------------------------------------------- store

export class StoreError extends ReceiptSpoolError {
  override readonly code: ErrorCode = 'STORE_ERROR';
  constructor(
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class StoreFullError extends StoreError {
  override readonly code = 'STORE_FULL';
}

export class StoreReadOnlyError extends StoreError {
  override readonly code = 'STORE_READONLY';
}

export class StoreCorruptError extends StoreError {
  override readonly code = 'STORE_CORRUPT';
}

export class StoreLockedError extends StoreError {
  override readonly code = 'STORE_LOCKED';
}

/** The store file was deleted or replaced under a running spool: new writes would be lost. */
export class StoreMissingError extends StoreError {
  override readonly code = 'STORE_MISSING';
}

/** The store's directory does not exist; nothing is created, since a mistyped path should not become a new spool. */
export class StoreDirectoryMissingError extends StoreError {
  override readonly code = 'STORE_DIRECTORY_MISSING';
}

export class UnknownTransactionError extends ReceiptSpoolError {
  override readonly code = 'UNKNOWN_TRANSACTION';
  constructor(readonly transactionId: string) {
    super(`no job with transaction id "${transactionId}" in this store`);
  }
}

/** The transaction's document was purged after the retention period: it cannot be reprinted. */
export class DocumentPurgedError extends ReceiptSpoolError {
  override readonly code = 'DOCUMENT_PURGED';
  constructor(readonly transactionId: string) {
    super(`the document of transaction "${transactionId}" was purged after the retention period`);
  }
}

/** The encoder could not render a stored document for this printer; retrying cannot help. */
export class RenderError extends ReceiptSpoolError {
  override readonly code = 'RENDER_FAILED';
}

/** The printer did not answer a request in time (internal to the printer layer's reply queue). */
export class ReplyTimeoutError extends ReceiptSpoolError {
  override readonly code = 'REPLY_TIMEOUT';
}

/** An operator's cancel or move was refused: the job is on its way to the paper (or already there). */
export class JobBusyError extends ReceiptSpoolError {
  override readonly code = 'JOB_BUSY';
  constructor(
    readonly transactionId: string,
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}

/** `waitFor` gave up before the transaction printed; the job stays the spool's responsibility. */
export class WaitTimeoutError extends ReceiptSpoolError {
  override readonly code = 'WAIT_TIMEOUT';
  constructor(
    readonly transactionId: string,
    readonly timeoutMs: number,
  ) {
    super(`transaction "${transactionId}" did not print within ${timeoutMs} ms`);
  }
}

/** The config file (receipt-spool.json) is missing, not JSON, or not in the expected shape. */
export class ConfigError extends ReceiptSpoolError {
  override readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/** `waitFor` ended because an operator cancelled the transaction: it will not print. */
export class JobCancelledError extends ReceiptSpoolError {
  override readonly code = 'JOB_CANCELLED';
  constructor(readonly transactionId: string) {
    super(`transaction "${transactionId}" was cancelled: it will not print`);
  }
}

// ---------------------------------------------------------------- environment

/** A program this feature runs (e.g. socat for the emulator's pseudo-terminal) is not installed. */
export class MissingProgramError extends ReceiptSpoolError {
  override readonly code = 'MISSING_PROGRAM';
  constructor(
    readonly program: string,
    /** What needs it and how to install it, as one sentence. */
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${program} is not installed (not found on PATH): ${hint}`, options);
  }
}

/** A native module (better-sqlite3's binding) could not be loaded: not built, or built for another Node. */
export class NativeModuleError extends ReceiptSpoolError {
  override readonly code = 'NATIVE_MODULE_UNAVAILABLE';
  constructor(
    readonly module: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
