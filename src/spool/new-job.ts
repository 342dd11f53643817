/** History lines every store writes the same way: one rule for SQLite and PostgreSQL. */
import type { NewJob, OperatorRequest } from './store.js';

/** The warnings column: JSON, or null when there are none. */
export function warningsColumn(warnings: NewJob['warnings']): string | null {
  return warnings && warnings.length > 0 ? JSON.stringify(warnings) : null;
}

/** The history line of a new job: its warnings by code and path (never their data). */
export function submittedMessage(job: Pick<NewJob, 'kind' | 'warnings'>): string {
  const what = job.kind === 'reprint' ? 'reprint requested' : 'submitted';
  const warnings = job.warnings ?? [];
  if (warnings.length === 0) return what;
  return `${what} with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings.map((w) => `${w.code} at ${w.path || '(document)'}`).join(', ')}`;
}

/** The history line of a re-queue of failed jobs, naming the operator who asked and why when one did. */
export function retryMessage(request: OperatorRequest | undefined): string {
  return request ? `retry requested by ${request.by}: ${request.reason}` : 'retry requested';
}
