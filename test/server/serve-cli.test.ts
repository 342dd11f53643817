/** `receipt-spool serve` as a separate process: workers + API, token file 0600, the start line, a clean stop. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { stopChild } from '../../src/child-process.js';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { BIN, cliEnv, watchLines } from '../support/cli-process.js';
import { tempDir } from '../spool/helpers.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

it('serves the API over the workers, keeps its token in a 0600 file, and stops on SIGTERM', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const printer = new VirtualPrinter();
  const { port } = await printer.listen();
  cleanup.push(async () => {
    await printer.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const db = path.join(dir, 'spool.db');
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--printer', `tcp://127.0.0.1:${port}`, '--name', 'front', '--port', '0'], {
    env: cliEnv({ RECEIPT_SPOOL_TOKEN: undefined }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.push(async () => {
    await stopChild(child);
  });
  const output = watchLines(child);
  const start = await output.waitForLine((line) => line.includes('dashboard: http://127.0.0.1:'));
  const [, url, token] = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(start)!;
  const tokenFile = path.join(dir, 'receipt-spool.token');
  expect(fs.readFileSync(tokenFile, 'utf8').trim()).toBe(token);
  expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);

  const headers = { authorization: `Bearer ${token!}`, 'content-type': 'application/json' };
  const submitted = await fetch(`${url!}/api/receipts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ transactionId: 'S-1', printer: 'front', content: ['Tea 2.00', { cut: true }] }),
  });
  expect(submitted.status).toBe(201);
  const waited = await fetch(`${url!}/api/receipts/S-1/wait?timeoutMs=20000`, { headers });
  expect(await waited.json()).toMatchObject({ job: { transactionId: 'S-1', state: 'printed' } });
  expect((await fetch(`${url!}/api/printers`)).status).toBe(401);

  child.kill('SIGTERM');
  expect(await output.exited).toBe(0);
  expect(output.lines.at(-1)).toContain('stopped');
});
