/**
 * Stopping a child process safely. `child.kill()` on a child whose spawn failed (or has not
 * been reported yet) signals pid 0, which is the caller's whole process group: the test
 * runner, the CLI's shell, the POS application. So a child is signalled only once it exists
 * ('spawn' seen or a pid assigned) and only while it has not exited.
 */
import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when the program never started (spawn failed): nothing was signalled. */
  started: boolean;
}

export interface StopChildOptions {
  /** First signal (default SIGTERM). */
  signal?: NodeJS.Signals;
  /** Sends SIGKILL when the child has not exited this long after the first signal. */
  forceAfterMs?: number;
}

/** Resolves true once the child has started, false when it failed to ('error' before 'spawn'). */
export function childStarted(child: ChildProcess): Promise<boolean> {
  if (child.pid !== undefined) return Promise.resolve(true);
  if (hasExited(child)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onSpawn = () => settle(true);
    const onError = () => settle(false);
    const settle = (started: boolean) => {
      child.off('spawn', onSpawn);
      child.off('error', onError);
      resolve(started);
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
}

/**
 * Signals the child once it exists and resolves when it has exited. A child that never
 * started, or has already exited, is not signalled.
 */
export async function stopChild(child: ChildProcess, options: StopChildOptions = {}): Promise<ChildExit> {
  const started = await childStarted(child);
  if (!started) return { code: child.exitCode, signal: null, started: false };
  if (hasExited(child)) return exitOf(child);
  const exited = new Promise<ChildExit>((resolve) => child.once('exit', () => resolve(exitOf(child))));
  child.kill(options.signal ?? 'SIGTERM');
  if (options.forceAfterMs === undefined) return exited;
  const timer = setTimeout(() => {
    if (!hasExited(child)) child.kill('SIGKILL');
  }, options.forceAfterMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exitOf(child: ChildProcess): ChildExit {
  return { code: child.exitCode, signal: child.signalCode, started: true };
}
