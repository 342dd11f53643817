/** `purge`: drop the documents of jobs printed longer ago than the retention period. */
import { Option, type Command } from 'commander';
import { defineCommand } from '../command.js';
import { dbOption, jsonOption, parseDuration, withCommon, type StoreOptions } from '../options.js';

interface PurgeOptions extends StoreOptions {
  olderThan: number;
  json?: boolean;
}

export const purge = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('purge'))
      .description('drop the documents of jobs printed longer ago than the retention period (jobs, history and reprint audit are kept)')
      .addOption(dbOption())
      .addOption(new Option('--older-than <age>', 'retention period (e.g. 30d, 12h)').default(parseDuration('30d'), '30d').argParser(parseDuration))
      .addOption(jsonOption('one JSON object: {"purged": N, "olderThanMs": MS}'))
      .addHelpText('after', '\nExample:\n  $ receipt-spool purge --older-than 90d'),

  async run(_args: [], options: PurgeOptions): Promise<number> {
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      return await spool.purge({ olderThanMs: options.olderThan });
    } finally {
      await spool.close();
    }
  },

  format(purged, out, options) {
    if (options.json) return out.json({ purged, olderThanMs: options.olderThan });
    out.line(`purged the documents of ${purged} printed job${purged === 1 ? '' : 's'}`);
  },
});
