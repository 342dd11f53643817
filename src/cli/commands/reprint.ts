/** `reprint`: queue a marked, audited copy of a known transaction. */
import { Option, type Command } from 'commander';
import type { Job } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { currentUser, dbOption, jsonOption, withCommon, type StoreOptions } from '../options.js';
import { describeJob, jobJson } from '../output.js';

interface ReprintOptions extends StoreOptions {
  by: string;
  reason: string;
  printer?: string;
  json?: boolean;
}

export const reprint = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('reprint'))
      .description('queue a marked copy of a known transaction (behind the original if it has not printed yet); audited')
      .argument('<transactionId>')
      .addOption(dbOption())
      .addOption(new Option('--by <name>', 'who asks for the copy (audit trail)').default(currentUser()))
      .addOption(new Option('--reason <text>', 'why (audit trail)').default('reprint requested'))
      .addOption(new Option('--printer <name>', "logical printer for the copy (default: the original's)"))
      .addOption(jsonOption('print the queued copy as one JSON object'))
      .addHelpText('after', '\nExample:\n  $ receipt-spool reprint TXN-000123 --by alice --reason "customer lost the receipt" --printer back'),

  async run([transactionId]: [string], options: ReprintOptions): Promise<Job> {
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      return await spool.reprint(transactionId, { by: options.by, reason: options.reason, ...(options.printer ? { printer: options.printer } : {}) });
    } finally {
      await spool.close();
    }
  },

  format(copy, out, options) {
    if (options.json) return out.json(jobJson(copy));
    out.line(`reprint queued: ${describeJob(out, copy)}`);
  },
});
