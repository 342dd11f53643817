/**
 * The work of `worker` and `serve`, loaded when they run: serve the chosen printers until
 * SIGINT/SIGTERM, reporting each event through `log`.
 */
import type { PrinterProfile } from '../escpos/profiles.js';
import type { Spool } from '../spool/spool.js';
import { DEFAULT_PRINTER } from '../spool/types.js';
import type { Worker, WorkerEvents, WorkerOptions } from '../spool/worker.js';
import type { SpoolConfig } from './config.js';
import { CliError, describeError, EXIT_FAILURE } from './errors.js';
import { fleetHost, homedHere } from './homes.js';
import { printerLinkFactory } from './links.js';
import { describeJob, formatAge, healthJson, jobJson, paint } from './output.js';
import { saveDigitalCopies } from './picture.js';
import { chosenProfile, configuredProfile, requirePrinter, type ChosenPrinter } from './printer-choice.js';
import { configOf, openStore } from './store.js';
import type { Log, WorkerCommandOptions } from './worker-options.js';

/** One printer this process serves: its logical name, where it is, and its worker's settings. */
interface Served {
  name: string;
  printer: ChosenPrinter;
  profile?: PrinterProfile;
  fallback?: ChosenPrinter;
  fallbackAfterMs: number;
  unreachableAfterMs: number;
}

/**
 * Serves the chosen printers until SIGINT/SIGTERM. `alongside` runs once the workers started
 * (the print service's HTTP server) and returns what to stop before the workers stop.
 */
export async function runWorkers(options: WorkerCommandOptions, log: Log, alongside?: (spool: Spool) => Promise<() => Promise<void>>): Promise<void> {
  if (options.digitalCopies !== undefined && options.digitalCopyAfter === undefined) {
    throw new CliError('--digital-copies needs --digital-copy-after (how long a job waits before its copy is due).');
  }
  const config = await configOf(options);
  const served = servedPrinters(options, config);
  const spool = await openStore(options, { create: true, config });
  // A fault must never end the worker: anything that escapes is logged and the loop goes on.
  const escaped = (error: unknown) => log('worker-error', { error: describeError(error) }, `unexpected error: ${describeError(error)}`);
  process.on('unhandledRejection', escaped);
  process.on('uncaughtException', escaped);
  for (const entry of served) {
    const worker = spool.createWorker(await workerOptions(entry, options, config));
    logWorkerEvents(worker, log);
    if (options.digitalCopies !== undefined) await saveDigitalCopies(worker, options.digitalCopies, entry.profile, log);
    worker.start();
    log('started', { printer: entry.name, uri: entry.printer.uri, db: spool.path }, `worker for ${entry.name} on ${entry.printer.uri} (store ${spool.path})`);
  }
  await logUnserved(spool, new Set(served.map((entry) => entry.name)), log);
  const stopAlongside = alongside ? await alongside(spool) : undefined;
  const signal = await untilSignal();
  log('stopping', { signal }, `${signal}: finishing the job in flight, then stopping`);
  await stopAlongside?.();
  await spool.close({ timeoutMs: 10_000 });
  log('stopped', {}, 'stopped');
}

function servedPrinters(options: WorkerCommandOptions, config: SpoolConfig | undefined): Served[] {
  const settingsFor = (name: string, printer: ChosenPrinter, flags: boolean): Served => {
    const settings = printer.settings;
    const fallbackName = (flags ? options.fallback : undefined) ?? settings?.fallback;
    const fallback = fallbackName === undefined ? undefined : requirePrinter(fallbackName, config, '--fallback');
    const profile = configuredProfile(printer, flags ? options.profile : undefined);
    return {
      name,
      printer,
      ...(profile ? { profile } : {}),
      ...(fallback ? { fallback } : {}),
      fallbackAfterMs: (settings?.fallbackAfter ?? options.fallbackAfter) * 1000,
      unreachableAfterMs: (settings?.unreachableAfter ?? options.unreachableAfter) * 1000,
    };
  };
  if (options.printer !== undefined && options.printer !== '') {
    const printer = requirePrinter(options.printer, config);
    return [settingsFor(options.name ?? printer.name ?? DEFAULT_PRINTER, printer, true)];
  }
  // A printer homed on another host (docs/fleet.md) is that host's to print.
  const host = fleetHost(undefined, config);
  const configured = Object.keys(config?.printers ?? {}).filter((name) => homedHere(name, config, host));
  if (configured.length === 0 && config && Object.keys(config.printers).length > 0) {
    throw new CliError(`every printer in ${config.file} is homed on another host (this host is "${host}": set RECEIPT_SPOOL_HOST or "fleet.host"), or pass --printer URI.`);
  }
  if (configured.length === 0) {
    throw new CliError(
      config
        ? `the config file ${config.file} names no printers: add "printers": {"front": {"uri": "tcp://…"}} or pass --printer URI.`
        : 'no printer given: pass --printer URI (e.g. tcp://192.168.1.50:9100), set RECEIPT_SPOOL_PRINTER, or name printers in receipt-spool.json (--config FILE).',
    );
  }
  if (options.name !== undefined) throw new CliError('--name needs --printer: with a config file each printer is served under its own name.');
  return configured.map((name) => settingsFor(name, requirePrinter(name, config), false));
}

async function workerOptions(entry: Served, options: WorkerCommandOptions, config: SpoolConfig | undefined): Promise<WorkerOptions> {
  const fallbackProfile = entry.fallback ? chosenProfile(entry.fallback.settings?.profile, entry.fallback.target) : undefined;
  const mark = config?.mark;
  return {
    ...(mark?.text === undefined ? {} : { markText: mark.text }),
    ...(mark?.timeZone === undefined && mark?.format === undefined
      ? {}
      : { markTime: { ...(mark.timeZone ? { timeZone: mark.timeZone } : {}), ...(mark.format ? { format: mark.format } : {}) } }),
    printer: entry.name,
    uri: entry.printer.uri,
    link: await printerLinkFactory(entry.printer.target),
    unreachableAfterMs: entry.unreachableAfterMs,
    ...(entry.profile ? { profile: entry.profile } : {}),
    ...(options.allowUnconfirmed ? { allowUnconfirmed: true } : {}),
    ...(options.digitalCopyAfter !== undefined ? { digitalCopyAfterMs: options.digitalCopyAfter } : {}),
    ...(entry.fallback
      ? {
          fallback: {
            link: await printerLinkFactory(entry.fallback.target),
            afterMs: entry.fallbackAfterMs,
            ...(entry.fallback.name ? { name: entry.fallback.name } : {}),
            ...(fallbackProfile ? { profile: fallbackProfile } : {}),
          },
        }
      : {}),
  };
}

/** Jobs queued for printers that no worker serves wait forever unless someone notices: say so at start. */
async function logUnserved(spool: Spool, served: Set<string>, log: Log): Promise<void> {
  const now = Date.now();
  for (const waiting of await spool.waitingPrinters()) {
    if (served.has(waiting.printer)) continue;
    const health = await spool.health(waiting.printer);
    if (health.servedBy) continue; // another process serves it
    const warning = `WARNING: ${waiting.jobs} job${waiting.jobs === 1 ? '' : 's'} wait${waiting.jobs === 1 ? 's' : ''} for printer "${waiting.printer}" (oldest ${formatAge(waiting.oldestCreatedAt, now)} old), which no worker serves; this one serves ${[...served].join(', ')}. Start one with --name ${waiting.printer}, or \`receipt-spool move\` the jobs.`;
    log('unserved', { printer: waiting.printer, jobs: waiting.jobs, oldestCreatedAt: new Date(waiting.oldestCreatedAt).toISOString() }, (out) => paint(out, 'yellow', warning));
  }
}

function logWorkerEvents(worker: Worker, log: Log): void {
  const on = <E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]) => worker.on(event, listener);
  on('printing', (job) => log('printing', { job: jobJson(job) }, `printing ${job.transactionId}${job.marked ? ' (marked copy)' : ''} attempt ${job.attempts}`));
  on('printed', (job) => log('printed', { job: jobJson(job) }, (out) => `printed: ${describeJob(out, job)}`));
  on('reprinted', ({ job, reason }) => log('reprinted', { reason, job: jobJson(job) }, `marked copy printed (${reason}): ${job.transactionId}`));
  on('retrying', ({ job, error, delayMs }) =>
    log('retrying', { delayMs, error: describeError(error), job: jobJson(job) }, `retrying ${job.transactionId} in ${Math.round(delayMs / 100) / 10} s: ${describeError(error)}`),
  );
  on('needs-attention', ({ printer, job, code, cause }) =>
    log('needs-attention', { printer, code, cause, job: job ? jobJson(job) : null }, `NEEDS ATTENTION: ${cause}${job ? ` (${job.transactionId} waits)` : ''}`),
  );
  on('recovered', ({ printer }) => log('recovered', { printer }, `${printer} recovered: printing resumes`));
  on('digital-copy-due', ({ job, waitingMs }) =>
    log('digital-copy-due', { waitingMs, job: jobJson(job) }, `digital copy due: ${job.transactionId} has waited ${Math.round(waitingMs / 1000)} s`),
  );
  on('failed', ({ job, error }) => log('failed', { error: describeError(error), job: jobJson(job) }, `gave up on ${job.transactionId}: ${describeError(error)}`));
  on('status', (health) => log('status', { health: healthJson(health) }, `${health.printer}: ${health.ready ? 'ready' : 'not ready'} (${health.reason})`));
  on('store-error', (error) => log('store-error', { error: describeError(error) }, `store error (will retry): ${describeError(error)}`));
  on('worker-error', (error) => log('worker-error', { error: describeError(error) }, `worker error (continuing): ${describeError(error)}`));
}

/** Resolves with the first SIGINT or SIGTERM; a second one exits at once. */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals) => {
      if (received) process.exit(EXIT_FAILURE);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
