/** Spawning the bench's worker child and reading its stdout lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/child-process.js';

const script = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

export interface WorkerChild {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line (already seen or to come) that passes `test`. */
  line(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startWorkerChild(dbPath: string, port: number, exitAfter?: number): WorkerChild {
  const args = ['--import', 'tsx', script, dbPath, String(port), ...(exitAfter === undefined ? [] : [String(exitAfter)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const waiter of [...waiters]) waiter();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (test: (l: string) => boolean, timeoutMs = 30_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(test);
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`worker child: no matching line within ${timeoutMs} ms (got: ${lines.slice(-3).join(' | ')})`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const stop = async (): Promise<void> => {
    await stopChild(child, { forceAfterMs: 3000 });
    await exited;
  };
  return { process: child, lines, line, exited, stop };
}
