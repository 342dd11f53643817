/**
 * The printer's last known status and when it was last known to be current, fed by DLE EOT
 * query sets, ASB frames and confirmed jobs.
 */
import { OfflineError } from '../errors.js';
import type { Clock } from './clock.js';
import type { Connection } from './connection.js';
import { asDisconnected } from './job-errors.js';
import { ReplyTimeoutError } from './reply-queue.js';
import { decodeRealtimeStatus, statusFault } from './status.js';
import type { PrinterStatus } from './types.js';

export interface StatusTrackerHooks {
  /** The connection the printer currently uses; a reply on an older one is not news. */
  currentConnection(): Connection | undefined;
  /** Called for every status recorded, changed or not. */
  recorded(status: PrinterStatus, previous: PrinterStatus | undefined): void;
}

export class StatusTracker {
  private last: PrinterStatus | undefined;
  private seenAt = Number.NEGATIVE_INFINITY;
  private queries: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    private readonly hooks: StatusTrackerHooks,
  ) {}

  get lastStatus(): PrinterStatus | undefined {
    return this.last;
  }

  record(status: PrinterStatus): void {
    const previous = this.last;
    this.last = status;
    this.seenAt = this.clock.now();
    this.hooks.recorded(status, previous);
  }

  /** The last status is still current now (a job just ran through without announcing a change). */
  markCurrent(): void {
    this.seenAt = this.clock.now();
  }

  /** Whether the last status is fault-free and was seen less than `maxAgeMs` ago. */
  readyWithin(maxAgeMs: number): boolean {
    const status = this.last;
    return status !== undefined && statusFault(status) === undefined && this.clock.now() - this.seenAt < maxAgeMs;
  }

  /** DLE EOT 1–4, one at a time; one query set at a time per printer. */
  query(connection: Connection, timeoutMs: number): Promise<PrinterStatus> {
    const run = this.queries.then(async () => {
      const replies: number[] = [];
      for (const n of [1, 2, 3, 4] as const) {
        try {
          replies.push(await connection.queryRealtime(n, timeoutMs));
        } catch (error) {
          if (error instanceof ReplyTimeoutError) {
            throw new OfflineError(`printer did not answer DLE EOT ${n} within ${timeoutMs} ms`, { mayHavePrinted: false });
          }
          throw asDisconnected(error, false);
        }
      }
      const status = decodeRealtimeStatus(replies[0]!, replies[1]!, replies[2]!, replies[3]!);
      const current = this.hooks.currentConnection();
      if (connection === current || current === undefined) this.record(status);
      return status;
    });
    this.queries = run.catch(() => {});
    return run;
  }
}
