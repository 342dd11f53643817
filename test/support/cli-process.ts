/**
 * The built CLI binary as a child process, shared by the test folders that run it
 * (test/cli, test/hardening): its path, a clean environment, and reading what it prints.
 * How each folder spawns it (directly, or under `sh -c` for a umask) and cleans up stays there.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** `node dist/cli/main.js`, built by `npm run build` / `pretest`. */
export const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The test process's environment without the variables that would point the CLI at a real store or printer. */
export function cliEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['RECEIPT_SPOOL_DB'];
  delete env['RECEIPT_SPOOL_PRINTER'];
  return { ...env, ...extra };
}

/** Collects a child's stdout and stderr until it closes; `input`, if given, is piped to its stdin. */
export function collectOutput(child: ChildProcess, input?: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** A long-running child (worker, emulate) whose stdout lines can be awaited. */
export interface ChildLines {
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line (already seen or future) that matches; rejects on timeout or exit. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function watchLines(child: ChildProcess): ChildLines {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolvePromise) => child.once('close', (code) => resolvePromise(code)));
  return {
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(match, timeoutMs = 30_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolvePromise(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching line within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`process exited before a matching line; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
        });
      });
    },
  };
}
