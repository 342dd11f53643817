/**
 * Output for people and for programs. People get aligned tables and colour, but only on a
 * terminal (and never with NO_COLOR); programs get tab-separated lines or, with `--json`,
 * one JSON value per line. Documents are left out of job JSON unless asked for: they may
 * hold personal data.
 */
import { displayWidth } from '../escpos/width.js';
import type { HistoryEntry, Job, PrinterHealth, ReprintRecord } from '../spool/types.js';
import type { DocumentWarning } from '../document/warnings.js';

export interface Output {
  readonly tty: boolean;
  readonly color: boolean;
  line(text?: string): void;
  json(value: unknown): void;
  /** Human diagnostics (warnings, progress) on stderr. */
  note(text: string): void;
}

export function createOutput(stream: NodeJS.WriteStream = process.stdout): Output {
  const tty = stream.isTTY === true;
  const color = tty && process.env['NO_COLOR'] === undefined && process.env['TERM'] !== 'dumb';
  return {
    tty,
    color,
    line: (text = '') => void stream.write(`${text}\n`),
    json: (value) => void stream.write(`${JSON.stringify(value)}\n`),
    note: (text) => void process.stderr.write(`${text}\n`),
  };
}

const SGR = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Tone = keyof typeof SGR;

export function paint(out: Output, tone: Tone, text: string): string {
  return out.color ? `\u001b[${SGR[tone]}m${text}\u001b[0m` : text;
}

const STATE_TONE: Record<string, Tone> = {
  printed: 'green',
  'needs-attention': 'red',
  failed: 'red',
  retrying: 'yellow',
  sending: 'yellow',
  confirming: 'yellow',
};

export function paintState(out: Output, state: string): string {
  const tone = STATE_TONE[state];
  return tone ? paint(out, tone, state) : state;
}

/**
 * Rows as an aligned table (terminal) or tab-separated lines (pipe), header first. Widths
 * count East Asian wide characters as two columns; cells may already carry colour codes.
 */
export function printTable(out: Output, header: readonly string[], rows: readonly (readonly string[])[]): void {
  if (!out.tty) {
    for (const row of [header, ...rows]) out.line(row.map((cell) => stripAnsi(cell).replace(/[\t\n]/g, ' ')).join('\t'));
    return;
  }
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => visibleWidth(row[column] ?? ''))));
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - visibleWidth(cell))))
      .join('  ')
      .trimEnd();
  out.line(paint(out, 'bold', format(header)));
  for (const row of rows) out.line(format(row));
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function visibleWidth(text: string): number {
  return displayWidth(stripAnsi(text));
}

/** `42s`, `5m`, `3h`, `2d`: how long ago. */
export function formatAge(since: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - since) / 1000));
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)}m`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

export function isoTime(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/**
 * The stable JSON form of a job: the library's field names, times as ISO 8601 strings,
 * the document only when asked for.
 */
export function jobJson(job: Job, options: { document?: boolean } = {}): Record<string, unknown> {
  const { document, createdAt, updatedAt, printedAt, purgedAt, nextAttemptAt, ...rest } = job;
  return {
    ...rest,
    createdAt: isoTime(createdAt),
    updatedAt: isoTime(updatedAt),
    printedAt: isoTime(printedAt),
    purgedAt: isoTime(purgedAt),
    nextAttemptAt: isoTime(nextAttemptAt),
    ...(options.document ? { document } : {}),
  };
}

export function historyJson(entry: HistoryEntry): Record<string, unknown> {
  return { ...entry, at: isoTime(entry.at) };
}

export function reprintJson(record: ReprintRecord): Record<string, unknown> {
  return { ...record, at: isoTime(record.at) };
}

export function healthJson(health: PrinterHealth): Record<string, unknown> {
  return { ...health, observedAt: isoTime(health.observedAt) };
}

/** Submit warnings on stderr, one line each: what the spool changed so that the receipt prints. */
export function printDocumentWarnings(out: Output, warnings: readonly DocumentWarning[]): void {
  for (const warning of warnings) out.note(`warning: ${warning.code} at ${warning.path || '(document)'}: ${warning.message}`);
}

/** One line about a job for people: `TXN-1 printed (printed) on front`. */
export function describeJob(out: Output, job: Job): string {
  const parts = [job.transactionId, paintState(out, job.state)];
  if (job.kind === 'reprint') parts.push('(reprint)');
  parts.push(`printer ${job.printer}`);
  if (job.guarantee) parts.push(`guarantee ${job.guarantee}`);
  if (job.lastErrorMessage && job.state !== 'printed') parts.push(`last error: ${job.lastErrorMessage}`);
  return parts.join('  ');
}

/** A moment in the machine's local time, for people: `2026-12-06 14:26:15`. */
export function localTime(at: number): string {
  const date = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
