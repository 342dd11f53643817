/** `retry`: re-queue jobs that gave up (state failed), one or all. */
import { Option, type Command } from 'commander';
import type { Job } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { dbOption, jsonOption, withCommon, type StoreOptions } from '../options.js';
import { describeJob, jobJson } from '../output.js';

interface RetryOptions extends StoreOptions {
  all?: boolean;
  json?: boolean;
}

export const retry = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('retry'))
      .description('re-queue jobs that gave up (state failed)')
      .argument('[transactionId]')
      .addOption(dbOption())
      .addOption(new Option('--all', 'every failed job'))
      .addOption(jsonOption('one JSON object per re-queued job and line'))
      .addHelpText('after', '\nExamples:\n  $ receipt-spool retry TXN-000123\n  $ receipt-spool retry --all'),

  async run([transactionId]: [string | undefined], options: RetryOptions): Promise<Job[]> {
    if ((transactionId === undefined) === !options.all) {
      throw new CliError('give either a transaction id or --all (not both); see `receipt-spool retry --help`.');
    }
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      return transactionId === undefined ? await spool.retryAll() : await spool.retry(transactionId);
    } finally {
      await spool.close();
    }
  },

  format(jobs, out, options) {
    if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
    if (jobs.length === 0) return out.line('nothing to retry: no failed job');
    for (const job of jobs) out.line(`re-queued: ${describeJob(out, job)}`);
  },
});
