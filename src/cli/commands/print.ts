/**
 * `print`: submit one receipt and wait until the store says it printed (whoever printed it); says
 * which guarantee was reached. The waiting itself is print-one.ts.
 */
import { Option, type Command } from 'commander';
import type { DocumentWarning } from '../../document/warnings.js';
import type { Job } from '../../spool/types.js';
import { defineCommand, type RunContext } from '../command.js';
import { CliError, EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { allowCardNumbersOption, dbOption, jsonOption, parsePositiveNumber, printerOption, profileOption, withCommon, type StoreOptions } from '../options.js';
import { createOutput, jobJson, localTime, paint, printDocumentWarnings } from '../output.js';

const GUARANTEE_MEANING = {
  printed: 'the printer returned the process ID sent after the job: the receipt came out',
  processed: 'the printer answered the status request sent after the job: it processed every byte (this model cannot say "printed")',
  sent: 'the link accepted the bytes; this printer cannot answer, so nothing is confirmed',
} as const;

export interface PrintOptions extends StoreOptions {
  printer?: string;
  profile?: string;
  timeout: number;
  allowUnconfirmed?: boolean;
  allowCardNumbers?: boolean;
  json?: boolean;
}

/** The job as the store last saw it; `error` says why it is not printed. */
export type Printed = { job: Job; alreadyPrinted: true } | { job: Job; alreadyPrinted: false; error: string | undefined };

/** What `print` reports as it goes: the submit warnings, then each step of the job. */
export type PrintEvent = { warnings: DocumentWarning[] } | { progress: string };

export const print = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('print'))
      .description('submit a receipt and wait until the printer confirms it; says which guarantee was reached')
      .argument('<file>', 'receipt JSON file, or - for standard input')
      .addOption(dbOption())
      .addOption(printerOption())
      .addOption(profileOption())
      .addOption(new Option('--timeout <seconds>', 'give up waiting after this long (the job stays queued)').default(60).argParser(parsePositiveNumber))
      .addOption(new Option('--allow-unconfirmed', 'accept "sent" from a printer that cannot confirm (exit 0)'))
      .addOption(allowCardNumbersOption())
      .addOption(jsonOption('one JSON object: {"ok", "guarantee", "job", "error"}'))
      .addHelpText(
        'after',
        `
Guarantees: printed (process-ID reply), processed (GS r reply, models without GS ( H),
sent (one-way printer; exit 0 only with --allow-unconfirmed). Anything else exits 1 and
the job stays queued for \`receipt-spool worker\`.

Example:
  $ receipt-spool print order-123.json --printer tcp://192.168.1.50:9100 --timeout 30`,
      ),

  async run([file]: [string], options: PrintOptions, context: RunContext<PrintEvent>): Promise<Printed> {
    const { printFile } = await import('../print-one.js');
    return printFile(file, options, context.emit);
  },

  formatEvent(event: PrintEvent, out, options) {
    if ('warnings' in event) return printDocumentWarnings(out, event.warnings);
    const progress = createOutput(process.stderr);
    if (progress.tty && !options.json) progress.line(event.progress);
  },

  format(printed, out, options) {
    const { job } = printed;
    if (printed.alreadyPrinted) {
      const at = job.printedAt === null ? 'an unknown time' : localTime(job.printedAt);
      if (options.json) out.json({ ok: true, alreadyPrinted: true, guarantee: job.guarantee, job: jobJson(job), error: null });
      else out.line(`${job.transactionId}: already printed at ${at} on ${job.printedOn ?? job.printer} (guarantee ${job.guarantee ?? 'unknown'}); nothing sent`);
      return;
    }
    const guarantee = job.state === 'printed' ? job.guarantee : null;
    const ok = accepted(printed, options);
    if (options.json) out.json({ ok, guarantee, job: jobJson(job), error: printed.error ?? null });
    else if (guarantee) out.line(`${job.transactionId}: ${paint(out, ok ? 'green' : 'yellow', guarantee)} — ${GUARANTEE_MEANING[guarantee]}`);
  },

  exitCode(printed, options) {
    if (printed.alreadyPrinted || accepted(printed, options)) return EXIT_OK;
    const { job, error } = printed;
    const why = error ?? (job.guarantee === 'sent' && job.state === 'printed' ? 'the printer cannot confirm printing; pass --allow-unconfirmed to accept "sent"' : 'not printed');
    const where = job.state === 'failed' ? 'the job gave up (`receipt-spool retry` re-queues it)' : `the job stays ${job.state} for \`receipt-spool worker\``;
    throw new CliError(`${job.transactionId} was not confirmed: ${why}; ${where}.`, EXIT_FAILURE);
  },
});

/** A guarantee the caller accepts: printed or processed, or sent with --allow-unconfirmed. */
function accepted(printed: Printed, options: PrintOptions): boolean {
  const guarantee = printed.job.state === 'printed' ? printed.job.guarantee : null;
  return guarantee === 'printed' || guarantee === 'processed' || (guarantee === 'sent' && options.allowUnconfirmed === true);
}
