/** How failures of the link reach a caller: always a `PrinterError`, with the job attached. */
import { ConfirmTimeoutError, DisconnectedError, OfflineError, OneWayError, PrinterError } from '../errors.js';

/** Any failure of the link as a `DisconnectedError`; printer errors pass through. */
export function asDisconnected(error: unknown, mayHavePrinted: boolean): PrinterError {
  if (error instanceof PrinterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DisconnectedError(`printer link failed: ${message}`, { cause: error, mayHavePrinted });
}

/** The error a job's caller gets: its transaction id attached; `mayHavePrinted` as known at that stage. */
export function withJob(error: unknown, transactionId: string | undefined, mayHavePrinted: boolean): PrinterError {
  if (error instanceof PrinterError && error.transactionId === transactionId && error.mayHavePrinted === mayHavePrinted) return error;
  if (error instanceof ConfirmTimeoutError) return new ConfirmTimeoutError(error.message, { transactionId, mayHavePrinted, cause: error.cause });
  if (error instanceof OneWayError) return new OneWayError(error.message, { transactionId, mayHavePrinted });
  if (error instanceof OfflineError) return new OfflineError(error.message, { transactionId, mayHavePrinted });
  if (error instanceof DisconnectedError) return new DisconnectedError(error.message, { transactionId, mayHavePrinted, cause: error.cause ?? error });
  if (error instanceof PrinterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DisconnectedError(`printer link failed: ${message}`, { cause: error, transactionId, mayHavePrinted });
}
