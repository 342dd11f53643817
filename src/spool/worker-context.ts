/** What the worker shares with its helpers (lease, attempt, watch, renderer): nothing else is shared. */
import type { SpoolStore } from './store.js';
import type { Clock, Job } from './types.js';
import type { WorkerEvents, WorkerOptions } from './worker-options.js';

export type Emit = <E extends keyof WorkerEvents>(event: E, ...args: Parameters<WorkerEvents[E]>) => void;

/** Which link a job goes to: the printer's own, or its fallback after a long `needs-attention`. */
export type Via = 'primary' | 'fallback';

export interface ClaimRequest {
  printer: string;
  holder: string;
  includeAttention: boolean;
}

/** How the worker would claim its next job now, and where that job would print. */
export interface Claim {
  request: ClaimRequest;
  via: Via;
}

export interface Claimed {
  job: Job;
  via: Via;
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
