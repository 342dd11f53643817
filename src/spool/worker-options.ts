/** What a worker is configured with and the events it emits (re-exported by worker.ts). */
import type { PrinterProfile } from '../escpos/profiles.js';
import type { PrinterLink } from '../printer/types.js';
import type { MarkTimeOptions } from './mark-time.js';
import type { Renderer } from './render.js';
import type { RetryOptions } from './retry-policy.js';
import type { Clock, SpoolEvents } from './types.js';

export interface FallbackOptions {
  link: PrinterLink | (() => PrinterLink);
  /** How long the printer must stay in `needs-attention` before its jobs go here. */
  afterMs: number;
  /** Recorded as `printedOn` (default `<printer>:fallback`). */
  name?: string;
  profile?: PrinterProfile | string;
}

export interface WorkerOptions {
  printer: string;
  /** The printer link, or a factory the worker calls once (the worker then owns and closes it). */
  link: PrinterLink | (() => PrinterLink);
  /** Encoder profile; default: from the printer's reported model, else `generic-80`. */
  profile?: PrinterProfile | string;
  /** Replaces the encoder (tests, custom output). Receives the mark when the copy must carry one. */
  render?: Renderer;
  /** Mark text (default the encoder's `*** REPRINT ***`). */
  markText?: string;
  /** The mark's time: local time by default; time zone and format configurable. */
  markTime?: MarkTimeOptions;
  fallback?: FallbackOptions;
  /** Emit `digital-copy-due` once a job has waited this long in `needs-attention` (default: never). */
  digitalCopyAfterMs?: number;
  retry?: Partial<RetryOptions>;
  /** Safety-net re-read of the store while idle (default 1000 ms); wake-ups normally come sooner. */
  pollMs?: number;
  /** Lease time-to-live; renewed every third of it (default 15000 ms). */
  leaseMs?: number;
  /** Status polling while idle or waiting for recovery (default 3000 ms). */
  statusPollMs?: number;
  confirmTimeoutMs?: number;
  /**
   * How long every attempt may find the printer unreachable (cannot connect, offline) before the
   * job becomes `needs-attention` with code `PRINTER_UNREACHABLE` (default 120000).
   */
  unreachableAfterMs?: number;
  /** The printer's URI, recorded with the worker's observations (`status` shows where it looked). */
  uri?: string;
  /** Accept `sent` (one-way printers) as printed. */
  allowUnconfirmed?: boolean;
  clock?: Clock;
  /** Identifies this worker in the lease and history (default host:pid:random). */
  holderId?: string;
  /**
   * The host name recorded with the lease (default `os.hostname()`): a worker on the same host
   * replaces a holder whose process is gone at once. Give each machine (or container) its own.
   */
  host?: string;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface WorkerEvents extends SpoolEvents {
  /** Anything unexpected inside the worker loop; the worker keeps running. */
  'worker-error': (error: Error) => void;
}
