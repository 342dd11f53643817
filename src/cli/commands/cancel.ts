/**
 * `cancel`: an operator withdraws a transaction that has not printed (its original and queued
 * copies). Refused while it is on its way to the paper; recorded in the history (who and why).
 */
import { Option, type Command } from 'commander';
import type { Job } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { currentUser, dbOption, jsonOption, withCommon, type StoreOptions } from '../options.js';
import { describeJob, jobJson } from '../output.js';

export interface OperatorOptions extends StoreOptions {
  by: string;
  reason: string;
  json?: boolean;
}

export const cancel = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('cancel'))
      .description('withdraw a transaction that has not printed (its original and queued copies); refused while it is being sent; audited')
      .argument('<transactionId>')
      .addOption(dbOption())
      .addOption(new Option('--by <name>', 'who cancels (audit trail)').default(currentUser()))
      .addOption(new Option('--reason <text>', 'why (audit trail)').makeOptionMandatory())
      .addOption(jsonOption('one JSON object per cancelled job and line'))
      .addHelpText('after', '\nExample:\n  $ receipt-spool cancel TXN-000123 --by alice --reason "customer left; printer was off"'),

  async run([transactionId]: [string], options: OperatorOptions): Promise<{ transactionId: string; jobs: Job[] }> {
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      return { transactionId, jobs: await spool.cancel(transactionId, { by: options.by, reason: options.reason }) };
    } finally {
      await spool.close();
    }
  },

  format({ transactionId, jobs }, out, options) {
    if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
    if (jobs.length === 0) return out.line(`nothing to cancel: every job of ${transactionId} has finished (see \`receipt-spool show ${transactionId}\`)`);
    for (const job of jobs) out.line(`cancelled: ${describeJob(out, job)}`);
  },
});
