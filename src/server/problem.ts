/**
 * Errors as RFC 9457 problem details (`application/problem+json`), carrying the library's stable
 * error code so a browser POS branches on `code` exactly as a Node caller does on `error.code`.
 */
import { InvalidDocumentError, isReceiptSpoolError } from '../errors.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  /** JSON paths and reasons, for a document that was refused. */
  issues?: readonly { path: string; message: string }[];
}

/** HTTP status by library error code; anything else from the library is a 500. */
const STATUS_BY_CODE: Record<string, number> = {
  INVALID_DOCUMENT: 400,
  CARD_DATA: 400,
  INVALID_ARGUMENT: 400,
  INVALID_PRINTER_URI: 400,
  UNKNOWN_TRANSACTION: 404,
  DOCUMENT_PURGED: 410,
  JOB_BUSY: 409,
  JOB_CANCELLED: 409,
  STORE_LOCKED: 503,
  STORE_FULL: 507,
  STORE_READONLY: 503,
  STORE_CORRUPT: 503,
  STORE_MISSING: 503,
  STORE_ERROR: 503,
};

/** A problem the server itself detected (no token, wrong origin, too many requests, …). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export function problemOf(error: unknown): Problem {
  if (error instanceof HttpProblem) return problem(error.status, error.code, error.message);
  if (isReceiptSpoolError(error)) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const result = problem(status, error.code, error.message);
    if (error instanceof InvalidDocumentError) result.issues = error.issues;
    return result;
  }
  return problem(500, 'INTERNAL', 'internal error; see the server log');
}

function problem(status: number, code: string, detail: string): Problem {
  return { type: `urn:receipt-spool:error:${code}`, title: code, status, code, detail };
}
