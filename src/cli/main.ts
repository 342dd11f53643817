#!/usr/bin/env node
/** The `receipt-spool` binary. */
import { run } from './program.js';

const code = await run(process.argv.slice(2));
// Long-running commands (worker, emulate) resolve only once they have stopped; exit now so a
// lingering handle (a socket being torn down) cannot keep a finished command alive.
process.exit(code);
