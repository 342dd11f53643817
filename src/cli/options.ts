/**
 * Options and arguments shared by several commands, and their parsers: what a command needs to be
 * defined, so nothing here loads more than commander. A parser rejects bad input with commander's
 * `InvalidArgumentError`, so commander reports it and the CLI exits 2.
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { JobState } from '../spool/types.js';
import { CONFIG_FILE_NAME } from './config-file.js';
import { EXIT_USAGE } from './errors.js';

export const DEFAULT_DB = './receipt-spool.db';

export function dbOption(): Option {
  return new Option(
    '--db <path|url>',
    `spool store: a SQLite file, or a shared PostgreSQL store postgres://user@host/db (default: the config file's "db", else ${DEFAULT_DB})`,
  ).env('RECEIPT_SPOOL_DB');
}

export function printerOption(description = 'printer URI (e.g. tcp://192.168.1.50:9100) or a printer name from the config file'): Option {
  return new Option('--printer <uri>', description).env('RECEIPT_SPOOL_PRINTER');
}

/** Checked before the action runs (`checkProfileOption`), so the profiles load only for a command given one. */
export function profileOption(): Option {
  return new Option('--profile <name>', "printer profile (default: from the printer's model, else generic-80)");
}

/** A `preAction` hook: an unknown `--profile` is bad usage (exit 2), worded as commander words a bad argument. */
export async function checkProfileOption(_program: Command, command: Command): Promise<void> {
  const name = (command.opts() as { profile?: unknown }).profile;
  if (typeof name !== 'string') return;
  const { getProfile } = await import('../escpos/profiles.js');
  try {
    getProfile(name);
  } catch (error) {
    command.error(`error: option '--profile <name>' argument '${name}' is invalid. ${(error as Error).message}`, {
      exitCode: EXIT_USAGE,
      code: 'commander.invalidArgument',
    });
  }
}

export function jsonOption(description = 'machine-readable output (JSON)'): Option {
  return new Option('--json', description);
}

/** The explicit opt-out from the card-number check (e.g. a secured merchant copy). */
export function allowCardNumbersOption(): Option {
  return new Option('--allow-card-numbers', 'keep full card numbers in the document instead of masking them (track data and CVVs are still removed)');
}

/** Development and CI: refuse a document the spool would have to change to print. */
export function strictOption(): Option {
  return new Option('--strict', 'refuse the document if printing it needs any change (every warning becomes an error naming its JSON path)');
}

/** Adds the options every command takes. */
export function withCommon(command: Command): Command {
  return command
    .addOption(new Option('--debug', 'show stack traces on errors').hideHelp())
    .addOption(new Option('--config <file>', `config file naming the store and printers (default $RECEIPT_SPOOL_CONFIG, else ./${CONFIG_FILE_NAME} if present)`));
}

/** Options every store command has: `--db` and `--config`. */
export interface StoreOptions {
  db?: string;
  config?: string;
}

export function parsePositiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`"${text}" is not a positive number.`);
  return value;
}

export function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError(`"${text}" is not a port number (0-65535).`);
  return Number(text);
}

export function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a count (0, 1, 2, …).`);
  return Number(text);
}

export const STATES = Object.values(JobState);

export function parseState(text: string): JobState {
  if (!(STATES as string[]).includes(text)) {
    throw new InvalidArgumentError(`"${text}" is not a job state; use one of ${STATES.join(', ')}.`);
  }
  return text as JobState;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30s`, `30m`, `2h`, `7d`, `1w` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`"${text}" is not a duration such as 30m, 2h or 7d.`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

/** A relative age (`2h` = two hours ago) or an ISO date → epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  if (/^\d+(?:\.\d+)?\s*[smhdw]$/.test(text.trim())) return now - parseDuration(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const time = Date.parse(text);
    if (Number.isFinite(time)) return time;
  }
  throw new InvalidArgumentError(`"${text}" is not an ISO date (2025-01-31, 2025-01-31T09:00Z) or an age such as 30m, 2h or 7d.`);
}

/** Who runs the command, for the audit trail's default `--by`. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
