import type { PrinterError } from '../../src/errors.js';

/** The error `promise` rejects with; fails the test if it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<PrinterError> {
  try {
    await promise;
  } catch (error) {
    return error as PrinterError;
  }
  throw new Error('expected a rejection');
}
