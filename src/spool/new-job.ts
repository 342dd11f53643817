/** How every store records a new job's warnings: one rule for SQLite and PostgreSQL. */
import type { NewJob } from './store.js';

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
