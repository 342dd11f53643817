/**
 * Run by test/child-process.test.ts as a grandchild, inside a process group of its own: spawns a
 * program that does not exist, stops it, and prints what happened. (With `missing.kill()` in
 * place of stopChild, the whole group dies with SIGTERM: checked by hand on Node 20.20.)
 */
import { spawn } from 'node:child_process';
import { stopChild } from '../../src/child-process.js';

const missing = spawn('receipt-spool-no-such-program', [], { stdio: 'ignore' });
missing.on('error', () => undefined);
const exit = await stopChild(missing);
const again = await stopChild(missing);
process.kill(process.ppid, 0); // throws when the parent is gone
process.stdout.write(`${JSON.stringify({ exit, again, parentAlive: true })}\n`);
