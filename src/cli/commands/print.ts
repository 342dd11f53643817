/**
 * Commands that drive a printer through the spool: `print` (submit one receipt and wait for its
 * confirmation) and `worker` (print everything queued for a printer until stopped).
 */
import { Option, type Command } from 'commander';
import type { PrinterLink } from '../../printer/types.js';
import { DEFAULT_PRINTER, type Spool } from '../../spool/spool.js';
import type { Job } from '../../spool/types.js';
import type { Worker, WorkerEvents } from '../../spool/worker.js';
import { CliError, describeError, EXIT_FAILURE, located } from '../errors.js';
import { printerLinkFactory } from '../links.js';
import {
  allowCardNumbersOption,
  chosenProfile,
  dbOption,
  jsonOption,
  openStore,
  parseJson,
  parseDuration,
  parsePositiveNumber,
  printerOption,
  profileOption,
  readSource,
  requirePrinter,
  withCommon,
} from '../options.js';
import { createOutput, describeJob, healthJson, jobJson, paint, printDocumentWarnings, type Output } from '../output.js';
import { saveDigitalCopies } from '../picture.js';

const GUARANTEE_MEANING = {
  printed: 'the printer returned the process ID sent after the job: the receipt came out',
  processed: 'the printer answered the status request sent after the job: it processed every byte (this model cannot say "printed")',
  sent: 'the link accepted the bytes; this printer cannot answer, so nothing is confirmed',
} as const;

interface PrintOptions {
  db: string;
  printer?: string;
  profile?: string;
  timeout: number;
  allowUnconfirmed?: boolean;
  allowCardNumbers?: boolean;
  json?: boolean;
}

interface WorkerCommandOptions {
  db: string;
  printer?: string;
  name: string;
  profile?: string;
  fallback?: string;
  fallbackAfter: number;
  allowUnconfirmed?: boolean;
  json?: boolean;
  digitalCopyAfter?: number;
  digitalCopies?: string;
}

export function registerPrintCommands(program: Command): void {
  withCommon(program.command('print'))
    .description('submit a receipt and wait until the printer confirms it; says which guarantee was reached')
    .argument('<file>', 'receipt JSON file, or - for standard input')
    .addOption(dbOption())
    .addOption(printerOption())
    .addOption(profileOption())
    .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (the job stays queued)').default(60).argParser(parsePositiveNumber))
    .addOption(new Option('--allow-unconfirmed', 'accept "sent" from a printer that cannot confirm (exit 0)'))
    .addOption(allowCardNumbersOption())
    .addOption(jsonOption('one JSON object: {"ok", "guarantee", "job", "error"}'))
    .addHelpText(
      'after',
      `
Guarantees: printed (process-ID reply), processed (GS r reply, models without GS ( H),
sent (one-way printer; exit 0 only with --allow-unconfirmed). Anything else exits 1 and
the job stays queued for \`receipt-spool worker\`.

Example:
  $ receipt-spool print order-123.json --printer tcp://192.168.1.50:9100 --timeout 30`,
    )
    .action(async (file: string, options: PrintOptions) => {
      const out = createOutput();
      const { target } = requirePrinter(options.printer);
      const profile = chosenProfile(options.profile, target);
      const source = await readSource(file);
      const input = parseJson(source);
      const spool = openStore(options.db, { create: true });
      const link = (await printerLinkFactory(target, { confirmTimeoutMs: options.timeout * 1000 }))();
      try {
        const submitted = await spool.submit(input, { baseDir: source.baseDir, allowCardNumbers: options.allowCardNumbers === true }).catch((error: unknown) => {
          throw located(error, source.name);
        });
        printDocumentWarnings(out, submitted.warnings);
        let job = submitted.job;
        if (job.state === 'failed') job = (await spool.retry(job.transactionId)).find((retried) => retried.id === job.id) ?? job;
        const outcome =
          job.state === 'printed'
            ? { job, error: undefined }
            : await printOne(spool, link, job, { ...options, ...(profile ? { profileObject: profile } : {}) });
        reportPrint(out, outcome, options);
      } finally {
        await spool.close({ timeoutMs: 5000 });
        await link.close().catch(() => {});
      }
    });

  withCommon(program.command('worker'))
    .description('print queued receipts for one printer until SIGINT/SIGTERM; one log line per event')
    .addOption(dbOption())
    .addOption(printerOption())
    .addOption(new Option('--name <name>', 'logical printer name the jobs are queued for ("printer" in the document)').default(DEFAULT_PRINTER))
    .addOption(profileOption())
    .addOption(new Option('--fallback <uri>', 'printer to use while this one needs attention'))
    .addOption(new Option('--fallback-after <seconds>', 'how long to wait before using the fallback').default(60).argParser(parsePositiveNumber))
    .addOption(new Option('--allow-unconfirmed', 'accept "sent" from a printer that cannot confirm'))
    .addOption(new Option('--digital-copy-after <duration>', 'say digital-copy-due once a job has waited this long in needs-attention (e.g. 10m)').argParser(parseDuration))
    .addOption(new Option('--digital-copies <dir>', 'with --digital-copy-after: also write the copy as DIR/<transactionId>.png, marked DIGITAL COPY'))
    .addOption(jsonOption('one JSON object per event and line: {"event", "at", ...}'))
    .addHelpText(
      'after',
      `
Receipt documents are never logged. JSON events: printing, printed, reprinted, retrying,
needs-attention, recovered, digital-copy-due, failed, status, store-error, worker-error, started, stopped.

Example:
  $ receipt-spool worker --printer tcp://192.168.1.50:9100 --name front --db /var/lib/pos/spool.db`,
    )
    .action(async (options: WorkerCommandOptions) => {
      const out = createOutput();
      if (options.digitalCopies !== undefined && options.digitalCopyAfter === undefined) {
        throw new CliError('--digital-copies needs --digital-copy-after (how long a job waits before its copy is due).');
      }
      const { uri, target } = requirePrinter(options.printer);
      const profile = chosenProfile(options.profile, target);
      const fallback = options.fallback === undefined ? undefined : requirePrinter(options.fallback);
      const fallbackProfile = fallback ? chosenProfile(undefined, fallback.target) : undefined;
      const spool = openStore(options.db, { create: true });
      const worker = spool.createWorker({
        printer: options.name,
        link: await printerLinkFactory(target),
        ...(profile ? { profile } : {}),
        ...(options.allowUnconfirmed ? { allowUnconfirmed: true } : {}),
        ...(options.digitalCopyAfter !== undefined ? { digitalCopyAfterMs: options.digitalCopyAfter } : {}),
        ...(fallback
          ? {
              fallback: {
                link: await printerLinkFactory(fallback.target),
                afterMs: options.fallbackAfter * 1000,
                ...(fallbackProfile ? { profile: fallbackProfile } : {}),
              },
            }
          : {}),
      });
      const log = eventLogger(out, Boolean(options.json));
      logWorkerEvents(worker, log);
      if (options.digitalCopies !== undefined) await saveDigitalCopies(worker, options.digitalCopies, profile, log);
      // A fault must never end the worker: anything that escapes is logged and the loop goes on.
      const escaped = (error: unknown) => log('worker-error', { error: describeError(error) }, `unexpected error: ${describeError(error)}`);
      process.on('unhandledRejection', escaped);
      process.on('uncaughtException', escaped);
      worker.start();
      log('started', { printer: options.name, uri, db: spool.path }, `worker for ${options.name} on ${uri} (store ${spool.path})`);
      const signal = await untilSignal();
      log('stopping', { signal }, `${signal}: finishing the job in flight, then stopping`);
      await spool.close({ timeoutMs: 10_000 });
      log('stopped', {}, 'stopped');
    });
}

interface PrintOutcome {
  job: Job;
  error: string | undefined;
}

/** Runs a worker for the job's printer until this job is confirmed, needs a person, gives up or times out. */
async function printOne(
  spool: Spool,
  link: PrinterLink,
  job: Job,
  options: PrintOptions & { profileObject?: import('../../escpos/profiles.js').PrinterProfile },
): Promise<PrintOutcome> {
  const worker = spool.createWorker({
    printer: job.printer,
    link,
    ...(options.profileObject ? { profile: options.profileObject } : {}),
    confirmTimeoutMs: options.timeout * 1000,
    ...(options.allowUnconfirmed ? { allowUnconfirmed: true } : {}),
  });
  let lastError: string | undefined;
  const outcome = new Promise<PrintOutcome>((resolve) => {
    const mine = (other: Job | undefined) => other?.id === job.id;
    worker.on('printed', (printed) => mine(printed) && resolve({ job: printed, error: undefined }));
    worker.on('needs-attention', (event) => {
      // A job ahead of ours may be the one stuck: its cause is then why ours waits.
      if (mine(event.job)) resolve({ job: event.job!, error: event.cause });
      else lastError = event.cause;
    });
    worker.on('failed', (event) => mine(event.job) && resolve({ job: event.job, error: describeError(event.error) }));
    worker.on('retrying', (event) => {
      if (mine(event.job)) lastError = describeError(event.error);
    });
    worker.on('store-error', (error) => (lastError = describeError(error)));
    setTimeout(async () => {
      const current = (await spool.get(job.transactionId).catch(() => undefined)) ?? job;
      const why = lastError ?? current.lastErrorMessage ?? 'the printer did not confirm it';
      resolve({ job: current, error: `not confirmed within ${options.timeout} s (${why})` });
    }, options.timeout * 1000).unref();
  });
  worker.start();
  return outcome;
}

function reportPrint(out: Output, outcome: PrintOutcome, options: PrintOptions): void {
  const { job, error } = outcome;
  const guarantee = job.state === 'printed' ? job.guarantee : null;
  const accepted = guarantee === 'printed' || guarantee === 'processed' || (guarantee === 'sent' && options.allowUnconfirmed === true);
  if (options.json) out.json({ ok: accepted, guarantee, job: jobJson(job), error: error ?? null });
  else if (guarantee) out.line(`${job.transactionId}: ${paint(out, accepted ? 'green' : 'yellow', guarantee)} — ${GUARANTEE_MEANING[guarantee]}`);
  if (accepted) return;
  const why = error ?? (guarantee === 'sent' ? 'the printer cannot confirm printing; pass --allow-unconfirmed to accept "sent"' : 'not printed');
  const where = job.state === 'failed' ? 'the job gave up (`receipt-spool retry` re-queues it)' : `the job stays ${job.state} for \`receipt-spool worker\``;
  throw new CliError(`${job.transactionId} was not confirmed: ${why}; ${where}.`, EXIT_FAILURE);
}

type Log = (event: string, fields: Record<string, unknown>, human: string) => void;

function eventLogger(out: Output, json: boolean): Log {
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
function untilSignal(): Promise<string> {
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
