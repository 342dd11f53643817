/** Timing helpers shared by the bench parts: rates with warm-up and medians, latency percentiles. */
import { performance } from 'node:perf_hooks';

/** Options common to every part: `smoke` shrinks every size so the whole run takes seconds. */
export interface BenchOptions {
  smoke: boolean;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface RateOptions {
  /** Time spent warming up (JIT) before measuring. */
  warmupMs: number;
  /** Measured rounds; the median round is reported. */
  rounds: number;
  /** Length of one round. */
  roundMs: number;
}

export const rateOptions = (options: BenchOptions): RateOptions => (options.smoke ? { warmupMs: 5, rounds: 2, roundMs: 5 } : { warmupMs: 300, rounds: 7, roundMs: 200 });

/**
 * Operations per second of `operation` (median of several timed rounds after a warm-up). Every
 * result is passed to `sink`, so the engine cannot drop the work as dead code.
 */
export function opsPerSecond<T>(operation: () => T, sink: (result: T) => void, options: RateOptions): number {
  runFor(operation, sink, options.warmupMs);
  const rates: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const { count, elapsedMs } = runFor(operation, sink, options.roundMs);
    rates.push((count * 1000) / elapsedMs);
  }
  return median(rates);
}

function runFor<T>(operation: () => T, sink: (result: T) => void, durationMs: number): { count: number; elapsedMs: number } {
  const start = performance.now();
  let count = 0;
  let now = start;
  // Read the clock once per batch: performance.now() is not free next to a 10 µs operation.
  // The batch grows while a batch takes under a millisecond, so slow operations stay 1 a batch.
  let batch = 1;
  do {
    const batchStart = now;
    for (let i = 0; i < batch; i++) sink(operation());
    count += batch;
    now = performance.now();
    if (now - batchStart < 1 && batch < 1024) batch *= 2;
  } while (now - start < durationMs);
  return { count, elapsedMs: now - start };
}

/** Median wall time in ms of an async operation, after `warmup` untimed runs. */
export async function medianMs(operation: () => unknown, runs: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await operation();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await operation();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Wall-clock time with sub-millisecond precision that two processes on one machine agree on. */
export const absoluteNow = (): number => performance.timeOrigin + performance.now();

export const round = (value: number, digits = 3): number => {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value) >= 1 ? Math.floor(Math.log10(Math.abs(value))) + 1 : 1;
  const decimals = Math.max(0, digits - magnitude);
  return Number(value.toFixed(Math.min(decimals, 6)));
};
