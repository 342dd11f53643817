/** Conventions every command keeps: --help with an example, --version, exit 2 for bad usage. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, cleanup, runCli } from './helpers.js';

afterEach(cleanup);

const COMMANDS = ['submit', 'print', 'worker', 'list', 'show', 'reprint', 'retry', 'health', 'status', 'printers', 'preview', 'emulate', 'fault', 'purge'];

describe('conventions', () => {
  it.each(COMMANDS)('%s --help describes the command with an example and exits 0', async (command) => {
    const result = await runCli([command, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: receipt-spool ${command}`);
    expect(result.stdout).toMatch(/Examples?:\n\s+\$ receipt-spool /);
  });

  it('lists every command in the top-level help and prints the package version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(command);
    const version = await runCli(['--version']);
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(manifest.version);
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('exits 2 with a message for an unknown command, an unknown option and a missing argument', async () => {
    const command = await runCli(['teleport']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'teleport'");
    const option = await runCli(['list', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--colour'");
    const argument = await runCli(['show']);
    expect(argument.code).toBe(2);
    expect(argument.stderr).toContain("missing required argument 'transactionId'");
    const none = await runCli([]);
    expect(none.code).toBe(2);
  });

  it('shows a stack trace only with --debug', async () => {
    const plain = await runCli(['list', '--db', '/nonexistent-dir/x.db']);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await runCli(['list', '--db', '/nonexistent-dir/x.db', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});
