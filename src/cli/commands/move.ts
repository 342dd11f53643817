/**
 * `move`: an operator sends a transaction that has not printed to another printer (queued there
 * now). Refused while it is on its way to the paper; recorded in the history (who and why).
 */
import { Option, type Command } from 'commander';
import type { Job } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { currentUser, dbOption, jsonOption, withCommon } from '../options.js';
import { describeJob, jobJson } from '../output.js';
import type { OperatorOptions } from './cancel.js';

export const move = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('move'))
      .description('send a transaction that has not printed to another printer (queued there now); refused while it is being sent; audited')
      .argument('<transactionId>')
      .addOption(dbOption())
      .requiredOption('--to <printer>', "logical printer name to print it on (a name from the config file, or a worker's --name)")
      .addOption(new Option('--by <name>', 'who moves it (audit trail)').default(currentUser()))
      .addOption(new Option('--reason <text>', 'why (audit trail)').default('moved by an operator'))
      .addOption(jsonOption('one JSON object per moved job and line'))
      .addHelpText('after', '\nExample:\n  $ receipt-spool move TXN-000123 --to back --by alice --reason "front is out of order"'),

  async run([transactionId]: [string], options: OperatorOptions & { to: string }): Promise<{ transactionId: string; jobs: Job[] }> {
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      return { transactionId, jobs: await spool.move(transactionId, options.to, { by: options.by, reason: options.reason }) };
    } finally {
      await spool.close();
    }
  },

  format({ transactionId, jobs }, out, options) {
    if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
    if (jobs.length === 0) return out.line(`nothing to move: every job of ${transactionId} has finished (see \`receipt-spool show ${transactionId}\`)`);
    for (const job of jobs) out.line(`moved: ${describeJob(out, job)}`);
  },
});
