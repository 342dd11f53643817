#!/usr/bin/env node
/** The `receipt-spool` binary. */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Answered before anything else loads: a version check should cost no more than starting Node.
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`${manifest.version}\n`);
} else {
  const { run } = await import('./program.js');
  const code = await run(args);
  // Long-running commands (worker, emulate) resolve only once they have stopped; exit now so a
  // lingering handle (a socket being torn down) cannot keep a finished command alive.
  process.exit(code);
}
