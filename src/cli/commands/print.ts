/**
 * `print`: submit one receipt and wait until the store says it printed (whoever printed it).
 * `worker` lives in worker.ts.
 */
import { Option, type Command } from 'commander';
import type { PrinterLink } from '../../printer/types.js';
import { describeCause } from '../../spool/health.js';
import type { Spool } from '../../spool/spool.js';
import type { HistoryEntry, Job } from '../../spool/types.js';
import { CliError, describeError, EXIT_FAILURE, located } from '../errors.js';
import { printerLinkFactory } from '../links.js';
import {
  allowCardNumbersOption,
  chosenProfile,
  configOf,
  dbOption,
  jsonOption,
  openStore,
  parseJson,
  parsePositiveNumber,
  printerOption,
  profileOption,
  readSource,
  requirePrinter,
  withCommon,
} from '../options.js';
import { createOutput, jobJson, localTime, paint, printDocumentWarnings, type Output } from '../output.js';

const GUARANTEE_MEANING = {
  printed: 'the printer returned the process ID sent after the job: the receipt came out',
  processed: 'the printer answered the status request sent after the job: it processed every byte (this model cannot say "printed")',
  sent: 'the link accepted the bytes; this printer cannot answer, so nothing is confirmed',
} as const;

interface PrintOptions {
  db?: string;
  config?: string;
  printer?: string;
  profile?: string;
  timeout: number;
  allowUnconfirmed?: boolean;
  allowCardNumbers?: boolean;
  json?: boolean;
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
      const config = configOf(options);
      const chosen = requirePrinter(options.printer, config);
      const configuredProfile = chosen.settings?.profile;
      const profile = chosenProfile(options.profile, configuredProfile === undefined ? chosen.target : { ...chosen.target, profile: configuredProfile });
      const source = await readSource(file);
      const input = parseJson(source);
      const spool = openStore(options, { create: true });
      const link = (await printerLinkFactory(chosen.target, { confirmTimeoutMs: options.timeout * 1000 }))();
      try {
        const submitted = await spool.submit(input, { baseDir: source.baseDir, allowCardNumbers: options.allowCardNumbers === true }).catch((error: unknown) => {
          throw located(error, source.name);
        });
        printDocumentWarnings(out, submitted.warnings);
        let job = submitted.job;
        if (job.state === 'printed') return reportAlreadyPrinted(out, job, options);
        if (job.state === 'failed') job = (await spool.retry(job.transactionId)).find((retried) => retried.id === job.id) ?? job;
        const outcome = await printOne(spool, link, job, { ...options, uri: chosen.uri, ...(profile ? { profileObject: profile } : {}) });
        reportPrint(out, outcome, options);
      } finally {
        await spool.close({ timeoutMs: 5000 });
        await link.close().catch(() => {});
      }
    });
}

interface PrintOutcome {
  job: Job;
  error: string | undefined;
}

/**
 * Runs a worker for the job's printer and follows the job's history in the store until it is
 * confirmed, needs a person, gives up or times out. Whoever prints it (this worker, or a worker in
 * another process holding the printer) the store says so, and `print` returns at once.
 */
async function printOne(
  spool: Spool,
  link: PrinterLink,
  job: Job,
  options: PrintOptions & { uri: string; profileObject?: import('../../escpos/profiles.js').PrinterProfile },
): Promise<PrintOutcome> {
  const progress = createOutput(process.stderr);
  const showProgress = progress.tty && !options.json;
  const say = (text: string) => showProgress && progress.line(`${job.transactionId}: ${text}`);
  const worker = spool.createWorker({
    printer: job.printer,
    uri: options.uri,
    link,
    ...(options.profileObject ? { profile: options.profileObject } : {}),
    confirmTimeoutMs: options.timeout * 1000,
    ...(options.allowUnconfirmed ? { allowUnconfirmed: true } : {}),
  });
  let lastError: string | undefined;
  worker.on('store-error', (error) => (lastError = describeError(error)));
  const seen = await spool.history(job.transactionId);
  const after = Math.max(0, ...seen.map((entry) => entry.id));
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.timeout * 1000);
  say(`${job.state} for ${job.printer}`);
  worker.start();
  try {
    for await (const entry of spool.watch({ after, signal: stop.signal })) {
      if (entry.jobId !== job.id) continue;
      say(progressLine(entry, job.printer));
      const current = async () => (await spool.get(job.transactionId)) ?? job;
      if (entry.toState === 'printed') return { job: await current(), error: undefined };
      if (entry.toState === 'needs-attention') return { job: await current(), error: describeCause(entry.errorCode ?? 'UNKNOWN', job.printer) };
      if (entry.toState === 'failed' || entry.toState === 'cancelled') return { job: await current(), error: entry.message ?? entry.toState };
      if (entry.toState === 'retrying') lastError = entry.message ?? lastError;
    }
  } finally {
    clearTimeout(timer);
  }
  const current = (await spool.get(job.transactionId).catch(() => undefined)) ?? job;
  if (current.state === 'printed') return { job: current, error: undefined };
  const health = await spool.health(job.printer).catch(() => undefined);
  const unserved = health?.reason === 'no worker' ? `no worker serves ${job.printer}` : undefined;
  const why = lastError ?? current.lastErrorMessage ?? unserved ?? 'the printer did not confirm it';
  return { job: current, error: `not confirmed within ${options.timeout} s (${why})` };
}

/** What a person at the terminal reads for each step: "sending to front", "paper out on front". */
function progressLine(entry: HistoryEntry, printer: string): string {
  switch (entry.toState) {
    case 'sending':
      return `sending to ${printer}${entry.message?.includes('marked') ? ' (marked copy)' : ''}`;
    case 'confirming':
      return `waiting for ${printer} to confirm`;
    case 'needs-attention':
      return `waiting for a person: ${describeCause(entry.errorCode ?? 'UNKNOWN', printer)}`;
    default:
      return `${entry.toState}${entry.message ? ` (${entry.message})` : ''}`;
  }
}

function reportAlreadyPrinted(out: Output, job: Job, options: PrintOptions): void {
  const at = job.printedAt === null ? 'an unknown time' : localTime(job.printedAt);
  if (options.json) {
    out.json({ ok: true, alreadyPrinted: true, guarantee: job.guarantee, job: jobJson(job), error: null });
    return;
  }
  out.line(`${job.transactionId}: already printed at ${at} on ${job.printedOn ?? job.printer} (guarantee ${job.guarantee ?? 'unknown'}); nothing sent`);
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
