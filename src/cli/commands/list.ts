/** `list`: the jobs of the store, newest first, as a table or JSON lines. */
import { Option, type Command } from 'commander';
import type { Job, JobState } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { dbOption, jsonOption, parseCount, parseSince, parseState, STATES, withCommon, type StoreOptions } from '../options.js';
import { formatAge, jobJson, paintState, printTable } from '../output.js';

interface ListOptions extends StoreOptions {
  state?: JobState;
  since?: number;
  printer?: string;
  limit: number;
  json?: boolean;
}

export const list = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('list'))
      .description('list jobs: transaction, state, printer, attempts, age, last error')
      .addOption(dbOption())
      .addOption(new Option('--state <state>', `only jobs in this state (${STATES.join(', ')})`).argParser(parseState))
      .addOption(new Option('--since <time>', 'only jobs created since an ISO date or an age (30m, 2h, 7d)').argParser((t) => parseSince(t)))
      .addOption(new Option('--printer <name>', 'only jobs for this logical printer'))
      .addOption(new Option('--limit <n>', 'the newest N jobs (0: all)').default(50).argParser(parseCount))
      .addOption(jsonOption('one JSON object per job and line (document left out)'))
      .addHelpText('after', '\nExamples:\n  $ receipt-spool list --state needs-attention     # authorised but not printed\n  $ receipt-spool list --since 2h --json'),

  async run(_args: [], options: ListOptions): Promise<{ jobs: Job[]; now: number }> {
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      const jobs = await spool.list({
        ...(options.state ? { state: options.state } : {}),
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.printer ? { printer: options.printer } : {}),
        ...(options.limit > 0 ? { limit: options.limit, newest: true } : {}),
      });
      return { jobs, now: Date.now() };
    } finally {
      await spool.close();
    }
  },

  format({ jobs, now }, out, options) {
    if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
    if (jobs.length === 0 && out.tty) return out.line('no jobs');
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
  },
});
