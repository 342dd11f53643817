/** Reopens a dropped link with exponential backoff until an attempt succeeds or the printer is closed. */
import type { Clock } from './clock.js';

export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
}

export interface ReconnectHooks {
  /** One attempt to open and probe the link. */
  open(): Promise<void>;
  /** The user closed the printer: stop trying. */
  closedByUser(): boolean;
  /** A link is up again (e.g. through `connect()`): this attempt is not needed. */
  connected(): boolean;
}

export class Reconnector {
  private backoffMs = 0;
  private timer: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly policy: ReconnectPolicy,
    private readonly hooks: ReconnectHooks,
  ) {}

  /** Waits `initialMs`, then twice as long after each failed attempt, up to `maxMs`. */
  schedule(): void {
    this.backoffMs = this.backoffMs === 0 ? this.policy.initialMs : Math.min(this.backoffMs * 2, this.policy.maxMs);
    this.timer = this.clock.setTimeout(() => {
      if (this.hooks.closedByUser() || this.hooks.connected()) return;
      this.hooks.open().then(
        () => this.reset(),
        () => {
          if (!this.hooks.closedByUser()) this.schedule();
        },
      );
    }, this.backoffMs);
  }

  /** The link is up: the next drop starts again from `initialMs`. */
  reset(): void {
    this.backoffMs = 0;
  }

  cancel(): void {
    this.clock.clearTimeout(this.timer);
  }
}
