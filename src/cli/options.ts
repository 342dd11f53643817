/**
 * Options and arguments shared by several commands, and their parsers. A parser rejects bad
 * input with commander's `InvalidArgumentError`, so commander reports it and the CLI exits 2.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { getProfile, type PrinterProfile } from '../escpos/profiles.js';
import { parsePrinterUri, type PrinterTarget } from '../transport/uri.js';
import { isPostgresUrl } from '../spool/postgres/connect.js';
import { openSpool, type Spool } from '../spool/spool.js';
import { CONFIG_FILE_NAME, loadConfig, type PrinterConfig, type SpoolConfig } from './config.js';
import { CliError, EXIT_USAGE, located } from './errors.js';

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

export function profileOption(): Option {
  return new Option('--profile <name>', "printer profile (default: from the printer's model, else generic-80)").argParser(
    parseProfileName,
  );
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

/** The config file for these options (undefined when there is none); a bad one exits 2 naming the JSON path. */
export function configOf(options: { config?: string }): SpoolConfig | undefined {
  return loadConfig(options.config);
}

function parseProfileName(name: string): string {
  try {
    getProfile(name);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return name;
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

/** A printer as a command names it: a URI, or a name from the config file (then with its settings). */
export interface ChosenPrinter {
  uri: string;
  target: PrinterTarget;
  /** The config file's name for it (given by name, or its URI is configured). */
  name?: string;
  settings?: PrinterConfig;
}

/** The printer from `--printer` or `$RECEIPT_SPOOL_PRINTER` (a config name or a URI); missing or bad → exit 2. */
export function requirePrinter(value: string | undefined, config?: SpoolConfig, flag = '--printer'): ChosenPrinter {
  if (value === undefined || value === '') {
    throw new CliError(`no printer given: pass ${flag} URI (e.g. tcp://192.168.1.50:9100) or a printer name from the config file, or set RECEIPT_SPOOL_PRINTER.`);
  }
  const byName = config?.printers[value];
  const uri = byName?.uri ?? value;
  let target: PrinterTarget;
  try {
    target = parsePrinterUri(uri);
  } catch (error) {
    if (!byName && !value.includes(':')) {
      const known = Object.keys(config?.printers ?? {});
      throw new CliError(
        `${flag} ${value}: not a printer URI, and no printer of that name in ${config ? `the config file ${config.file} (it has: ${known.join(', ') || 'none'})` : 'a config file (none found)'}.`,
      );
    }
    throw located(error, byName ? `printers.${value}.uri in ${config!.file}` : flag);
  }
  const name = byName ? value : Object.entries(config?.printers ?? {}).find(([, printer]) => printer.uri === uri)?.[0];
  const settings = name === undefined ? undefined : config!.printers[name];
  return { uri, target, ...(name === undefined ? {} : { name }), ...(settings ? { settings } : {}) };
}

/** `--profile` wins over the URI's `?profile=`; undefined means "ask the printer". */
export function chosenProfile(flag: string | undefined, target: PrinterTarget | undefined): PrinterProfile | undefined {
  const name = flag ?? target?.profile;
  if (name === undefined) return undefined;
  try {
    return getProfile(name);
  } catch (error) {
    throw located(error, flag === undefined ? 'the printer URI' : '--profile');
  }
}

/** Where a document came from: its text, a name for messages and the directory images are read from. */
export interface DocumentSource {
  text: string;
  name: string;
  baseDir: string;
}

/** Reads a file, or standard input for `-`. */
export async function readSource(file: string): Promise<DocumentSource> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), name: 'standard input', baseDir: process.cwd() };
  }
  const path = resolve(file);
  try {
    return { text: await readFile(path, 'utf8'), name: file, baseDir: dirname(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'read error');
    throw new CliError(`cannot read ${file}: ${why}; give the path of a receipt JSON file, or - for standard input.`);
  }
}

/** Parses the JSON of a document source; bad JSON → exit 2 naming the file and the position. */
export function parseJson(source: DocumentSource): unknown {
  try {
    return JSON.parse(source.text) as unknown;
  } catch (error) {
    throw new CliError(`bad JSON in ${source.name}: ${(error as Error).message}; fix the file and try again.`, EXIT_USAGE);
  }
}

/** The store path: `--db` / `$RECEIPT_SPOOL_DB`, else the config file's `db`, else ./receipt-spool.db. */
export function storePath(options: StoreOptions, config = configOf(options)): string {
  return options.db ?? config?.db ?? DEFAULT_DB;
}

/**
 * Opens the store: a SQLite file, or PostgreSQL for a postgres:// URL. Commands that only read or
 * change existing jobs refuse to create a SQLite file (a PostgreSQL schema is created on first use).
 */
export function openStore(storeOptions: StoreOptions, options: { create: boolean }): Spool {
  const path = storePath(storeOptions);
  if (isPostgresUrl(path)) {
    try {
      return openSpool({ url: path });
    } catch (error) {
      throw located(error, path.replace(/:[^:@/]*@/, ':***@'));
    }
  }
  if (!options.create && !existsSync(path)) {
    throw new CliError(`no spool store at ${path}: pass --db PATH or set RECEIPT_SPOOL_DB to the store the worker uses.`);
  }
  try {
    return openSpool({ path });
  } catch (error) {
    throw located(error, path);
  }
}
