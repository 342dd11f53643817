/**
 * `receipt-spool worker`: prints everything queued for one printer (`--printer`), or for every
 * printer of the config file, in one process until SIGINT/SIGTERM. One log line per event.
 */
import { Option, type Command } from 'commander';
import type { PrinterProfile } from '../../escpos/profiles.js';
import { DEFAULT_PRINTER, type Spool } from '../../spool/spool.js';
import type { Worker, WorkerEvents, WorkerOptions } from '../../spool/worker.js';
import type { SpoolConfig } from '../config.js';
import { CliError, describeError, EXIT_FAILURE } from '../errors.js';
import { printerLinkFactory } from '../links.js';
import {
  chosenProfile,
  configOf,
  dbOption,
  jsonOption,
  openStore,
  parseDuration,
  parsePositiveNumber,
  printerOption,
  profileOption,
  requirePrinter,
  withCommon,
  type ChosenPrinter,
} from '../options.js';
import { saveDigitalCopies } from '../picture.js';
import { createOutput, describeJob, formatAge, healthJson, jobJson, paint, type Output } from '../output.js';
import { fleetHost, homedHere } from '../homes.js';

export interface WorkerCommandOptions {
  db?: string;
  config?: string;
  printer?: string;
  name?: string;
  profile?: string;
  fallback?: string;
  fallbackAfter: number;
  unreachableAfter: number;
  allowUnconfirmed?: boolean;
  json?: boolean;
  digitalCopyAfter?: number;
  digitalCopies?: string;
}

/** One printer this process serves: its logical name, where it is, and its worker's settings. */
interface Served {
  name: string;
  printer: ChosenPrinter;
  profile?: PrinterProfile;
  fallback?: ChosenPrinter;
  fallbackAfterMs: number;
  unreachableAfterMs: number;
}

export function registerWorker(program: Command): void {
  withWorkerOptions(program.command('worker'))
    .description('print queued receipts until SIGINT/SIGTERM: for --printer, or for every printer of the config file; one log line per event')
    .addOption(jsonOption('one JSON object per event and line: {"event", "at", ...}'))
    .addHelpText(
      'after',
      `
Receipt documents are never logged. JSON events: printing, printed, reprinted, retrying,
needs-attention, recovered, digital-copy-due, failed, status, store-error, worker-error, started, unserved, stopped.

Examples:
  $ receipt-spool worker --printer tcp://192.168.1.50:9100 --name front --db /var/lib/pos/spool.db
  $ receipt-spool worker --config /etc/receipt-spool.json     # every configured printer`,
    )
    .action((options: WorkerCommandOptions) => runWorkers(options));
}

/** The options that choose the printers a worker process serves (`worker`, `serve`). */
export function withWorkerOptions(command: Command): Command {
  return withCommon(command)
    .addOption(dbOption())
    .addOption(printerOption('printer URI or config name (default: every printer of the config file)'))
    .addOption(new Option('--name <name>', 'logical printer name the jobs are queued for ("printer" in the document; default: the config name, else "default")'))
    .addOption(profileOption())
    .addOption(new Option('--fallback <printer>', 'printer (URI or config name) to use while this one needs attention'))
    .addOption(new Option('--fallback-after <seconds>', 'how long to wait before using the fallback').default(60).argParser(parsePositiveNumber))
    .addOption(
      new Option('--unreachable-after <seconds>', 'how long the printer may be unreachable before its job needs attention').default(120).argParser(parsePositiveNumber),
    )
    .addOption(new Option('--allow-unconfirmed', 'accept "sent" from a printer that cannot confirm'))
    .addOption(new Option('--digital-copy-after <duration>', 'say digital-copy-due once a job has waited this long in needs-attention (e.g. 10m)').argParser(parseDuration))
    .addOption(new Option('--digital-copies <dir>', 'with --digital-copy-after: also write the copy as DIR/<transactionId>.png, marked DIGITAL COPY'));
}

/**
 * Serves the chosen printers until SIGINT/SIGTERM. `alongside` runs once the workers started
 * (the print service's HTTP server) and returns what to stop before the workers stop.
 */
export async function runWorkers(
  options: WorkerCommandOptions,
  alongside?: (spool: Spool, log: Log) => Promise<() => Promise<void>>,
): Promise<void> {
  const out = createOutput();
  if (options.digitalCopies !== undefined && options.digitalCopyAfter === undefined) {
    throw new CliError('--digital-copies needs --digital-copy-after (how long a job waits before its copy is due).');
  }
  const config = configOf(options);
  const served = servedPrinters(options, config);
  const spool = openStore(options, { create: true });
  const log = eventLogger(out, Boolean(options.json));
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
  await logUnserved(spool, new Set(served.map((entry) => entry.name)), log, out);
  const stopAlongside = alongside ? await alongside(spool, log) : undefined;
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
    const profile = chosenProfile(flags ? options.profile : undefined, settings?.profile === undefined ? printer.target : { ...printer.target, profile: settings.profile });
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
async function logUnserved(spool: Spool, served: Set<string>, log: Log, out: Output): Promise<void> {
  const now = Date.now();
  for (const waiting of await spool.waitingPrinters()) {
    if (served.has(waiting.printer)) continue;
    const health = await spool.health(waiting.printer);
    if (health.servedBy) continue; // another process serves it
    log(
      'unserved',
      { printer: waiting.printer, jobs: waiting.jobs, oldestCreatedAt: new Date(waiting.oldestCreatedAt).toISOString() },
      paint(
        out,
        'yellow',
        `WARNING: ${waiting.jobs} job${waiting.jobs === 1 ? '' : 's'} wait${waiting.jobs === 1 ? 's' : ''} for printer "${waiting.printer}" (oldest ${formatAge(waiting.oldestCreatedAt, now)} old), which no worker serves; this one serves ${[...served].join(', ')}. Start one with --name ${waiting.printer}, or \`receipt-spool move\` the jobs.`,
      ),
    );
  }
}

export type Log = (event: string, fields: Record<string, unknown>, human: string) => void;

export function eventLogger(out: Output, json: boolean): Log {
  return (event, fields, human) => {
    const at = new Date().toISOString();
    if (json) out.json({ event, at, ...fields });
    else out.line(`${out.color ? paint(out, 'dim', at) : at}  ${human}`);
  };
}

function logWorkerEvents(worker: Worker, log: Log): void {
  const out = createOutput();
  const on = <E extends keyof WorkerEvents>(event: E, listener: WorkerEvents[E]) => worker.on(event, listener);
  on('printing', (job) => log('printing', { job: jobJson(job) }, `printing ${job.transactionId}${job.marked ? ' (marked copy)' : ''} attempt ${job.attempts}`));
  on('printed', (job) => log('printed', { job: jobJson(job) }, `printed: ${describeJob(out, job)}`));
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
