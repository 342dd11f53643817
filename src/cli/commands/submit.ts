/** `submit`: queue a receipt document durably; idempotent per transactionId. */
import type { Command } from 'commander';
import type { SubmitResult } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { located } from '../errors.js';
import { allowCardNumbersOption, dbOption, jsonOption, strictOption, withCommon, type StoreOptions } from '../options.js';
import { describeJob, jobJson, printDocumentWarnings } from '../output.js';

interface SubmitOptions extends StoreOptions {
  allowCardNumbers?: boolean;
  strict?: boolean;
  json?: boolean;
}

export const submit = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('submit'))
      .description(
        'queue a receipt document (JSON) durably; idempotent per transactionId. Card numbers are masked and content problems degrade with warnings; --strict refuses instead',
      )
      .argument('<file>', 'receipt JSON file, or - for standard input')
      .addOption(dbOption())
      .addOption(allowCardNumbersOption())
      .addOption(strictOption())
      .addOption(jsonOption('print the job as one JSON object'))
      .addHelpText('after', '\nExample:\n  $ receipt-spool submit order-123.json --db /var/lib/pos/spool.db\n  $ cat order.json | receipt-spool submit -'),

  async run([file]: [string], options: SubmitOptions): Promise<SubmitResult> {
    const [{ readSource, parseJson }, { openStore }] = await Promise.all([import('../source.js'), import('../store.js')]);
    const source = await readSource(file);
    const input = parseJson(source);
    const spool = await openStore(options, { create: true });
    try {
      const submitOptions = { baseDir: source.baseDir, allowCardNumbers: options.allowCardNumbers === true, strict: options.strict === true };
      return await spool.submit(input, submitOptions).catch((error: unknown) => {
        throw located(error, source.name);
      });
    } finally {
      await spool.close();
    }
  },

  format(result, out, options) {
    if (options.json) {
      out.json({ created: result.created, documentDiffers: result.documentDiffers, warnings: result.warnings, job: jobJson(result.job) });
      return;
    }
    out.line(`${result.created ? 'queued' : 'already in the spool'}: ${describeJob(out, result.job)}`);
    printDocumentWarnings(out, result.warnings);
    if (result.documentDiffers) out.note('note: this transaction was submitted before with a different document; the first one is kept.');
  },
});
