/** What the worker shares with its helpers (lease, attempt, watch, renderer): nothing else is shared. */
import type { PrinterLink } from '../printer/types.js';
import type { TargetRenderer } from './job-renderer.js';
import type { SpoolStore } from './store.js';
import type { Clock, Job } from './types.js';
import type { WorkerEvents, WorkerOptions } from './worker-options.js';

export type Emit = <E extends keyof WorkerEvents>(event: E, ...args: Parameters<WorkerEvents[E]>) => void;

/** Where a job prints: the printer's own link, or its fallback after a long `needs-attention`. */
export interface PrintTarget {
  /** Recorded as the job's `printedOn`. */
  readonly name: string;
  readonly link: PrinterLink;
  /** This target's bytes for a job (its configured renderer, or the encoder for its profile). */
  readonly renderer: TargetRenderer;
  /** False on the fallback: nothing watches it for recovery, so its faults back off instead of waiting. */
  readonly watchesRecovery: boolean;
}

export interface ClaimRequest {
  printer: string;
  holder: string;
  includeAttention: boolean;
}

/** How the worker would claim its next job now, and where that job would print. */
export interface Claim {
  request: ClaimRequest;
  target: PrintTarget;
}

export interface Claimed {
  job: Job;
  target: PrintTarget;
}

export interface WorkerContext {
  readonly printer: string;
  readonly store: SpoolStore;
  readonly clock: Clock;
  readonly options: WorkerOptions;
  readonly emit: Emit;
  /** Emits an unexpected error as `store-error` or `worker-error`; the worker keeps running. */
  readonly report: (error: unknown) => void;
  /** Writes an outcome to the store, retrying while the store is unusable (persist.ts). */
  readonly persist: <T>(write: () => Promise<T>) => Promise<T | undefined>;
}
