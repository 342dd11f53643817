/**
 * Row shapes of the spool's tables and their mapping to the spool's types, one for every store.
 * A boolean column arrives as 0/1 from SQLite and as true/false from PostgreSQL (`Flag`); BIGINT
 * times arrive as numbers from both.
 */
import type { ErrorCode } from '../errors.js';
import type { Guarantee } from '../printer/types.js';
import type { HealthReason, HistoryEntry, Job, JobKind, JobState, PrinterHealth, ReprintRecord } from './types.js';

/** How a store returns a boolean column. */
export type Flag = number | boolean;

export interface JobRow {
  id: number;
  transaction_id: string;
  printer: string;
  kind: string;
  document: string | null;
  warnings: string | null;
  state: string;
  attempts: number;
  failures: number;
  marked: Flag;
  must_mark: Flag;
  copy: number;
  next_attempt_at: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  guarantee: string | null;
  printed_on: string | null;
  created_at: number;
  updated_at: number;
  printed_at: number | null;
  purged_at: number | null;
}

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    transactionId: row.transaction_id,
    printer: row.printer,
    kind: row.kind as JobKind,
    state: row.state as JobState,
    attempts: row.attempts,
    failures: row.failures,
    marked: Boolean(row.marked),
    mustMark: Boolean(row.must_mark),
    copy: row.copy,
    document: row.document === null ? null : (JSON.parse(row.document) as Job['document']),
    warnings: row.warnings === null ? [] : (JSON.parse(row.warnings) as Job['warnings']),
    nextAttemptAt: row.next_attempt_at,
    lastErrorCode: row.last_error_code,
    lastErrorMessage: row.last_error_message,
    guarantee: row.guarantee as Guarantee | null,
    printedOn: row.printed_on,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    printedAt: row.printed_at,
    purgedAt: row.purged_at,
  };
}

export interface HistoryRow {
  id: number;
  job_id: number;
  transaction_id: string;
  at: number;
  from_state: string | null;
  to_state: string;
  attempt: number;
  bytes_sent: number | null;
  guarantee: string | null;
  error_code: string | null;
  message: string | null;
}

/** A history row as a store writes it: every code written is an `ErrorCode` (src/error-codes.ts). */
export interface HistoryInput {
  job: Job;
  at: number;
  from: JobState | null;
  bytesSent?: number | null;
  guarantee?: Guarantee | null;
  errorCode?: ErrorCode | null;
  message?: string | null;
}

export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    id: row.id,
    jobId: row.job_id,
    transactionId: row.transaction_id,
    at: row.at,
    fromState: row.from_state as JobState | null,
    toState: row.to_state as JobState,
    attempt: row.attempt,
    bytesSent: row.bytes_sent,
    guarantee: row.guarantee as Guarantee | null,
    errorCode: row.error_code,
    message: row.message,
  };
}

export interface ReprintRow {
  transaction_id: string;
  requested_by: string;
  reason: string;
  at: number;
  copy_job_id: number | null;
}

export function toReprintRecord(row: ReprintRow): ReprintRecord {
  return { transactionId: row.transaction_id, by: row.requested_by, reason: row.reason, at: row.at, copyJobId: row.copy_job_id };
}

export interface HealthRow {
  printer: string;
  observed_at: number;
  ready: Flag;
  reason: string;
  status: string | null;
  heartbeat_at: number | null;
  holder: string | null;
  uri: string | null;
  identity: string | null;
  confirmation: string | null;
}

export function toHealth(row: HealthRow): PrinterHealth {
  return {
    printer: row.printer,
    ready: Boolean(row.ready),
    reason: row.reason as HealthReason,
    // 0: a heartbeat created the row before any observation.
    observedAt: row.observed_at === 0 ? null : row.observed_at,
    status: row.status === null ? null : (JSON.parse(row.status) as PrinterHealth['status']),
    heartbeatAt: row.heartbeat_at,
    servedBy: row.holder,
    uri: row.uri,
    identity: row.identity === null ? null : (JSON.parse(row.identity) as PrinterHealth['identity']),
    confirmation: row.confirmation as PrinterHealth['confirmation'],
  };
}
