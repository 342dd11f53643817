/**
 * Every error class: its stable code, its brand (instanceof across two copies of the package),
 * and "needs a person" answered in one place.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import { CliError } from '../src/cli/errors.js';
import { faultNeedsAttention } from '../src/printer/status.js';
import { failureAction, failureActionForCode } from '../src/spool/retry-policy.js';

const { ReceiptSpoolError, PrinterError, StoreError, TransportError, InvalidDocumentError } = errors;

/** Each class with arguments that construct it, and its code. */
const CLASSES: [new (...args: never[]) => errors.ReceiptSpoolError, unknown[], errors.ErrorCode][] = [
  [errors.ReceiptSpoolError, ['m'], 'RECEIPT_SPOOL_ERROR'],
  [errors.InvalidDocumentError, [[{ path: 'content', message: 'required' }]], 'INVALID_DOCUMENT'],
  [errors.CardDataError, [[]], 'CARD_DATA'],
  [errors.InvalidArgumentError, ['m'], 'INVALID_ARGUMENT'],
  [errors.InvalidPrinterUriError, ['tcp://x:y', 'port', 'not a number'], 'INVALID_PRINTER_URI'],
  [errors.TransportError, ['m'], 'TRANSPORT_ERROR'],
  [errors.TransportClosedError, [], 'TRANSPORT_CLOSED'],
  [errors.AccessDeniedError, ['m'], 'ACCESS_DENIED'],
  [errors.DeviceNotFoundError, ['m'], 'DEVICE_NOT_FOUND'],
  [errors.DeviceBusyError, ['m'], 'DEVICE_BUSY'],
  [errors.UsbDriverError, ['m'], 'USB_DRIVER'],
  [errors.NotAcceptingDataError, [], 'NOT_ACCEPTING'],
  [errors.PrinterError, ['m'], 'PRINTER_ERROR'],
  [errors.PaperEndError, [], 'PAPER_END'],
  [errors.CoverOpenError, [], 'COVER_OPEN'],
  [errors.CutterError, [], 'CUTTER_ERROR'],
  [errors.UnrecoverableError, [], 'UNRECOVERABLE'],
  [errors.OfflineError, [], 'OFFLINE'],
  [errors.DisconnectedError, [], 'DISCONNECTED'],
  [errors.ConfirmTimeoutError, [], 'CONFIRM_TIMEOUT'],
  [errors.OneWayError, [], 'ONE_WAY'],
  [errors.ReplyTimeoutError, ['m'], 'REPLY_TIMEOUT'],
  [errors.StoreError, ['m'], 'STORE_ERROR'],
  [errors.StoreFullError, ['m'], 'STORE_FULL'],
  [errors.StoreReadOnlyError, ['m'], 'STORE_READONLY'],
  [errors.StoreCorruptError, ['m'], 'STORE_CORRUPT'],
  [errors.StoreLockedError, ['m'], 'STORE_LOCKED'],
  [errors.StoreMissingError, ['m'], 'STORE_MISSING'],
  [errors.StoreDirectoryMissingError, ['m'], 'STORE_DIRECTORY_MISSING'],
  [errors.MissingProgramError, ['socat', 'install it'], 'MISSING_PROGRAM'],
  [errors.NativeModuleError, ['better-sqlite3', 'm'], 'NATIVE_MODULE_UNAVAILABLE'],
  [errors.UnknownTransactionError, ['TXN-1'], 'UNKNOWN_TRANSACTION'],
  [errors.DocumentPurgedError, ['TXN-1'], 'DOCUMENT_PURGED'],
  [errors.RenderError, ['m'], 'RENDER_FAILED'],
  [CliError as unknown as new (...args: never[]) => errors.ReceiptSpoolError, ['m'], 'USAGE'],
];

const NEED_A_PERSON = ['PAPER_END', 'COVER_OPEN', 'CUTTER_ERROR', 'UNRECOVERABLE', 'DEVICE_BUSY', 'USB_DRIVER'];

let copyDir: string | undefined;
afterAll(() => {
  if (copyDir) fs.rmSync(copyDir, { recursive: true, force: true });
});

describe('errors', () => {
  it.each(CLASSES.map(([cls, args, code]) => ({ name: cls.name, cls, args, code })))('$name: code $code, a message, its name, branded', ({ cls, args, code }) => {
    const error = new cls(...(args as never[]));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.name).toBe(cls.name);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(cls);
    expect(errors.isReceiptSpoolError(error)).toBe(true);
    expect(errors.isErrorCode(code)).toBe(true);
  });

  it('instanceof answers by class: a subclass is its parents, never its siblings', () => {
    const paper = new errors.PaperEndError();
    expect([paper instanceof PrinterError, paper instanceof errors.PaperEndError, paper instanceof ReceiptSpoolError]).toEqual([true, true, true]);
    expect([paper instanceof StoreError, paper instanceof errors.CoverOpenError, paper instanceof TransportError]).toEqual([false, false, false]);
    expect(new errors.CardDataError([]) instanceof InvalidDocumentError).toBe(true);
    expect(new Error('plain') instanceof ReceiptSpoolError).toBe(false);
    expect([errors.PaperEndError.prototype instanceof PrinterError, StoreError.prototype instanceof PrinterError]).toEqual([true, false]);
    expect(errors.isReceiptSpoolError({ code: 'PAPER_END' })).toBe(false);
  });

  it('instanceof holds across two copies of the package', async () => {
    copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-errors-copy-'));
    const copyPath = path.join(copyDir, 'errors.ts');
    fs.copyFileSync(new URL('../src/errors.ts', import.meta.url), copyPath);
    fs.copyFileSync(new URL('../src/error-codes.ts', import.meta.url), path.join(copyDir, 'error-codes.ts'));
    const copy = (await import(pathToFileURL(copyPath).href)) as typeof errors;
    expect(copy.PaperEndError).not.toBe(errors.PaperEndError);
    const fromCopy = new copy.PaperEndError();
    expect(fromCopy instanceof errors.PaperEndError).toBe(true);
    expect(fromCopy instanceof errors.PrinterError).toBe(true);
    expect(fromCopy instanceof errors.CoverOpenError).toBe(false);
    expect(new errors.StoreFullError('full') instanceof copy.StoreError).toBe(true);
    expect(errors.isReceiptSpoolError(new copy.DocumentPurgedError('T'))).toBe(true);
  });

  it('"needs a person" is one answer: the error, the status decoder and the retry policy agree', () => {
    for (const [cls, args, code] of CLASSES) {
      const error = new cls(...(args as never[]));
      const needs = NEED_A_PERSON.includes(code);
      expect({ code, needs: errors.needsAPerson(code) }).toEqual({ code, needs });
      expect({ code, needs: faultNeedsAttention(code) }).toEqual({ code, needs });
      expect({ code, waits: failureAction(error).action === 'wait-for-recovery' }).toEqual({ code, waits: needs });
      expect({ code, needs: error.needsAttention }).toEqual({ code, needs });
    }
  });

  it('failures without a receipt-spool code are UNKNOWN and bounded; IN_DOUBT and CANCELLED are recorded, never waited on', () => {
    expect(failureAction(new Error('bug'))).toEqual({ action: 'backoff', countsTowardGiveUp: true });
    expect(failureActionForCode(null)).toEqual({ action: 'backoff', countsTowardGiveUp: true });
    expect(failureActionForCode(errors.IN_DOUBT)).toEqual({ action: 'backoff', countsTowardGiveUp: true });
    expect([errors.isErrorCode(errors.CANCELLED), errors.needsAPerson(errors.CANCELLED)]).toEqual([true, false]);
    expect(errors.needsAPerson('NOT_A_CODE')).toBe(false);
  });

  it('printer errors carry the transaction id they concern', () => {
    const error = new errors.ConfirmTimeoutError(undefined, { transactionId: 'TXN-9', mayHavePrinted: true });
    expect({ transactionId: error.transactionId, mayHavePrinted: error.mayHavePrinted }).toEqual({ transactionId: 'TXN-9', mayHavePrinted: true });
  });
});
