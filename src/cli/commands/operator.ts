/**
 * An operator's hand on a stranded job: `cancel` withdraws it, `move` sends it to another printer.
 * Both are refused while the job is on its way to the paper, and recorded in the job's history
 * (who and why), like reprints.
 */
import { Option, type Command } from 'commander';
import { dbOption, jsonOption, openStore, withCommon } from '../options.js';
import { createOutput, describeJob, jobJson } from '../output.js';
import { currentUser } from './jobs.js';

interface OperatorOptions {
  db?: string;
  config?: string;
  by: string;
  reason: string;
  json?: boolean;
}

export function registerOperatorCommands(program: Command): void {
  withCommon(program.command('cancel'))
    .description('withdraw a transaction that has not printed (its original and queued copies); refused while it is being sent; audited')
    .argument('<transactionId>')
    .addOption(dbOption())
    .addOption(new Option('--by <name>', 'who cancels (audit trail)').default(currentUser()))
    .addOption(new Option('--reason <text>', 'why (audit trail)').makeOptionMandatory())
    .addOption(jsonOption('one JSON object per cancelled job and line'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool cancel TXN-000123 --by alice --reason "customer left; printer was off"')
    .action(async (transactionId: string, options: OperatorOptions) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const jobs = await spool.cancel(transactionId, { by: options.by, reason: options.reason });
        if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
        if (jobs.length === 0) return out.line(`nothing to cancel: every job of ${transactionId} has finished (see \`receipt-spool show ${transactionId}\`)`);
        for (const job of jobs) out.line(`cancelled: ${describeJob(out, job)}`);
      } finally {
        await spool.close();
      }
    });

  withCommon(program.command('move'))
    .description('send a transaction that has not printed to another printer (queued there now); refused while it is being sent; audited')
    .argument('<transactionId>')
    .addOption(dbOption())
    .requiredOption('--to <printer>', 'logical printer name to print it on (a name from the config file, or a worker\'s --name)')
    .addOption(new Option('--by <name>', 'who moves it (audit trail)').default(currentUser()))
    .addOption(new Option('--reason <text>', 'why (audit trail)').default('moved by an operator'))
    .addOption(jsonOption('one JSON object per moved job and line'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool move TXN-000123 --to back --by alice --reason "front is out of order"')
    .action(async (transactionId: string, options: OperatorOptions & { to: string }) => {
      const out = createOutput();
      const spool = openStore(options, { create: false });
      try {
        const jobs = await spool.move(transactionId, options.to, { by: options.by, reason: options.reason });
        if (options.json) return jobs.forEach((job) => out.json(jobJson(job)));
        if (jobs.length === 0) return out.line(`nothing to move: every job of ${transactionId} has finished (see \`receipt-spool show ${transactionId}\`)`);
        for (const job of jobs) out.line(`moved: ${describeJob(out, job)}`);
      } finally {
        await spool.close();
      }
    });
}
