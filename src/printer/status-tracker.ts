/**
 * The printer's last known status and when it was last known to be current, fed by DLE EOT
 * query sets, ASB frames and confirmed jobs.
 */
import { OfflineError } from '../errors.js';
import type { Clock } from './clock.js';
import type { Connection } from './connection.js';
import { asDisconnected } from './job-errors.js';
import { ReplyTimeoutError } from './reply-queue.js';
import { decodeRealtimeReplies, statusFault, type RealtimeStatusN } from './status.js';
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

  /**
   * The DLE EOT n the printer answers, one at a time; one query set at a time per printer. A
   * fault not seen before is believed only when a second set shows it too: a stray status byte
   * (a real-time sequence inside some data, a late reply) taken for one n would otherwise stop
   * a job that is printing fine. Up to three sets; a fault that is not confirmed is counted.
   */
  query(connection: Connection, timeoutMs: number): Promise<PrinterStatus> {
    const run = this.queries.then(async () => {
      let status = await this.querySet(connection, timeoutMs);
      for (let extra = 0; extra < 2 && this.isNewFault(status); extra++) {
        const again = await this.querySet(connection, timeoutMs);
        if (faultCode(again) === faultCode(status)) break;
        connection.dropped.unconfirmedFaults++;
        status = again;
      }
      const current = this.hooks.currentConnection();
      if (connection === current || current === undefined) this.record(status);
      return status;
    });
    this.queries = run.catch(() => {});
    return run;
  }

  /** A fault the last known status did not have. */
  isNewFault(status: PrinterStatus): boolean {
    const code = faultCode(status);
    return code !== undefined && code !== faultCode(this.last);
  }

  private async querySet(connection: Connection, timeoutMs: number): Promise<PrinterStatus> {
    const replies: Partial<Record<RealtimeStatusN, number>> = {};
    for (const n of connection.realtimeAnswered) {
      try {
        replies[n] = await connection.queryRealtime(n, timeoutMs);
      } catch (error) {
        if (error instanceof ReplyTimeoutError) {
          throw new OfflineError(`printer did not answer DLE EOT ${n} within ${timeoutMs} ms`, { mayHavePrinted: false });
        }
        throw asDisconnected(error, false);
      }
    }
    return decodeRealtimeReplies(replies);
  }
}

const faultCode = (status: PrinterStatus | undefined): string | undefined => (status === undefined ? undefined : statusFault(status)?.code);
