/** `show`: one transaction — the job, its receipt as text, its history, reprints and copies. */
import { Option, type Command } from 'commander';
import type { HistoryEntry, Job, ReprintRecord } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { dbOption, jsonOption, profileOption, withCommon, type StoreOptions } from '../options.js';
import { describeJob, historyJson, isoTime, jobJson, paint, reprintJson } from '../output.js';

interface ShowOptions extends StoreOptions {
  profile?: string;
  json?: boolean;
  png?: string;
}

export interface Shown {
  job: Job;
  history: HistoryEntry[];
  reprints: ReprintRecord[];
  /** The transaction's queued and printed reprint jobs. */
  copies: Job[];
  /** The receipt as the printer would print it; only for text output of a document not purged. */
  receiptText?: string;
  /** `wrote FILE (W × H dots)` after `--png`. */
  pictureNote?: string;
}

export const show = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('show'))
      .description('show a transaction: the job, its receipt as text, its history and reprints')
      .argument('<transactionId>')
      .addOption(dbOption())
      .addOption(profileOption())
      .addOption(jsonOption('one JSON object: job (with document), history, reprints'))
      .addOption(new Option('--png <file>', 'also draw the receipt as the printer printed it (with its reprint mark when marked) into a PNG file'))
      .addHelpText('after', '\nExamples:\n  $ receipt-spool show TXN-000123\n  $ receipt-spool show TXN-000123 --png TXN-000123.png'),

  async run([transactionId]: [string], options: ShowOptions): Promise<Shown> {
    const { openStore } = await import('../store.js');
    const spool = await openStore(options, { create: false });
    try {
      const job = await spool.get(transactionId);
      if (!job) throw new CliError(`no job with transaction id "${transactionId}" in this store; check the id with \`receipt-spool list\`.`);
      let pictureNote: string | undefined;
      if (options.png !== undefined) {
        const { writeJobPicture } = await import('../picture.js');
        pictureNote = await writeJobPicture(job, options.png, options.profile);
      }
      const [history, reprints, copies] = await Promise.all([
        spool.history(transactionId),
        spool.reprints(transactionId),
        spool.list({}).then((jobs) => jobs.filter((j) => j.transactionId === transactionId && j.kind === 'reprint')),
      ]);
      let receiptText: string | undefined;
      if (!options.json && job.document !== null) {
        const [{ renderDocumentText }, { getProfile }] = await Promise.all([import('../render.js'), import('../../escpos/profiles.js')]);
        receiptText = renderDocumentText(job.document, getProfile(options.profile ?? 'generic-80')).text;
      }
      return { job, history, reprints, copies, ...(receiptText === undefined ? {} : { receiptText }), ...(pictureNote === undefined ? {} : { pictureNote }) };
    } finally {
      await spool.close();
    }
  },

  format(shown, out, options) {
    const { job, history, reprints, copies } = shown;
    if (shown.pictureNote !== undefined) out.note(shown.pictureNote);
    if (options.json) {
      out.json({
        job: jobJson(job, { document: true }),
        copies: copies.map((copy) => jobJson(copy)),
        history: history.map(historyJson),
        reprints: reprints.map(reprintJson),
      });
      return;
    }
    out.line(describeJob(out, job));
    out.line(`created ${isoTime(job.createdAt)}  attempts ${job.attempts}${job.printedAt ? `  printed ${isoTime(job.printedAt)} on ${job.printedOn}` : ''}`);
    if (job.warnings.length > 0) {
      out.line(paint(out, 'bold', 'Warnings at submit'));
      for (const warning of job.warnings) out.line(`  ${warning.code}  ${warning.path || '(document)'}: ${warning.message}`);
    }
    out.line();
    if (job.document === null) out.line(paint(out, 'dim', `(document purged ${isoTime(job.purgedAt) ?? ''})`));
    else out.line(shown.receiptText);
    out.line();
    out.line(paint(out, 'bold', 'History'));
    for (const entry of history) {
      const what = [`${entry.fromState ?? '-'} → ${entry.toState}`, `attempt ${entry.attempt}`];
      if (entry.guarantee) what.push(`guarantee ${entry.guarantee}`);
      if (entry.errorCode) what.push(entry.errorCode);
      if (entry.message) what.push(entry.message);
      out.line(`  ${isoTime(entry.at)}  ${what.join('  ')}`);
    }
    if (reprints.length > 0) {
      out.line(paint(out, 'bold', 'Reprints'));
      for (const record of reprints) out.line(`  ${isoTime(record.at)}  by ${record.by}: ${record.reason}`);
    }
    for (const copy of copies) out.line(`  copy: ${describeJob(out, copy)}`);
  },
});
