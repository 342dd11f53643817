/** DLE EOT polling while connected, so the last status stays fresh on printers that send no ASB. */
import type { Clock } from './clock.js';
import type { Connection } from './connection.js';
import type { StatusTracker } from './status-tracker.js';

export interface PollSettings {
  clock: Clock;
  /** Time between the end of one query set and the next; 0 turns polling off. */
  intervalMs: number;
  /** Wait per DLE EOT request. */
  timeoutMs: number;
  status: StatusTracker;
  currentConnection(): Connection | undefined;
}

export class StatusPoller {
  private timer: unknown;

  constructor(private readonly settings: PollSettings) {}

  /** Polls the current connection until it is replaced or `stop()` is called. */
  start(): void {
    const { clock, intervalMs, timeoutMs, status } = this.settings;
    if (intervalMs <= 0) return;
    clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      const connection = this.settings.currentConnection();
      if (!connection) return;
      const poll = connection.answersStatus ? status.query(connection, timeoutMs) : Promise.resolve();
      poll
        .catch(() => {})
        .finally(() => {
          if (connection === this.settings.currentConnection()) this.start();
        });
    }, intervalMs);
  }

  stop(): void {
    this.settings.clock.clearTimeout(this.timer);
  }
}
