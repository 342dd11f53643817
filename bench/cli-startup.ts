/**
 * Part 7 — CLI startup: wall time of `receipt-spool --version`, `--help`, `list` and `show`
 * against a bare `node -e 0`, run side by side (interleaved, so machine load hits all alike).
 * Uses the built CLI (`npm run build` first). Goals: --version/--help ≤1.5×, list/show ≤2× node.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runIfMain } from './lib/cli.js';
import { median, type BenchOptions } from './lib/measure.js';
import { againstFloor, type PartResult } from './lib/results.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

function timeOnce(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
  return elapsed;
}

export async function cliStartupPart(options: BenchOptions): Promise<PartResult> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const runs = options.smoke ? 2 : 9;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-cli-'));
  try {
    const db = path.join(dir, 'spool.db');
    const doc = path.join(dir, 'doc.json');
    fs.writeFileSync(doc, JSON.stringify({ transactionId: 'BENCH-CLI-1', content: ['Coffee 3.50', { cut: true }] }));
    execFileSync(process.execPath, [CLI, 'submit', doc, '--db', db], { stdio: 'ignore' });
    const cases: Record<string, string[]> = {
      'node -e 0': ['-e', '0'],
      '--version': [CLI, '--version'],
      '--help': [CLI, '--help'],
      list: [CLI, 'list', '--db', db],
      show: [CLI, 'show', 'BENCH-CLI-1', '--db', db],
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (const args of Object.values(cases)) timeOnce(args); // warm the file cache
    const loadBefore = os.loadavg()[0]!;
    for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(cases)) times[name]!.push(timeOnce(args));
    const node = median(times['node -e 0']!);
    const figure = (name: string, limit: number) =>
      againstFloor(
        { name: `${name} (median)`, unit: 'ms', ours: median(times[name]!), others: { 'node -e 0': node }, better: 'lower', goal: `≤${limit}× node -e 0` },
        'node -e 0',
        limit,
      );
    return {
      part: 'cli-startup',
      title: '7. CLI startup (built CLI vs a bare node -e 0, interleaved)',
      figures: [figure('--version', 1.5), figure('--help', 1.5), figure('list', 2), figure('show', 2)],
      notes: [
        `median of ${runs} interleaved runs each; list/show read a store holding one job`,
        // Wall time on a shared machine moves with its load: say how loaded it was.
        `1-minute load average ${loadBefore.toFixed(1)} before the runs, ${os.loadavg()[0]!.toFixed(1)} after (${os.cpus().length} cores)`,
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, 'cli-startup', cliStartupPart);
