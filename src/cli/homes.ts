/**
 * Printer homes from the config file (docs/fleet.md): this host's name in the fleet, and which
 * configured printers it prints to. A printer without `home` is served wherever a worker runs it.
 */
import { hostname } from 'node:os';
import type { SpoolConfig } from './config.js';

/**
 * `--host`, else $RECEIPT_SPOOL_HOST, else the config file's `fleet.host`, else the machine's name
 * (the environment before the file, as for the store: one config file can serve the whole shop).
 */
export function fleetHost(flag: string | undefined, config: SpoolConfig | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env['RECEIPT_SPOOL_HOST'] || undefined) ?? config?.fleet?.host ?? hostname();
}

/** Printer → home host, for the printers that name one. */
export function homesOf(config: SpoolConfig | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(config?.printers ?? {}).flatMap(([name, printer]) => (printer.home === undefined ? [] : [[name, printer.home]])));
}

/** Whether this host's worker prints to the configured printer `name`. */
export function homedHere(name: string, config: SpoolConfig | undefined, host: string): boolean {
  const home = config?.printers[name]?.home;
  return home === undefined || home === host;
}
