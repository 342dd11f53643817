/**
 * Commands over the store that need no printer: submit, list, show, reprint, retry, purge, health.
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { getProfile } from '../../escpos/profiles.js';
import { DEFAULT_PRINTER } from '../../spool/spool.js';
import { JobState, type Job } from '../../spool/types.js';
import { CliError, EXIT_FAILURE, located } from '../errors.js';
import { describeHealth, healthFromStatus } from '../../spool/health.js';
import {
  allowCardNumbersOption,
  configOf,
  dbOption,
  jsonOption,
  openStore,
  parseDuration,
  parseJson,
  parseSince,
  profileOption,
  readSource,
  strictOption,
  withCommon,
} from '../options.js';
import {
  createOutput,
  describeJob,
  formatAge,
  healthJson,
  historyJson,
  isoTime,
  jobJson,
  localTime,
  paint,
  paintState,
  printTable,
  printDocumentWarnings,
  reprintJson,
} from '../output.js';
import { renderDocumentText } from '../render.js';
import { writeJobPicture } from '../picture.js';

const STATES = Object.values(JobState);

export function registerJobCommands(program: Command): void {
  withCommon(program.command('submit'))
    .description('queue a receipt document (JSON) durably; idempotent per transactionId. Card numbers are masked and content problems degrade with warnings; --strict refuses instead')
    .argument('<file>', 'receipt JSON file, or - for standard input')
    .addOption(dbOption())
    .addOption(allowCardNumbersOption())
    .addOption(strictOption())
    .addOption(jsonOption('print the job as one JSON object'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool submit order-123.json --db /var/lib/pos/spool.db\n  $ cat order.json | receipt-spool submit -')
    .action(async (file: string, options: { db?: string; config?: string; allowCardNumbers?: boolean; strict?: boolean; json?: boolean }) => {
      const out = createOutput();
      const source = await readSource(file);
      const input = parseJson(source);
      const spool = openStore(options, { create: true });
      try {
        const submitOptions = { baseDir: source.baseDir, allowCardNumbers: options.allowCardNumbers === true, strict: options.strict === true };
        const result = await spool.submit(input, submitOptions).catch((error: unknown) => {
          throw located(error, source.name);
        });
        if (options.json) {
          out.json({ created: result.created, documentDiffers: result.documentDiffers, warnings: result.warnings, job: jobJson(result.job) });
          return;
        }
        out.line(`${result.created ? 'queued' : 'already in the spool'}: ${describeJob(out, result.job)}`);
        printDocumentWarnings(out, result.warnings);
        if (result.documentDiffers) out.note('note: this transaction was submitted before with a different document; the first one is kept.');
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('list'))
    .description('list jobs: transaction, state, printer, attempts, age, last error')
    .addOption(dbOption())
    .addOption(new Option('--state <state>', `only jobs in this state (${STATES.join(', ')})`).argParser(parseState))
    .addOption(new Option('--since <time>', 'only jobs created since an ISO date or an age (30m, 2h, 7d)').argParser((t) => parseSince(t)))
    .addOption(new Option('--printer <name>', 'only jobs for this logical printer'))
    .addOption(new Option('--limit <n>', 'the newest N jobs (0: all)').default(50).argParser(parseCount))
    .addOption(jsonOption('one JSON object per job and line (document left out)'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ receipt-spool list --state needs-attention     # authorised but not printed\n  $ receipt-spool list --since 2h --json',
    )
    .action(async (options: { db?: string; config?: string; state?: JobState; since?: number; printer?: string; limit: number; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const jobs = await spool.list({
          ...(options.state ? { state: options.state } : {}),
          ...(options.since !== undefined ? { since: options.since } : {}),
          ...(options.printer ? { printer: options.printer } : {}),
          ...(options.limit > 0 ? { limit: options.limit, newest: true } : {}),
        });
        if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
        if (jobs.length === 0 && out.tty) return out.line('no jobs');
        const now = Date.now();
        printTable(
          out,
          ['TRANSACTION', 'STATE', 'GUARANTEE', 'PRINTER', 'ATTEMPTS', 'AGE', 'LAST ERROR'],
          jobs.map((job) => [
            job.kind === 'reprint' ? `${job.transactionId} (reprint)` : job.transactionId,
            paintState(out, job.state),
            job.guarantee ?? '',
            job.printer,
            String(job.attempts),
            formatAge(job.createdAt, now),
            job.state === 'printed' ? '' : (job.lastErrorMessage ?? ''),
          ]),
        );
        if (options.limit > 0 && jobs.length === options.limit) out.note(`the ${options.limit} newest jobs shown; --limit 0 shows all.`);
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('show'))
    .description('show a transaction: the job, its receipt as text, its history and reprints')
    .argument('<transactionId>')
    .addOption(dbOption())
    .addOption(profileOption())
    .addOption(jsonOption('one JSON object: job (with document), history, reprints'))
    .addOption(new Option('--png <file>', 'also draw the receipt as the printer printed it (with its reprint mark when marked) into a PNG file'))
    .addHelpText('after', '\nExamples:\n  $ receipt-spool show TXN-000123\n  $ receipt-spool show TXN-000123 --png TXN-000123.png')
    .action(async (transactionId: string, options: { db?: string; config?: string; profile?: string; json?: boolean; png?: string }) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const job = await requireJob(spool, transactionId);
        if (options.png !== undefined) out.note(await writeJobPicture(job, options.png, options.profile));
        const [history, reprints, copies] = await Promise.all([
          spool.history(transactionId),
          spool.reprints(transactionId),
          spool.list({}).then((jobs) => jobs.filter((j) => j.transactionId === transactionId && j.kind === 'reprint')),
        ]);
        if (options.json) {
          out.json({
            job: jobJson(job, { document: true }),
            copies: copies.map((copy) => jobJson(copy)),
            history: history.map(historyJson),
            reprints: reprints.map(reprintJson),
          });
          return;
        }
        out.line(describeJob(out, job));
        out.line(`created ${isoTime(job.createdAt)}  attempts ${job.attempts}${job.printedAt ? `  printed ${isoTime(job.printedAt)} on ${job.printedOn}` : ''}`);
        if (job.warnings.length > 0) {
          out.line(paint(out, 'bold', 'Warnings at submit'));
          for (const warning of job.warnings) out.line(`  ${warning.code}  ${warning.path || '(document)'}: ${warning.message}`);
        }
        out.line();
        if (job.document === null) out.line(paint(out, 'dim', `(document purged ${isoTime(job.purgedAt) ?? ''})`));
        else out.line(renderDocumentText(job.document, getProfile(options.profile ?? 'generic-80')).text);
        out.line();
        out.line(paint(out, 'bold', 'History'));
        for (const entry of history) {
          const what = [`${entry.fromState ?? '-'} → ${entry.toState}`, `attempt ${entry.attempt}`];
          if (entry.guarantee) what.push(`guarantee ${entry.guarantee}`);
          if (entry.errorCode) what.push(entry.errorCode);
          if (entry.message) what.push(entry.message);
          out.line(`  ${isoTime(entry.at)}  ${what.join('  ')}`);
        }
        if (reprints.length > 0) {
          out.line(paint(out, 'bold', 'Reprints'));
          for (const record of reprints) out.line(`  ${isoTime(record.at)}  by ${record.by}: ${record.reason}`);
        }
        for (const copy of copies) out.line(`  copy: ${describeJob(out, copy)}`);
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('reprint'))
    .description('queue a marked copy of a known transaction (behind the original if it has not printed yet); audited')
    .argument('<transactionId>')
    .addOption(dbOption())
    .addOption(new Option('--by <name>', 'who asks for the copy (audit trail)').default(currentUser()))
    .addOption(new Option('--reason <text>', 'why (audit trail)').default('reprint requested'))
    .addOption(new Option('--printer <name>', "logical printer for the copy (default: the original's)"))
    .addOption(jsonOption('print the queued copy as one JSON object'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool reprint TXN-000123 --by alice --reason "customer lost the receipt" --printer back')
    .action(async (transactionId: string, options: { db?: string; config?: string; by: string; reason: string; printer?: string; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const copy = await spool.reprint(transactionId, { by: options.by, reason: options.reason, ...(options.printer ? { printer: options.printer } : {}) });
        if (options.json) return out.json(jobJson(copy));
        out.line(`reprint queued: ${describeJob(out, copy)}`);
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('retry'))
    .description('re-queue jobs that gave up (state failed)')
    .argument('[transactionId]')
    .addOption(dbOption())
    .addOption(new Option('--all', 'every failed job'))
    .addOption(jsonOption('one JSON object per re-queued job and line'))
    .addHelpText('after', '\nExamples:\n  $ receipt-spool retry TXN-000123\n  $ receipt-spool retry --all')
    .action(async (transactionId: string | undefined, options: { db?: string; config?: string; all?: boolean; json?: boolean }) => {
      if ((transactionId === undefined) === !options.all) {
        throw new CliError('give either a transaction id or --all (not both); see `receipt-spool retry --help`.');
      }
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const jobs = transactionId === undefined ? await spool.retryAll() : await spool.retry(transactionId);
        if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
        if (jobs.length === 0) return out.line('nothing to retry: no failed job');
        for (const job of jobs) out.line(`re-queued: ${describeJob(out, job)}`);
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('purge'))
    .description("drop the documents of jobs printed longer ago than the retention period (jobs, history and reprint audit are kept)")
    .addOption(dbOption())
    .addOption(new Option('--older-than <age>', 'retention period (e.g. 30d, 12h)').default(parseDuration('30d'), '30d').argParser(parseDuration))
    .addOption(jsonOption('one JSON object: {"purged": N, "olderThanMs": MS}'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool purge --older-than 90d')
    .action(async (options: { db?: string; config?: string; olderThan: number; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const purged = await spool.purge({ olderThanMs: options.olderThan });
        if (options.json) return out.json({ purged, olderThanMs: options.olderThan });
        out.line(`purged the documents of ${purged} printed job${purged === 1 ? '' : 's'}`);
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('health'))
    .description("can a receipt print now? For each printer (or --printer NAME): ready or not and why, from the worker's last observation; exit 0 only when all are ready")
    .addOption(dbOption())
    .addOption(new Option('--printer <name>', 'only this logical printer (repeatable)').argParser((name: string, previous: string[] | undefined) => [...(previous ?? []), name]))
    .addOption(jsonOption('one JSON object per printer and line'))
    .addHelpText('after', '\nExit codes: 0 every printer asked about is ready, 1 otherwise (for monitoring).\n\nExample:\n  $ receipt-spool health --db /var/lib/pos/spool.db --printer front')
    .action(async (options: { db?: string; config?: string; printer?: string[]; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const configured = Object.keys(configOf(options)?.printers ?? {});
        const healths = options.printer
          ? await Promise.all(options.printer.map((name) => spool.health(name)))
          : await spool.healthAll().then(async (known) => {
              const missing = configured.filter((name) => !known.some((health) => health.printer === name));
              const all = [...known, ...(await Promise.all(missing.map((name) => spool.health(name))))];
              return all.length > 0 ? all : [await spool.health(DEFAULT_PRINTER)];
            });
        const waiting = new Map((await spool.waitingPrinters()).map((entry) => [entry.printer, entry]));
        if (!healths.every((health) => health.ready)) process.exitCode = EXIT_FAILURE;
        if (options.json) {
          return healths.forEach((health) => out.json({ ...healthJson(health), heartbeatAt: isoTime(health.heartbeatAt ?? null), waitingJobs: waiting.get(health.printer)?.jobs ?? 0 }));
        }
        const now = Date.now();
        printTable(
          out,
          ['PRINTER', 'READY', 'WHY', 'LAST OBSERVATION', 'WAITING'],
          healths.map((health) => [
            health.printer,
            health.ready ? paint(out, 'green', 'yes') : paint(out, 'red', 'no'),
            health.ready ? health.reason : `not ready: ${describeHealth(health, localTime)}`,
            health.observedAt === null
              ? 'never'
              : `${formatAge(health.observedAt, now)} ago${health.reason === 'no worker' && health.status ? ` (${healthFromStatus(health.printer, health.status, health.observedAt).reason})` : ''}`,
            String(waiting.get(health.printer)?.jobs ?? 0),
          ]),
        );
        for (const health of healths) {
          const jobs = waiting.get(health.printer)?.jobs ?? 0;
          if (health.reason === 'no worker' && jobs > 0) {
            out.note(`${jobs} job${jobs === 1 ? '' : 's'} wait${jobs === 1 ? 's' : ''} for "${health.printer}", which no worker serves: start \`receipt-spool worker --printer URI --name ${health.printer}\`, or \`receipt-spool move\` them.`);
          }
        }
      } finally {
        await spool.close();
      }
    });
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`"${text}" is not a count (0, 1, 2, …).`);
  return Number(text);
}

function parseState(text: string): JobState {
  if (!(STATES as string[]).includes(text)) {
    throw new InvalidArgumentError(`"${text}" is not a job state; use one of ${STATES.join(', ')}.`);
  }
  return text as JobState;
}

async function requireJob(spool: { get(id: string): Promise<Job | undefined> }, transactionId: string): Promise<Job> {
  const job = await spool.get(transactionId);
  if (!job) throw new CliError(`no job with transaction id "${transactionId}" in this store; check the id with \`receipt-spool list\`.`);
  return job;
}

/** Who runs the command, for the audit trail's default `--by`. */
export function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
