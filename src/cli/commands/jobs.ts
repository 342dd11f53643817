/**
 * Commands over the store that need no printer: submit, list, show, reprint, retry, purge, health.
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { getProfile } from '../../escpos/profiles.js';
import { DEFAULT_PRINTER } from '../../spool/spool.js';
import { JobState, type Job } from '../../spool/types.js';
import { CliError, located } from '../errors.js';
import {
  allowCardNumbersOption,
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
    .action(async (file: string, options: { db: string; allowCardNumbers?: boolean; strict?: boolean; json?: boolean }) => {
      const out = createOutput();
      const source = await readSource(file);
      const input = parseJson(source);
      const spool = openStore(options.db, { create: true });
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
        spool.close();
      }
    });

  withCommon(program.command('list'))
    .description('list jobs: transaction, state, printer, attempts, age, last error')
    .addOption(dbOption())
    .addOption(new Option('--state <state>', `only jobs in this state (${STATES.join(', ')})`).argParser(parseState))
    .addOption(new Option('--since <time>', 'only jobs created since an ISO date or an age (30m, 2h, 7d)').argParser((t) => parseSince(t)))
    .addOption(new Option('--printer <name>', 'only jobs for this logical printer'))
    .addOption(jsonOption('one JSON object per job and line (document left out)'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ receipt-spool list --state needs-attention     # authorised but not printed\n  $ receipt-spool list --since 2h --json',
    )
    .action(async (options: { db: string; state?: JobState; since?: number; printer?: string; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options.db, { create: false });
      try {
        const jobs = await spool.list({
          ...(options.state ? { state: options.state } : {}),
          ...(options.since !== undefined ? { since: options.since } : {}),
          ...(options.printer ? { printer: options.printer } : {}),
        });
        if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
        if (jobs.length === 0 && out.tty) return out.line('no jobs');
        const now = Date.now();
        printTable(
          out,
          ['TRANSACTION', 'STATE', 'PRINTER', 'ATTEMPTS', 'AGE', 'LAST ERROR'],
          jobs.map((job) => [
            job.kind === 'reprint' ? `${job.transactionId} (reprint)` : job.transactionId,
            paintState(out, job.state),
            job.printer,
            String(job.attempts),
            formatAge(job.createdAt, now),
            job.state === 'printed' ? '' : (job.lastErrorMessage ?? ''),
          ]),
        );
      } finally {
        spool.close();
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
    .action(async (transactionId: string, options: { db: string; profile?: string; json?: boolean; png?: string }) => {
      const out = createOutput();
      const spool = openStore(options.db, { create: false });
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
        spool.close();
      }
    });

  withCommon(program.command('reprint'))
    .description('queue a marked copy of a known transaction (behind the original if it has not printed yet); audited')
    .argument('<transactionId>')
    .addOption(dbOption())
    .addOption(new Option('--by <name>', 'who asks for the copy (audit trail)').default(currentUser()))
    .addOption(new Option('--reason <text>', 'why (audit trail)').default('reprint requested'))
    .addOption(jsonOption('print the queued copy as one JSON object'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool reprint TXN-000123 --by alice --reason "customer lost the receipt"')
    .action(async (transactionId: string, options: { db: string; by: string; reason: string; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options.db, { create: false });
      try {
        const copy = await spool.reprint(transactionId, { by: options.by, reason: options.reason });
        if (options.json) return out.json(jobJson(copy));
        out.line(`reprint queued: ${describeJob(out, copy)}`);
      } finally {
        spool.close();
      }
    });

  withCommon(program.command('retry'))
    .description('re-queue jobs that gave up (state failed)')
    .argument('[transactionId]')
    .addOption(dbOption())
    .addOption(new Option('--all', 'every failed job'))
    .addOption(jsonOption('one JSON object per re-queued job and line'))
    .addHelpText('after', '\nExamples:\n  $ receipt-spool retry TXN-000123\n  $ receipt-spool retry --all')
    .action(async (transactionId: string | undefined, options: { db: string; all?: boolean; json?: boolean }) => {
      if ((transactionId === undefined) === !options.all) {
        throw new CliError('give either a transaction id or --all (not both); see `receipt-spool retry --help`.');
      }
      const out = createOutput();
      const spool = openStore(options.db, { create: false });
      try {
        const jobs = transactionId === undefined ? await spool.retryAll() : await spool.retry(transactionId);
        if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
        if (jobs.length === 0) return out.line('nothing to retry: no failed job');
        for (const job of jobs) out.line(`re-queued: ${describeJob(out, job)}`);
      } finally {
        spool.close();
      }
    });

  withCommon(program.command('purge'))
    .description("drop the documents of jobs printed longer ago than the retention period (jobs, history and reprint audit are kept)")
    .addOption(dbOption())
    .addOption(new Option('--older-than <age>', 'retention period (e.g. 30d, 12h)').default(parseDuration('30d'), '30d').argParser(parseDuration))
    .addOption(jsonOption('one JSON object: {"purged": N, "olderThanMs": MS}'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool purge --older-than 90d')
    .action(async (options: { db: string; olderThan: number; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options.db, { create: false });
      try {
        const purged = await spool.purge({ olderThanMs: options.olderThan });
        if (options.json) return out.json({ purged, olderThanMs: options.olderThan });
        out.line(`purged the documents of ${purged} printed job${purged === 1 ? '' : 's'}`);
      } finally {
        spool.close();
      }
    });

  withCommon(program.command('health'))
    .description("for each printer a worker watches through this store: ready or not, and why (the worker's last observation)")
    .addOption(dbOption())
    .addOption(jsonOption('one JSON object per printer and line'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool health --db /var/lib/pos/spool.db')
    .action(async (options: { db: string; json?: boolean }) => {
      const out = createOutput();
      const spool = openStore(options.db, { create: false });
      try {
        const healths = await spool.healthAll();
        if (healths.length === 0) healths.push(await spool.health(DEFAULT_PRINTER));
        if (options.json) return healths.forEach((health) => out.json(healthJson(health)));
        const now = Date.now();
        printTable(
          out,
          ['PRINTER', 'READY', 'REASON', 'OBSERVED'],
          healths.map((health) => [
            health.printer,
            health.ready ? paint(out, 'green', 'yes') : paint(out, 'red', 'no'),
            health.reason,
            health.observedAt === null ? 'never (no worker has watched it)' : `${formatAge(health.observedAt, now)} ago`,
          ]),
        );
      } finally {
        spool.close();
      }
    });
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

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
