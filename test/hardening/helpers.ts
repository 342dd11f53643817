/**
 * Shared knobs for the hardening tests.
 *
 * Fuzz sizes are bounded so the folder runs well under a minute in CI. For a release run:
 *   FUZZ_RUNS=100000 npx vitest run test/hardening          # every property with 100,000 runs
 *   FUZZ_SEED=1234 npx vitest run test/hardening            # replay one seed (printed on each run)
 *   FUZZ_BYTES=100000000 npx vitest run test/hardening      # byte-stream tests over 100 MB
 * fast-check also prints the seed and the shrunk counterexample's path when a property fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type fc from 'fast-check';

const envRuns = Number(process.env['FUZZ_RUNS'] ?? '');
const envSeed = Number(process.env['FUZZ_SEED'] ?? '');

/** One seed per test file, logged so a failure in CI can be replayed with FUZZ_SEED. */
export const FUZZ_SEED = Number.isInteger(envSeed) && process.env['FUZZ_SEED'] ? envSeed : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;

/** Byte count for the stream tests (default 1,000,000). */
export const FUZZ_BYTES = Number(process.env['FUZZ_BYTES'] ?? '') || 1_000_000;

/** fast-check parameters: `ciRuns` unless FUZZ_RUNS overrides it; the file's seed. */
export function fuzz(ciRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: Number.isInteger(envRuns) && envRuns > 0 ? envRuns : ciRuns };
}

export function logSeed(file: string): void {
  console.info(`[hardening] ${file}: FUZZ_SEED=${FUZZ_SEED}${process.env['FUZZ_RUNS'] ? ` FUZZ_RUNS=${process.env['FUZZ_RUNS']}` : ''}`);
}

/** A deterministic byte generator (xorshift32) seeded from the file's seed. */
export function seededRandom(seed = FUZZ_SEED): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'receipt-spool-hardening-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------- CLI (built binary, like test/cli)

export const BIN = resolve(import.meta.dirname, '../../dist/cli/main.js');
export const cliBuilt = existsSync(BIN);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['RECEIPT_SPOOL_DB'];
  delete env['RECEIPT_SPOOL_PRINTER'];
  return { ...env, ...extra };
}

/**
 * Runs the built CLI to its end through `sh -c` so the umask can be set (`umask` applies to
 * files the CLI creates). Arguments are passed as positional parameters, never interpolated.
 */
export function runCli(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string; umask?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const script = `umask ${options.umask ?? '022'} && exec "$0" "$@"`;
    const child = spawn('/bin/sh', ['-c', script, process.execPath, BIN, ...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: cliEnv(options.env ?? {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** A long-running CLI process (worker, emulate) whose stdout lines can be awaited; stop() sends SIGTERM. */
export function startCli(args: readonly string[], options: { env?: Record<string, string>; umask?: string } = {}) {
  const script = `umask ${options.umask ?? '022'} && exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', script, process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv(options.env ?? {}) });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(match: (line: string) => boolean, timeoutMs = 30_000): Promise<string> {
      return new Promise((done, fail) => {
        const check = () => {
          const found = lines.find(match);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          done(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no matching line within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The local address every listening TCP socket on `port` is bound to, from /proc/net/tcp{,6}
 * (the kernel's view, whichever object opened it). Linux only.
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, , state] = [fields[1], fields[2], fields[3]];
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [hexAddress, hexPort] = local.split(':');
      if (Number.parseInt(hexPort!, 16) !== port) continue;
      found.push(hexAddress!.length === 8 ? ipv4FromProc(hexAddress!) : hexAddress!);
    }
  }
  return found;
}

function ipv4FromProc(hex: string): string {
  // Little-endian on the machines we run on: 0100007F is 127.0.0.1.
  return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
}
