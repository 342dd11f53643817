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
/** How old a worker's heartbeat may be before `health()` says no worker serves the printer. */
export const DEFAULT_WORKER_STALE_MS = 15_000;

/**
 * `health()` across processes: the stored observation counts only while a worker serves the
 * printer (its lease is live and its heartbeat fresh); else the printer is not ready, `no worker`,
 * whatever it last looked like. The last observation stays in `status`/`observedAt` for people.
 */
export function judgeHealth(
  printer: string,
  stored: PrinterHealth | undefined,
  lease: { holder: string; expiresAt: number } | undefined,
  now: number,
  staleAfterMs: number,
): PrinterHealth {
  const base = stored ?? unknownHealth(printer);
  const heartbeatAt = base.heartbeatAt ?? null;
  const served = lease !== undefined && lease.expiresAt > now && heartbeatAt !== null && now - heartbeatAt <= staleAfterMs;
  if (served) return { ...base, heartbeatAt, servedBy: lease.holder };
  return { ...base, ready: false, reason: 'no worker', heartbeatAt, servedBy: null };
}

/** "no worker serving front since 2026-12-06 04:50:12": why a printer is not ready, for people. */
export function describeHealth(health: PrinterHealth, formatTime: (at: number) => string): string {
  if (health.reason !== 'no worker') return health.reason;
  const since = health.heartbeatAt ?? null;
  return since === null ? `no worker serving ${health.printer} (none has run)` : `no worker serving ${health.printer} since ${formatTime(since)}`;
}
