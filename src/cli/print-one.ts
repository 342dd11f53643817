/**
 * The work of `print`, loaded when it runs: submit the receipt, run a worker for its printer and
 * follow the job's history in the store until it is confirmed, needs a person, gives up or times
 * out. Whoever prints it (this worker, or a worker in another process holding the printer) the
 * store says so, and `print` returns at once.
 */
import type { PrinterProfile } from '../escpos/profiles.js';
import type { PrinterLink } from '../printer/types.js';
import { describeCause } from '../spool/health.js';
import type { Spool } from '../spool/spool.js';
import type { HistoryEntry, Job } from '../spool/types.js';
import type { PrintEvent, PrintOptions, Printed } from './commands/print.js';
import { describeError, located } from './errors.js';
import { printerLinkFactory } from './links.js';
import { configuredProfile, requirePrinter } from './printer-choice.js';
import { parseJson, readSource } from './source.js';
import { configOf, openStore } from './store.js';

export async function printFile(file: string, options: PrintOptions, emit: (event: PrintEvent) => void): Promise<Printed> {
  const config = await configOf(options);
  const chosen = requirePrinter(options.printer, config);
  const profile = configuredProfile(chosen, options.profile);
  const source = await readSource(file);
  const input = parseJson(source);
  const spool = await openStore(options, { create: true, config });
  const link = (await printerLinkFactory(chosen.target, { confirmTimeoutMs: options.timeout * 1000 }))();
  try {
    const submitted = await spool.submit(input, { baseDir: source.baseDir, allowCardNumbers: options.allowCardNumbers === true }).catch((error: unknown) => {
      throw located(error, source.name);
    });
    emit({ warnings: submitted.warnings });
    let job = submitted.job;
    if (job.state === 'printed') return { job, alreadyPrinted: true };
    if (job.state === 'failed') job = (await spool.retry(job.transactionId)).find((retried) => retried.id === job.id) ?? job;
    const say = (text: string) => emit({ progress: `${job.transactionId}: ${text}` });
    return { ...(await printOne(spool, link, job, { ...options, uri: chosen.uri, ...(profile ? { profileObject: profile } : {}) }, say)), alreadyPrinted: false };
  } finally {
    await spool.close({ timeoutMs: 5000 });
    await link.close().catch(() => {});
  }
}

async function printOne(
  spool: Spool,
  link: PrinterLink,
  job: Job,
  options: PrintOptions & { uri: string; profileObject?: PrinterProfile },
  say: (text: string) => void,
): Promise<{ job: Job; error: string | undefined }> {
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
