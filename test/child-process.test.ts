/**
 * stopChild never signals a child that has no pid or has exited: pid 0 would be our own process
 * group (the test runner, the shell that started it).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { childStarted, stopChild } from '../src/child-process.js';

const script = fileURLToPath(new URL('./support/stop-missing-child.ts', import.meta.url));

/** Runs the script under a parent node process; both live in a new process group of their own. */
function runInOwnGroup(): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const parentSource = `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', ${JSON.stringify(script)}], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => { console.log(JSON.stringify({ childCode: code, childSignal: signal })); process.exit(0); });
  `;
  const parent = spawn(process.execPath, ['-e', parentSource], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  parent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => parent.on('close', (code, signal) => resolve({ code, signal, output })));
}

describe('stopChild', () => {
  it('stops a program that failed to spawn without signalling anyone; the test process and its parent live on', async () => {
    const missing = spawn('receipt-spool-no-such-program', [], { stdio: 'ignore' });
    missing.on('error', () => undefined);
    expect(await stopChild(missing)).toEqual({ code: -2, signal: null, started: false });
    expect(process.kill(process.pid, 0)).toBe(true);
    expect(process.kill(process.ppid, 0)).toBe(true);
  });

  it('in a process group of its own: the grandchild and its parent survive stopping a missing program', async () => {
    const run = await runInOwnGroup();
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    const lines = run.output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      { exit: { code: -2, signal: null, started: false }, again: { code: -2, signal: null, started: false }, parentAlive: true },
      { childCode: 0, childSignal: null },
    ]);
  });

  it('stops a running child with the signal given, then a second stop signals nothing', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    expect(await childStarted(child)).toBe(true);
    expect(await stopChild(child, { signal: 'SIGINT' })).toEqual({ code: null, signal: 'SIGINT', started: true });
    expect(await stopChild(child)).toEqual({ code: null, signal: 'SIGINT', started: true });
  });

  it('forces SIGKILL when the child ignores the first signal', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setTimeout(() => {}, 60_000)"], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    expect(await stopChild(child, { forceAfterMs: 200 })).toEqual({ code: null, signal: 'SIGKILL', started: true });
  });
});
