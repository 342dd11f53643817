/** A printer as a command names it (a URI, or a name from the config file) and the profile to encode for. Loaded at run time. */
import { getProfile, type PrinterProfile } from '../escpos/profiles.js';
import { parsePrinterUri, type PrinterTarget } from '../transport/uri.js';
import type { PrinterConfig, SpoolConfig } from './config.js';
import { CliError, located } from './errors.js';

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

/** The printer's own profile from the config file counts as its URI's `?profile=`. */
export function configuredProfile(printer: ChosenPrinter, flag?: string): PrinterProfile | undefined {
  const configured = printer.settings?.profile;
  return chosenProfile(flag, configured === undefined ? printer.target : { ...printer.target, profile: configured });
}
