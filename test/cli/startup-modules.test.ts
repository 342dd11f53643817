/**
 * A CLI that starts like a CLI: each command loads only what it uses. Runs the built CLI under
 * test/support/module-recorder.mjs, which writes every module the process loaded (ES modules,
 * CommonJS modules, native addons), and checks what `--version`, `--help`, `list`, `show` and
 * `preview` did not load. How fast that makes them is measured in bench/cli-startup.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanup, FIXTURES, runCli, tempStore } from './helpers.js';
import { cliEnv } from '../support/cli-process.js';

afterEach(cleanup);

const RECORDER = resolve(import.meta.dirname, '../support/module-recorder.mjs');

/** What one CLI run loaded: npm packages by name, and our own modules by their path under dist/. */
function loadedBy(args: readonly string[], dir: string): { packages: Set<string>; ours: Set<string>; natives: string[] } {
  const file = join(dir, `modules-${args[0]}.txt`);
  const run = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], { env: cliEnv({ RECORD_MODULES: file }), encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const packages = new Set<string>();
  const ours = new Set<string>();
  const natives: string[] = [];
  for (const line of lines) {
    const where = line.slice(line.indexOf(' ') + 1);
    if (line.startsWith('native ')) natives.push(where);
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(where);
    if (inPackage) packages.add(inPackage[1]!);
    else if (/\/dist\//.test(where)) ours.add(where.slice(where.lastIndexOf('/dist/') + '/dist/'.length));
  }
  return { packages, ours, natives };
}

/** Native bindings and heavy packages that only the commands using them may load. */
const NATIVE_AND_HEAVY = ['better-sqlite3', 'serialport', '@serialport/bindings-cpp', 'usb', 'pg', 'hono', '@hono/node-server', '@napi-rs/canvas', 'zod', 'pngjs', 'iconv-lite'];

function expectNoneOf(loaded: Set<string>, names: readonly string[]): void {
  expect(names.filter((name) => loaded.has(name))).toEqual([]);
}

describe('what a command loads', () => {
  it('--version loads nothing but the binary itself, --help only commander and the command definitions', () => {
    const { dir } = tempStore();
    const version = loadedBy(['--version'], dir);
    expect([...version.ours]).toEqual(['cli/main.js']);
    expect(version.packages.size).toBe(0);

    const help = loadedBy(['--help'], dir);
    expect([...help.packages]).toEqual(['commander']);
    expect(help.natives).toEqual([]);
    expect([...help.ours].filter((path) => /^(spool\/spool|spool\/sqlite|printer|transport|escpos\/encoder|preview|server|emulator\/virtual-printer)/.test(path))).toEqual([]);
  });

  it('list loads the store (SQLite and its binding: the positive control) but no printer, encoder, preview, server or PostgreSQL driver', async () => {
    const { dir, db } = tempStore();
    expect((await runCli(['submit', join(FIXTURES, 'receipt-cafe.json'), '--db', db])).code).toBe(0);
    const list = loadedBy(['list', '--db', db], dir);
    expect(list.packages.has('better-sqlite3')).toBe(true);
    expect(list.natives.some((path) => path.includes('better_sqlite3'))).toBe(true);
    expectNoneOf(
      list.packages,
      NATIVE_AND_HEAVY.filter((name) => name !== 'better-sqlite3'),
    );
    expect([...list.ours].filter((path) => /^(printer|transport\/open|escpos\/encoder|preview|server|emulator\/virtual-printer)/.test(path))).toEqual([]);

    const show = loadedBy(['show', 'TXN-000123', '--db', db], dir);
    expect(show.ours.has('escpos/encoder.js')).toBe(true); // it renders the receipt as text
    expect(show.packages.has('pngjs')).toBe(false); // the receipt has no picture: pngjs loads at the first one
    expectNoneOf(show.packages, ['serialport', '@serialport/bindings-cpp', 'usb', 'pg', 'hono', '@hono/node-server', '@napi-rs/canvas', 'zod']);
    expect([...show.ours].filter((path) => /^(printer|transport\/open|preview|server)/.test(path))).toEqual([]);
  });

  it('preview opens no store and no printer', () => {
    const { dir } = tempStore();
    const preview = loadedBy(['preview', join(FIXTURES, 'receipt-cafe.json')], dir);
    expect(preview.ours.has('escpos/encoder.js')).toBe(true);
    expectNoneOf(preview.packages, ['better-sqlite3', 'serialport', '@serialport/bindings-cpp', 'usb', 'pg', 'hono', '@hono/node-server']);
    expect(preview.natives).toEqual([]);
  });
});
