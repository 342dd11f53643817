/** Running parts and writing `bench/results.json` (one part merged in, or a whole run). */
import fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchOptions } from './measure.js';
import { formatMachine, formatPart, machineFacts, type BenchResults, type PartResult } from './results.js';

export const RESULTS_PATH = fileURLToPath(new URL('../results.json', import.meta.url));

export type Part = (options: BenchOptions) => Promise<PartResult>;

export function parseOptions(argv: readonly string[]): BenchOptions & { parts: string[]; out: string } {
  const smoke = argv.includes('--smoke') || process.env.BENCH_SMOKE === '1';
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : (process.env.BENCH_OUT ?? RESULTS_PATH);
  const parts = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--out');
  return { smoke, parts, out };
}

/** Runs the given parts one after the other, printing each table as it finishes. */
export async function runParts(entries: [string, Part][], options: BenchOptions, out: string, merge: boolean): Promise<BenchResults> {
  const started = Date.now();
  const machine = machineFacts();
  process.stdout.write(`${formatMachine(machine)}${options.smoke ? '  [smoke sizes: not meaningful numbers]' : ''}\n`);
  const previous = merge ? readResults(out) : undefined;
  const results: BenchResults = {
    machine,
    smoke: options.smoke,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    parts: previous && previous.smoke === options.smoke ? { ...previous.parts } : {},
  };
  for (const [name, part] of entries) {
    const partStart = Date.now();
    const result = await finishedPart(name, part, options);
    result.durationMs = Date.now() - partStart;
    results.parts[name] = result;
    process.stdout.write(`${formatPart(result)}\n  (${(result.durationMs / 1000).toFixed(1)} s)\n`);
  }
  results.durationMs = Date.now() - started;
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${out} (${(results.durationMs / 1000).toFixed(1)} s)\n`);
  return results;
}

function readResults(path: string): BenchResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8')) as BenchResults;
  } catch {
    return undefined;
  }
}

/** A part that throws, or does not finish within its deadline, is an error naming the part. */
async function finishedPart(name: string, part: Part, options: BenchOptions): Promise<PartResult> {
  const deadlineMs = options.smoke ? SMOKE_PART_DEADLINE_MS : PART_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  const overdueError = new Error(`part "${name}" did not finish within ${deadlineMs / 1000} s`);
  const overdue = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(overdueError), deadlineMs);
    // Unreferenced: a part left pending with nothing running ends the loop, and runBench says so.
    timer.unref();
  });
  try {
    return await Promise.race([part(options), overdue]);
  } catch (error) {
    if (error === overdueError) throw error;
    throw new Error(`part "${name}" failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

const SMOKE_PART_DEADLINE_MS = 90_000;
const PART_DEADLINE_MS = 20 * 60_000;

/**
 * Runs the parts and exits: 0 only after results are written; 1 naming the part that failed,
 * hung past its deadline, or was left pending (Node would otherwise exit 0 when the loop empties).
 */
export function runBench(entries: [string, Part][], options: BenchOptions, out: string, merge: boolean): void {
  let current = '(none)';
  let settled = false;
  const tracked = entries.map(([name, part]): [string, Part] => [name, (partOptions) => ((current = name), part(partOptions))]);
  process.on('beforeExit', () => {
    if (settled) return;
    process.stderr.write(`bench: part "${current}" never finished (its promise was left pending with nothing running); ${out} not written\n`);
    process.exit(1);
  });
  runParts(tracked, options, out, merge).then(
    () => {
      settled = true;
      process.exit(0);
    },
    (error: unknown) => {
      settled = true;
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}; ${out} not written\n`);
      process.exit(1);
    },
  );
}

/** `tsx bench/<part>.ts [--smoke]`: runs that part alone and merges it into results.json. */
export function runIfMain(moduleUrl: string, name: string, part: Part): void {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(fs.realpathSync(entry)).href !== moduleUrl) return;
  const options = parseOptions(process.argv.slice(2));
  runBench([[name, part]], options, options.out, true);
}
