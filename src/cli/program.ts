/**
 * The `receipt-spool` program: commander setup, the commands, and the one place where any
 * failure becomes a sentence on stderr and an exit code (0 ok, 1 runtime failure, 2 bad usage
 * or input). Commander's own usage errors exit 2 as well.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerEmulate } from './commands/emulate.js';
import { registerJobCommands } from './commands/jobs.js';
import { registerOperatorCommands } from './commands/operator.js';
import { registerOutbox } from './commands/outbox.js';
import { registerPreview } from './commands/preview.js';
import { registerPrintCommands } from './commands/print.js';
import { registerPrinterCommands } from './commands/printers.js';
import { registerServe } from './commands/serve.js';
import { registerWorker } from './commands/worker.js';
import { describeError, EXIT_OK, EXIT_USAGE, exitCodeOf } from './errors.js';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

export function createProgram(): Command {
  const program = new Command('receipt-spool');
  program
    .description('Print ESC/POS receipts with confirmation, from a durable spool.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      `
Environment:
  RECEIPT_SPOOL_CONFIG    default for --config (else ./receipt-spool.json if present)
  RECEIPT_SPOOL_DB        default for --db (else the config file's "db", else ./receipt-spool.db);
                          postgres://user@host/db for a shared store
  RECEIPT_SPOOL_PRINTER   default for --printer
  NO_COLOR                no colour even on a terminal

Exit codes: 0 success, 1 runtime failure (printer, store), 2 bad usage or bad input.
--json output is one JSON value per line (JSON lines for lists and events).

Example:
  $ receipt-spool submit order.json && receipt-spool worker --printer tcp://192.168.1.50:9100`,
    );
  // Subcommands copy these settings (exitOverride, output, help after error) when created.
  registerJobCommands(program);
  registerOperatorCommands(program);
  registerPreview(program);
  registerPrintCommands(program);
  registerWorker(program);
  registerServe(program);
  registerOutbox(program);
  registerPrinterCommands(program);
  registerEmulate(program);
  return program;
}

/** Runs the CLI and resolves with the exit code; never throws. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; every other commander error is bad usage.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const debug = argv.includes('--debug');
    process.stderr.write(`receipt-spool: ${oneLine(describeError(error))}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return exitCodeOf(error);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
