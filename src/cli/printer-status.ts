/**
 * The work of `status`, loaded when it runs: the live observation of the worker serving the
 * printer (by config name or URI) if one does, else the printer's own answers over a new link.
 */
import { existsSync } from 'node:fs';
import type { PrinterIdentity } from '../printer/types.js';
import type { PrinterHealth } from '../spool/types.js';
import { FAULTS, type DirectStatus, type ObservedStatus } from './commands/status.js';
import { located } from './errors.js';
import { printerLinkFactory, profileFor } from './links.js';
import type { StoreOptions } from './options.js';
import { configuredProfile, requirePrinter, type ChosenPrinter } from './printer-choice.js';
import { configOf, openStore, storePath } from './store.js';
import type { SpoolConfig } from './config.js';

export async function askPrinterStatus(options: StoreOptions & { printer?: string; direct?: boolean }): Promise<DirectStatus | ObservedStatus> {
  const config = await configOf(options);
  const printer = requirePrinter(options.printer, config);
  const observed = options.direct ? undefined : await workerObservation(options, config, printer);
  if (observed) return { source: 'worker', uri: printer.uri, health: observed, profile: profileFor(observed.identity ?? {}, undefined).name, now: Date.now() };
  const { uri, target } = printer;
  const chosen = configuredProfile(printer);
  const link = (await printerLinkFactory(target, { reconnect: false }))();
  try {
    await link.connect();
    const status = await link.status();
    const identity = await link.identify().catch((): PrinterIdentity => ({}));
    const profile = profileFor(identity, chosen);
    const ready = status.online && FAULTS.every(([field]) => field === 'paperNearEnd' || !status[field]);
    return { source: 'direct', uri, ready, status, identity, confirmation: link.confirmation, profile: profile.name };
  } catch (error) {
    throw located(error, uri);
  } finally {
    await link.close().catch(() => {});
  }
}

/** The live observation of the worker serving this printer (by config name or URI), if one does. */
async function workerObservation(options: StoreOptions, config: SpoolConfig | undefined, printer: ChosenPrinter): Promise<PrinterHealth | undefined> {
  const path = storePath(options, config);
  if (!existsSync(path)) return undefined;
  const spool = await openStore(options, { create: false, config });
  try {
    const healths = await spool.healthAll();
    return healths.find((health) => health.servedBy && (health.printer === printer.name || health.uri === printer.uri));
  } finally {
    await spool.close();
  }
}
