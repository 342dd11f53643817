/**
 * The bench harness keeps working: `bench/run.ts --smoke` runs all nine parts at tiny sizes and
 * writes results.json with every part's figures as numbers with units. No timing is asserted. The
 * fleet part needs PostgreSQL (RECEIPT_SPOOL_TEST_PG); without it, it must say how to run it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { BenchResults } from '../../bench/lib/results.js';
import { postgres } from '../support/requirements.js';

const runScript = fileURLToPath(new URL('../../bench/run.ts', import.meta.url));

it('bench smoke run writes every part with numeric figures and units', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-bench-smoke-'));
  try {
    const out = path.join(dir, 'results.json');
    const run = spawnSync(process.execPath, ['--import', 'tsx', runScript, '--smoke', '--out', out], { encoding: 'utf8', timeout: 170_000 });
    expect({ status: run.status, stderr: run.stderr.slice(-2000) }).toEqual({ status: 0, stderr: expect.any(String) });
    const results = JSON.parse(fs.readFileSync(out, 'utf8')) as BenchResults;
    expect(results.smoke).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(Object.keys(results.parts).sort()).toEqual(['cli-startup', 'encoding', 'first-byte', 'fleet', 'images', 'link', 'outbox', 'preview', 'scale', 'submit']);
    for (const part of Object.values(results.parts)) {
      if ((part.part === 'fleet' || part.part === 'outbox') && !postgres.available) {
        expect(part.notes.join(' ')).toContain(`scripts/pg-test-cluster.sh run -- npm run bench ${part.part}`);
        continue;
      }
      expect(part.figures.length, part.part).toBeGreaterThan(0);
      for (const figure of part.figures) {
        expect({ part: part.part, name: figure.name, finite: Number.isFinite(figure.ours), unit: figure.unit.length > 0 }).toEqual({
          part: part.part,
          name: figure.name,
          finite: true,
          unit: true,
        });
      }
    }
    expect(run.stdout).toContain('## 1. Encoding');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
