/**
 * Runs the BUILT binary (`node dist/cli/main.js`, built by `npm run build` / `pretest`) as a
 * child process, against a temporary store and a virtual printer in the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/index.js';
import { BIN, cliEnv, collectOutput, watchLines, type ChildLines, type CliResult } from '../support/cli-process.js';
import { stopChild } from '../../src/child-process.js';

export { BIN, type CliResult };
export const FIXTURES = resolve(import.meta.dirname, '../fixtures');

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before the CLI tests`);

const cleanups: (() => unknown)[] = [];

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

/** Runs the CLI to its end. `input` is piped to standard input (else stdin is ignored). */
export async function runCli(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: cliEnv(options.env ?? {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  cleanups.push(() => stopChild(child, { signal: 'SIGKILL' }));
  return collectOutput(child, options.input);
}

/** A long-running CLI process (worker, emulate) whose output lines can be awaited. */
export interface RunningCli extends ChildLines {
  child: ChildProcess;
}

export function startCli(args: readonly string[], options: { env?: Record<string, string> } = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv(options.env ?? {}) });
  cleanups.push(() => stopChild(child, { signal: 'SIGKILL' }));
  return { child, ...watchLines(child) };
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
