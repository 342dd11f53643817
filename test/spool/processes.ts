/** Spawning `child.ts` and reading its stdout line by line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../src/child-process.js';

const childScript = fileURLToPath(new URL('./child.ts', import.meta.url));

export interface Child {
  process: ChildProcess;
  lines: string[];
  /** Resolves with the first line (seen or still to come) that passes `test`. */
  line(test: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops it once it exists (see src/child-process.ts); resolves when it has exited. */
  kill(signal?: NodeJS.Signals): Promise<unknown>;
}

const running = new Set<ChildProcess>();

export function startChild(args: string[], env: Record<string, string> = {}, user: { uid?: number; gid?: number } = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...args], {
    ...user,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  running.add(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) waiter();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      for (const waiter of [...waiters]) waiter();
      resolve({ code, signal });
    }),
  );
  return {
    process: child,
    lines,
    exited,
    kill: (signal = 'SIGKILL') => stopChild(child, { signal }),
    line(test, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(test);
          if (found !== undefined) {
            done();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`child exited before the expected line; got: ${lines.join(' | ')}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for a line; got: ${lines.join(' | ')}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Kills every child still running (afterEach). */
export async function killChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, { signal: 'SIGKILL' })));
}
