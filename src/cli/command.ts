/**
 * The shape of every command, one file each (src/cli/commands/*.ts): `define` adds its name,
 * arguments, options and help to the program; `run` does the work and returns what happened,
 * printing nothing; `format` turns that into text or JSON. A command file imports commander and
 * small helpers only: whatever `run` needs (the spool, the printer layer, the encoder, native
 * bindings) it loads with `await import()`, so a command loads only what it uses. Tests call
 * `run` and `format` directly, without spawning the CLI.
 */
import type { Command } from 'commander';
import { createOutput, type Output } from './output.js';

export interface RunContext<Event> {
  /** An event of a command that reports as it goes (worker log lines, emulated receipts), formatted at once. */
  emit(event: Event): void;
}

export interface CliCommand<Args extends unknown[], Options, Result, Event = never> {
  /** Adds the command to `program` and returns it (commander's `program.command(name)` and on). */
  define(program: Command): Command;
  run(args: Args, options: Options, context: RunContext<Event>): Promise<Result>;
  format(result: Result, out: Output, options: Options): void;
  formatEvent?(event: Event, out: Output, options: Options): void;
  /** The exit code the result means (default 0); a result that is a failure throws its CliError here, after the output. */
  exitCode?(result: Result, options: Options): number;
}

/** Identity, for type inference: `export const list = defineCommand({ ... })`. */
export function defineCommand<Args extends unknown[], Options, Result, Event = never>(command: CliCommand<Args, Options, Result, Event>): CliCommand<Args, Options, Result, Event> {
  return command;
}

/** Adds a command to the program: commander parses, `run` works, `format` prints to stdout/stderr. */
export function addCommand<Args extends unknown[], Options, Result, Event>(program: Command, command: CliCommand<Args, Options, Result, Event>): void {
  command.define(program).action(async (...params: unknown[]) => {
    // commander calls the action with the declared arguments, then the options, then the command.
    const args = params.slice(0, -2) as Args;
    const options = params.at(-2) as Options;
    const out = createOutput();
    const result = await command.run(args, options, { emit: (event) => command.formatEvent?.(event, out, options) });
    command.format(result, out, options);
    const code = command.exitCode?.(result, options) ?? 0;
    if (code !== 0) process.exitCode = code;
  });
}
