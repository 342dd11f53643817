/**
 * Without socat the virtual printer's pseudo-terminal fails at once with a branded error that
 * names socat and how to install it, and stops nothing it did not start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { MissingProgramError } from '../../src/errors.js';

const savedPath = process.env['PATH'];
const emptyDirs: string[] = [];
afterEach(() => {
  process.env['PATH'] = savedPath;
  for (const dir of emptyDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('listen({ pty: true }) rejects with MissingProgramError naming socat when it is not on PATH', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'receipt-spool-no-socat-'));
  emptyDirs.push(empty);
  process.env['PATH'] = empty;
  const printer = new VirtualPrinter();
  const error = await printer.listen({ port: 0, pty: true }).catch((e: unknown) => e);
  await printer.close();
  expect(error).toBeInstanceOf(MissingProgramError);
  expect(error).toMatchObject({ code: 'MISSING_PROGRAM', program: 'socat' });
  expect((error as Error).message).toContain('apt-get install socat');
  expect(process.kill(process.ppid, 0)).toBe(true);
});
