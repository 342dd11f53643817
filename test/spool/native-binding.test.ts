/**
 * better-sqlite3 failing to load its binding becomes one sentence naming the fix
 * (NATIVE_MODULE_UNAVAILABLE), built from the errors better-sqlite3 and Node really throw.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { NativeModuleError } from '../../src/errors.js';
import { explainBindingError } from '../../src/spool/sqlite/native.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const bindingsRequire = createRequire(require.resolve('better-sqlite3'));
const bindings = bindingsRequire('bindings') as (options: { bindings: string; module_root: string }) => unknown;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'receipt-spool-binding-'));
  dirs.push(dir);
  return dir;
};

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectOneSentence(error: unknown, what: RegExp): void {
  const explained = explainBindingError(error);
  expect(explained).toBeInstanceOf(NativeModuleError);
  expect(explained).toMatchObject({ code: 'NATIVE_MODULE_UNAVAILABLE', module: 'better-sqlite3', cause: error });
  expect(explained!.message).toMatch(what);
  expect(explained!.message).toContain('npm rebuild better-sqlite3');
  expect(explained!.message).not.toContain('\n');
  expect(explained!.message).not.toContain('Tried:');
}

it('the binding was never built: the bindings package lists every path it tried; we say it was not built', () => {
  const error = thrown(() => bindings({ bindings: 'better_sqlite3.node', module_root: tempDir() }));
  expect((error as Error).message).toContain('Could not locate the bindings file');
  expectOneSentence(error, /native binding was never built/);
});

it('a binding path that does not exist (nativeBinding) is the same case', () => {
  const error = thrown(() => new Database(':memory:', { nativeBinding: join(tempDir(), 'better_sqlite3.node') }));
  expectOneSentence(error, /never built/);
});

it('a binding that is not a loadable library (ERR_DLOPEN_FAILED) says so', () => {
  const file = join(tempDir(), 'better_sqlite3.node');
  writeFileSync(file, 'not an ELF file');
  const error = thrown(() => new Database(':memory:', { nativeBinding: file }));
  expect((error as { code?: string }).code).toBe('ERR_DLOPEN_FAILED');
  expectOneSentence(error, /cannot be loaded on this system/);
});

it("a binding built for another Node (Node's own message) names both ABI versions", () => {
  const error = Object.assign(
    new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 137. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    ),
    { code: 'ERR_DLOPEN_FAILED' },
  );
  expectOneSentence(error, /built for another Node\.js or Electron \(NODE_MODULE_VERSION 137, this one needs 115\)/);
});

it('anything else is not a binding problem', () => {
  expect(explainBindingError(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }))).toBeUndefined();
});
