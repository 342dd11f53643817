/**
 * The `receipt-spool` program: commander setup, the commands, and the one place where any
 * failure becomes a sentence on stderr and an exit code (0 ok, 1 runtime failure, 2 bad usage
 * or input). Commander's own usage errors exit 2 as well.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addCommand, type CliCommand } from './command.js';
import { describeError, EXIT_OK, EXIT_USAGE, exitCodeOf } from './errors.js';
import { checkProfileOption } from './options.js';

/** Loads a command's file and returns what adds it to the program. */
function load<Args extends unknown[], Options, Result, Event>(command: () => Promise<CliCommand<Args, Options, Result, Event>>): () => Promise<(program: Command) => void> {
  return async () => {
    const loaded = await command();
    return (program) => addCommand(program, loaded);
  };
}

/** Every command, one file each in ./commands (define, run, format), in the order `--help` lists them. */
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  submit: load(async () => (await import('./commands/submit.js')).submit),
  list: load(async () => (await import('./commands/list.js')).list),
  show: load(async () => (await import('./commands/show.js')).show),
  reprint: load(async () => (await import('./commands/reprint.js')).reprint),
  retry: load(async () => (await import('./commands/retry.js')).retry),
  purge: load(async () => (await import('./commands/purge.js')).purge),
  health: load(async () => (await import('./commands/health.js')).health),
  cancel: load(async () => (await import('./commands/cancel.js')).cancel),
  move: load(async () => (await import('./commands/move.js')).move),
  preview: load(async () => (await import('./commands/preview.js')).preview),
  print: load(async () => (await import('./commands/print.js')).print),
  worker: load(async () => (await import('./commands/worker.js')).worker),
  serve: load(async () => (await import('./commands/serve.js')).serve),
  outbox: load(async () => (await import('./commands/outbox.js')).outbox),
  status: load(async () => (await import('./commands/status.js')).status),
  printers: load(async () => (await import('./commands/printers.js')).printers),
  emulate: load(async () => (await import('./commands/emulate.js')).emulate),
  fault: load(async () => (await import('./commands/fault.js')).fault),
};

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * The program with the command `argv` names (only its file is loaded: commander parses it the same
 * way), or with every command for the top-level help, `help NAME` and an unknown command.
 */
export async function createProgram(argv: readonly string[]): Promise<Command> {
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  const adders = await Promise.all(named.map((name) => COMMANDS[name]!()));
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
  program.hook('preAction', checkProfileOption);
  // Subcommands copy these settings (exitOverride, output, help after error) when created.
  for (const add of adders) add(program);
  return program;
}

/** Runs the CLI and resolves with the exit code; never throws. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    const program = await createProgram(argv);
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
