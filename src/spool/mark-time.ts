/**
 * The time printed in a reprint mark, as a customer reads it: local time (the machine's zone, or
 * the configured one), `2026-12-06 14:26` rather than an ISO instant in UTC.
 */
export interface MarkTimeOptions {
  /** IANA time zone, e.g. `Europe/Paris` (default: the machine's). */
  timeZone?: string;
  /** `datetime` (default) `2026-12-06 14:26`, `date` `2026-12-06`, or `time` `14:26`. */
  format?: 'datetime' | 'date' | 'time';
}

export function formatMarkTime(at: number, options: MarkTimeOptions = {}): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const date = `${parts['year']}-${parts['month']}-${parts['day']}`;
  const time = `${parts['hour']}:${parts['minute']}`;
  const format = options.format ?? 'datetime';
  return format === 'date' ? date : format === 'time' ? time : `${date} ${time}`;
}
