/**
 * The bench runner never exits 0 without writing its results: a part that fails, or whose
 * promise is left pending (Node would exit 0 when the loop empties), is exit 1 naming the part.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../support/bench-with-broken-part.ts', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function runBroken(mode: 'throws' | 'pending') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-broken-'));
  dirs.push(dir);
  const out = path.join(dir, 'results.json');
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, mode, out], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr, written: fs.existsSync(out) };
}

it('a part that throws: exit 1 naming the part and its error; no results written', () => {
  const run = runBroken('throws');
  expect({ status: run.status, written: run.written }).toEqual({ status: 1, written: false });
  expect(run.stderr).toContain('bench: part "broken" failed: Error: the link fell over');
}, 60_000);

it('a part whose promise never settles: exit 1 naming the part, instead of exit 0 with nothing written', () => {
  const run = runBroken('pending');
  expect({ status: run.status, written: run.written }).toEqual({ status: 1, written: false });
  expect(run.stderr).toContain('bench: part "broken" never finished');
}, 60_000);
