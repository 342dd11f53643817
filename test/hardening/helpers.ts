/**
 * Shared knobs for the hardening tests.
 *
 * Fuzz sizes are bounded so the folder runs well under a minute in CI. For a release run:
 *   FUZZ_RUNS=100000 npx vitest run test/hardening          # every property with 100,000 runs
 *   FUZZ_SEED=1234 npx vitest run test/hardening            # replay one seed (printed on each run)
 *   FUZZ_BYTES=100000000 npx vitest run test/hardening      # byte-stream tests over 100 MB
 * fast-check also prints the seed and the shrunk counterexample's path when a property fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type fc from 'fast-check';
import { BIN, cliEnv, collectOutput, watchLines, type CliResult } from '../support/cli-process.js';
import { stopChild } from '../../src/child-process.js';

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

export { BIN, type CliResult };
export const cliBuilt = existsSync(BIN);

/** `node BIN ...args` under `sh -c`, so the umask (default 022) applies to files the CLI creates. */
function spawnCli(args: readonly string[], options: { input?: string; env?: Record<string, string>; cwd?: string; umask?: string }): ChildProcess {
  // Arguments are passed as positional parameters, never interpolated.
  const script = `umask ${options.umask ?? '022'} && exec "$0" "$@"`;
  return spawn('/bin/sh', ['-c', script, process.execPath, BIN, ...args], {
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: cliEnv(options.env ?? {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}

/** Runs the built CLI to its end (see spawnCli for the umask); killed after `timeoutMs` (default 30 s). */
export async function runCli(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string; umask?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const child = spawnCli(args, options);
  const timer = setTimeout(() => void stopChild(child, { signal: 'SIGKILL' }), options.timeoutMs ?? 30_000);
  const result = await collectOutput(child, options.input);
  clearTimeout(timer);
  return result;
}

/** A long-running CLI process (worker, emulate) whose stdout lines can be awaited; stop() sends SIGTERM. */
export function startCli(args: readonly string[], options: { env?: Record<string, string>; umask?: string } = {}) {
  const child = spawnCli(args, options);
  const watched = watchLines(child);
  return {
    child,
    ...watched,
    async stop(): Promise<number | null> {
      await stopChild(child, { forceAfterMs: 15_000 });
      return watched.exited;
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
