/**
 * Runs the BUILT binary (`node dist/cli/main.js`, built by `npm run build` / `pretest`) as a
 * child process, against a temporary store and a virtual printer in the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/index.js';

export const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the CLI tests`);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];

/** Runs everything registered by the helpers below; call in afterEach. */
export async function cleanup(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) await step();
}

/** A temporary directory with a store path; removed at cleanup. */
export function tempStore(): { dir: string; db: string } {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-spool-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, db: join(dir, 'spool.db') };
}

export async function startPrinter(options: VirtualPrinterOptions = {}): Promise<{ vp: VirtualPrinter; uri: string; port: number }> {
  const vp = new VirtualPrinter(options);
  const { uri, port } = await vp.listen({ port: 0 });
  cleanups.push(() => vp.close());
  return { vp, uri, port };
}

function cliEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['RECEIPT_SPOOL_DB'];
  delete env['RECEIPT_SPOOL_PRINTER'];
  return { ...env, ...extra };
}

/** Runs the CLI to its end. `input` is piped to standard input (else stdin is ignored). */
export function runCli(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: cliEnv(options.env ?? {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** A long-running CLI process (worker, emulate) whose output lines can be awaited. */
export interface RunningCli {
  child: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first line (already seen or future) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function startCli(args: readonly string[], options: { env?: Record<string, string> } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv(options.env ?? {}) });
  cleanups.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
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
    child,
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

/** Parses JSON-lines output. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A minimal receipt document for transaction `id`. */
export function receiptJson(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ transactionId: id, content: [`receipt ${id}`, { row: ['Coffee', '3.50'] }, { cut: true }], ...extra });
}

/** Polls `check` until it returns a value (not undefined); for state that only the store shows. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
