/**
 * The outbox's decisions, pure: which host prints a printer (its home), and what forwarding one
 * job of the till does to the fleet. docs/fleet.md explains the rules; the invariant (at least one
 * complete receipt, at most one unmarked, per transaction) rests on them:
 * - a job the till prints (its printer is homed here), or one that is finished, is *mirrored*: the
 *   fleet row copies the till's row, and the till's printers are leased to the till in the fleet,
 *   so no other host ever claims it;
 * - an open job for a printer homed elsewhere is *handed over* once: queued in the fleet for its
 *   home (marked if an attempt here may have printed it), and withdrawn here;
 * - after that the till's rows of that job stay local (the home writes the fleet's history).
 */
import type { HistoryEntry, Job, JobState } from '../types.js';

/** Printer name → the host that prints to it. A printer not listed is homed on the till itself. */
export type Homes = Readonly<Record<string, string>>;

/** The host that prints to `printer`: its home in `homes`, else `host` (the till asking). */
export function homeOf(printer: string, homes: Homes, host: string): string {
  return Object.hasOwn(homes, printer) ? homes[printer]! : host;
}

/** What the fleet already knows of a till job: `mirrored` false once it was handed over. */
export interface ForwardedJob {
  jobId: number;
  mirrored: boolean;
}

export type ForwardAction =
  /** First sight: the fleet gets a copy of the till's row (and the history rows). */
  | 'insert-mirror'
  /** The fleet's copy takes the till's row as it is now. */
  | 'update-mirror'
  /** Queued in the fleet for its home printer, as a new row. */
  | 'hand-over'
  /** Mirrored before (e.g. moved here to a printer homed elsewhere since): the fleet row is queued for its home. */
  | 'hand-over-mirror'
  /** Handed over earlier: the home owns the fleet row; nothing is forwarded. */
  | 'already-handed-over';

const OPEN_STATES: ReadonlySet<JobState> = new Set(['queued', 'sending', 'confirming', 'retrying', 'needs-attention']);

export function decideForward(job: Pick<Job, 'printer' | 'state'>, known: ForwardedJob | undefined, homes: Homes, host: string): ForwardAction {
  if (known && !known.mirrored) return 'already-handed-over';
  if (homeOf(job.printer, homes, host) === host || !OPEN_STATES.has(job.state)) return known ? 'update-mirror' : 'insert-mirror';
  return known ? 'hand-over-mirror' : 'hand-over';
}

/**
 * A handed-over job prints marked at its home when an attempt here may have put it on paper
 * already: a mark was owed, or the till's worker is sending it right now.
 */
export function handOverMustMark(job: Pick<Job, 'mustMark' | 'state'>): boolean {
  return job.mustMark || job.state === 'sending' || job.state === 'confirming';
}

/** A batch of history rows as the jobs they touch, in the order each job first appears (submit order). */
export function groupByJob(rows: readonly HistoryEntry[]): { jobId: number; rows: HistoryEntry[] }[] {
  const groups = new Map<number, HistoryEntry[]>();
  for (const row of rows) {
    const group = groups.get(row.jobId);
    if (group) group.push(row);
    else groups.set(row.jobId, [row]);
  }
  return [...groups].map(([jobId, jobRows]) => ({ jobId, rows: jobRows }));
}
