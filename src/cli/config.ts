/**
 * The shop's config file, `receipt-spool.json`: the store and the printers by name. Found by
 * `--config FILE`, then `$RECEIPT_SPOOL_CONFIG`, then `./receipt-spool.json`; without one, every
 * command works with URIs as before. Validated with zod; each error names its JSON path.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { getProfile } from '../escpos/profiles.js';
import { parsePrinterUri } from '../transport/uri.js';
import { findConfigFile } from './config-file.js';

export { CONFIG_FILE_NAME, findConfigFile } from './config-file.js';

const printerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a printer name is letters, digits, ".", "_" or "-" (up to 64)');

const PrinterConfigSchema = z
  .object({
    uri: z.string().min(1),
    profile: z.string().optional(),
    /** Another configured printer's name, used while this one needs attention. */
    fallback: printerName.optional(),
    /** Seconds in needs-attention before the fallback takes over (default 60). */
    fallbackAfter: z.number().positive().optional(),
    /** Seconds a printer may stay unreachable before its job needs attention (default 120). */
    unreachableAfter: z.number().positive().optional(),
    /** The fleet host that prints to it (docs/fleet.md); default: whichever host serves it. */
    home: z.string().min(1).optional(),
  })
  .strict();

const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** The store file; relative to the config file's directory. */
    db: z.string().min(1).optional(),
    printers: z.record(printerName, PrinterConfigSchema).default({}),
    /** This host in a fleet: its name (a printer's `home`) and the fleet's PostgreSQL for its outbox. */
    fleet: z
      .object({ url: z.string().min(1).optional(), host: z.string().min(1).optional() })
      .strict()
      .optional(),
    /** How the reprint mark shows its time: an IANA time zone and `date`, `time` or `datetime`. */
    mark: z
      .object({ timeZone: z.string().optional(), format: z.enum(['datetime', 'date', 'time']).optional(), text: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();

export type PrinterConfig = z.infer<typeof PrinterConfigSchema>;
export type SpoolConfig = z.infer<typeof ConfigSchema> & { file: string };

export function loadConfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): SpoolConfig | undefined {
  const file = findConfigFile(flag, env, cwd);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`bad JSON in the config file ${file}: ${(error as Error).message}`, file);
  }
  return parseConfig(json, file);
}

/** Validates a parsed config; every problem is reported with its JSON path (`printers.front.uri`). */
export function parseConfig(json: unknown, file: string): SpoolConfig {
  const parsed = ConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
    throw new ConfigError(`invalid config file ${file}: ${problems.join('; ')}`, file);
  }
  const config = parsed.data;
  const problems: string[] = [];
  for (const [name, printer] of Object.entries(config.printers)) {
    try {
      parsePrinterUri(printer.uri);
    } catch (error) {
      problems.push(`printers.${name}.uri: ${(error as Error).message}`);
    }
    if (printer.profile !== undefined) {
      try {
        getProfile(printer.profile);
      } catch (error) {
        problems.push(`printers.${name}.profile: ${(error as Error).message}`);
      }
    }
    if (printer.fallback !== undefined && !(printer.fallback in config.printers)) {
      problems.push(`printers.${name}.fallback: "${printer.fallback}" is not a printer in this file`);
    } else if (printer.fallback === name) {
      problems.push(`printers.${name}.fallback: a printer cannot be its own fallback`);
    }
  }
  if (config.mark?.timeZone !== undefined && !validTimeZone(config.mark.timeZone)) {
    problems.push(`mark.timeZone: "${config.mark.timeZone}" is not an IANA time zone (e.g. Europe/Paris)`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid config file ${file}: ${problems.join('; ')}`, file);
  return { ...config, ...(config.db === undefined ? {} : { db: resolve(dirname(file), config.db) }), file };
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
