/** Opening a store whose directory does not exist names the directory and what to do, and creates nothing. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { StoreDirectoryMissingError } from '../../src/errors.js';
import { openSpool } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('openSpool on a path whose directory is missing: STORE_DIRECTORY_MISSING naming the directory and mkdir -p', () => {
  const base = mkdtempSync(join(tmpdir(), 'receipt-spool-nodir-'));
  dirs.push(base);
  const directory = join(base, 'var', 'lib', 'pos');
  const path = join(directory, 'receipts.db');
  let error: unknown;
  try {
    openSpool({ path });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(StoreDirectoryMissingError);
  expect(error).toMatchObject({ code: 'STORE_DIRECTORY_MISSING', path });
  expect((error as Error).message).toContain(`the store's directory ${directory} does not exist`);
  expect((error as Error).message).toContain(`mkdir -p ${directory}`);
  expect(existsSync(directory)).toBe(false);
});
