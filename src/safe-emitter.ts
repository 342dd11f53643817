/**
 * The one emitter for events a user listens to (spool, worker, printer). User code never steers
 * the loop: a listener that throws (or returns a promise that rejects) is reported as a
 * `listener-error` event and a log line, and the emit goes on to the next listener, so the
 * caller's state change, its job and its mark are exactly what they would have been without
 * the listener. In the manner of graphile-worker's `safeEmit`.
 */
import { EventEmitter } from 'node:events';

/** What `listener-error` carries: which event's listener failed, and how. */
export interface ListenerErrorReport {
  event: string;
  error: Error;
}

export const LISTENER_ERROR = 'listener-error';

export class SafeEmitter extends EventEmitter {
  /**
   * Calls every listener of `event`, each guarded. Returns whether it had listeners, as
   * `EventEmitter.emit` does. Never throws because of a listener.
   */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const listeners = this.rawListeners(event) as ((...args: unknown[]) => unknown)[];
    for (const listener of listeners) {
      try {
        const result = listener.apply(this, args);
        if (isThenable(result)) result.then(undefined, (error: unknown) => this.#failed(event, error));
      } catch (error) {
        this.#failed(event, error);
      }
    }
    return listeners.length > 0;
  }

  /**
   * Reports a listener's failure on this emitter (subclasses also pass it on, e.g. a worker to its
   * spool). A failing `listener-error` listener is only logged: reporting it again could loop.
   */
  protected listenerFailed(report: ListenerErrorReport): void {
    if (report.event !== LISTENER_ERROR) this.emit(LISTENER_ERROR, report);
  }

  #failed(event: string | symbol, error: unknown): void {
    const report: ListenerErrorReport = { event: String(event), error: error instanceof Error ? error : new Error(String(error)) };
    console.error(`receipt-spool: a '${report.event}' listener threw; ignored, printing goes on: ${report.error.message}`);
    this.listenerFailed(report);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
