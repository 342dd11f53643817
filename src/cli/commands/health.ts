/** `health`: can a receipt print now? Per printer, from the worker's last observation; exit 0 only when all are ready. */
import { Option, type Command } from 'commander';
import { describeHealth, healthFromStatus } from '../../spool/health.js';
import { DEFAULT_PRINTER, type PrinterHealth } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { dbOption, jsonOption, withCommon, type StoreOptions } from '../options.js';
import { formatAge, healthJson, isoTime, localTime, paint, printTable } from '../output.js';

interface HealthOptions extends StoreOptions {
  printer?: string[];
  json?: boolean;
}

export interface HealthReport {
  healths: PrinterHealth[];
  /** Jobs waiting, by printer name. */
  waiting: Map<string, number>;
  now: number;
}

export const health = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('health'))
      .description("can a receipt print now? For each printer (or --printer NAME): ready or not and why, from the worker's last observation; exit 0 only when all are ready")
      .addOption(dbOption())
      .addOption(new Option('--printer <name>', 'only this logical printer (repeatable)').argParser((name: string, previous: string[] | undefined) => [...(previous ?? []), name]))
      .addOption(jsonOption('one JSON object per printer and line'))
      .addHelpText(
        'after',
        '\nExit codes: 0 every printer asked about is ready, 1 otherwise (for monitoring).\n\nExample:\n  $ receipt-spool health --db /var/lib/pos/spool.db --printer front',
      ),

  async run(_args: [], options: HealthOptions): Promise<HealthReport> {
    const { configOf, openStore } = await import('../store.js');
    const config = await configOf(options);
    const spool = await openStore(options, { create: false, config });
    try {
      const configured = Object.keys(config?.printers ?? {});
      const healths = options.printer
        ? await Promise.all(options.printer.map((name) => spool.health(name)))
        : await spool.healthAll().then(async (known) => {
            const missing = configured.filter((name) => !known.some((health) => health.printer === name));
            const all = [...known, ...(await Promise.all(missing.map((name) => spool.health(name))))];
            return all.length > 0 ? all : [await spool.health(DEFAULT_PRINTER)];
          });
      const waiting = new Map((await spool.waitingPrinters()).map((entry) => [entry.printer, entry.jobs]));
      return { healths, waiting, now: Date.now() };
    } finally {
      await spool.close();
    }
  },

  format({ healths, waiting, now }, out, options) {
    if (options.json) {
      return healths.forEach((health) => out.json({ ...healthJson(health), heartbeatAt: isoTime(health.heartbeatAt ?? null), waitingJobs: waiting.get(health.printer) ?? 0 }));
    }
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
        String(waiting.get(health.printer) ?? 0),
      ]),
    );
    for (const health of healths) {
      const jobs = waiting.get(health.printer) ?? 0;
      if (health.reason === 'no worker' && jobs > 0) {
        out.note(
          `${jobs} job${jobs === 1 ? '' : 's'} wait${jobs === 1 ? 's' : ''} for "${health.printer}", which no worker serves: start \`receipt-spool worker --printer URI --name ${health.printer}\`, or \`receipt-spool move\` them.`,
        );
      }
    }
  },

  exitCode: ({ healths }) => (healths.every((health) => health.ready) ? EXIT_OK : EXIT_FAILURE),
});
