/**
 * Commands without spawning: each command's `run` returns data and its `format` writes it to an
 * Output, so a test calls them directly (the spawned CLI tests check the same commands end to end).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { health } from '../../src/cli/commands/health.js';
import { list } from '../../src/cli/commands/list.js';
import { show } from '../../src/cli/commands/show.js';
import { submit } from '../../src/cli/commands/submit.js';
import { EXIT_FAILURE } from '../../src/cli/errors.js';
import type { Output } from '../../src/cli/output.js';

const CAFE = resolve(import.meta.dirname, '../fixtures/receipt-cafe.json');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-spool-commands-'));
  dirs.push(dir);
  return join(dir, 'spool.db');
}

/** An Output that keeps what a command writes: stdout lines, JSON values and stderr notes. */
function memoryOutput(tty = false): Output & { lines: string[]; values: unknown[]; notes: string[] } {
  const lines: string[] = [];
  const values: unknown[] = [];
  const notes: string[] = [];
  return { tty, color: false, lines, values, notes, line: (text = '') => void lines.push(text), json: (value) => void values.push(value), note: (text) => void notes.push(text) };
}

const noEvents = { emit: () => {} };

describe('commands in process (define → run → format)', () => {
  it('submit, list and show return the job and format it as the CLI prints it', async () => {
    const db = tempDb();
    const submitted = await submit.run([CAFE], { db }, noEvents);
    expect(submitted.created).toBe(true);
    const submitOut = memoryOutput();
    submit.format(submitted, submitOut, { db });
    expect(submitOut.lines).toEqual([`queued: ${submitted.job.transactionId}  queued  printer ${submitted.job.printer}`]);

    const listed = await list.run([], { db, limit: 50 }, noEvents);
    expect(listed.jobs.map((job) => job.transactionId)).toEqual([submitted.job.transactionId]);
    const listOut = memoryOutput();
    list.format(listed, listOut, { db, limit: 50 });
    expect(listOut.lines[0]).toBe('TRANSACTION\tSTATE\tGUARANTEE\tPRINTER\tATTEMPTS\tAGE\tLAST ERROR');
    expect(listOut.lines[1]!.split('\t').slice(0, 5)).toEqual([submitted.job.transactionId, 'queued', '', submitted.job.printer, '0']);
    const listJson = memoryOutput();
    list.format(listed, listJson, { db, limit: 50, json: true });
    expect(listJson.values).toEqual([expect.objectContaining({ transactionId: submitted.job.transactionId, state: 'queued' })]);

    const shown = await show.run([submitted.job.transactionId], { db }, noEvents);
    expect(shown.history.map((entry) => entry.toState)).toEqual(['queued']);
    expect(shown.receiptText).toMatch(/Cappuccino large {28}4\.20\n[\s\S]*--- partial cut ---$/);
    const showOut = memoryOutput();
    show.format(shown, showOut, { db });
    expect(showOut.lines).toContain(shown.receiptText);
    expect(showOut.lines).toContain('History');
    const asJson = await show.run([submitted.job.transactionId], { db, json: true }, noEvents);
    expect(asJson.receiptText).toBeUndefined(); // JSON output carries the document, not its rendering
  });

  it('show names an unknown transaction; health formats "no worker" and means exit 1', async () => {
    const db = tempDb();
    await submit.run([CAFE], { db }, noEvents);
    await expect(show.run(['NOPE'], { db }, noEvents)).rejects.toThrow(/no job with transaction id "NOPE"/);
    const report = await health.run([], { db }, noEvents);
    expect(report.healths.map((entry) => [entry.ready, entry.reason])).toEqual([[false, 'no worker']]);
    expect(health.exitCode!(report, { db })).toBe(EXIT_FAILURE);
    const out = memoryOutput();
    health.format(report, out, { db });
    expect(out.notes.join('\n')).toMatch(/1 job waits for ".+", which no worker serves/);
  });
});
