/**
 * `worker`: prints everything queued for one printer (`--printer`), or for every printer of the
 * config file, in one process until SIGINT/SIGTERM. One log line per event.
 */
import type { Command } from 'commander';
import { defineCommand, type RunContext } from '../command.js';
import { jsonOption } from '../options.js';
import { formatLogEvent, withWorkerOptions, type LogEvent, type WorkerCommandOptions } from '../worker-options.js';

export const worker = defineCommand({
  define: (program: Command) =>
    withWorkerOptions(program.command('worker'))
      .description('print queued receipts until SIGINT/SIGTERM: for --printer, or for every printer of the config file; one log line per event')
      .addOption(jsonOption('one JSON object per event and line: {"event", "at", ...}'))
      .addHelpText(
        'after',
        `
Receipt documents are never logged. JSON events: printing, printed, reprinted, retrying,
needs-attention, recovered, digital-copy-due, failed, status, store-error, worker-error, started, unserved, stopped.

Examples:
  $ receipt-spool worker --printer tcp://192.168.1.50:9100 --name front --db /var/lib/pos/spool.db
  $ receipt-spool worker --config /etc/receipt-spool.json     # every configured printer`,
      ),

  async run(_args: [], options: WorkerCommandOptions, context: RunContext<LogEvent>): Promise<void> {
    const { runWorkers } = await import('../run-workers.js');
    await runWorkers(options, (event, fields, human) => context.emit({ event, fields, human }));
  },

  formatEvent: (event: LogEvent, out, options) => formatLogEvent(event, out, Boolean(options.json)),
  format: () => {},
});
