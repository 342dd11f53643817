/** `preview`: the receipt as it would print, as text at the profile's width. */
import { Option, type Command } from 'commander';
import { validateReceipt } from '../../document/validate.js';
import { getProfile } from '../../escpos/profiles.js';
import { inlineImageFiles } from '../../spool/inline-images.js';
import { located } from '../errors.js';
import { jsonOption, parseJson, profileOption, readSource, withCommon, type DocumentSource } from '../options.js';
import { createOutput, type Output } from '../output.js';
import type { EncodeWarning } from '../../escpos/sink.js';
import { renderDocumentText } from '../render.js';
import type { ReceiptDocument } from '../../document/types.js';
import { renderReceipt } from '../../preview/index.js';
import { writePng } from '../picture.js';

export function registerPreview(program: Command): void {
  withCommon(program.command('preview'))
    .description('show a receipt as it would print, as text at the width of the profile (Chinese included)')
    .argument('<file>', 'receipt JSON file, or - for standard input')
    .addOption(profileOption())
    .addOption(new Option('--png <file>', 'also draw the receipt as the printer prints it, dot for dot, into a PNG file'))
    .addOption(jsonOption('one JSON object: {"profile", "columns", "text", "warnings"} (and "png" with --png)'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ receipt-spool preview order-123.json\n  $ receipt-spool preview order-123.json --profile generic-58\n  $ receipt-spool preview order-123.json --png order-123.png',
    )
    .action(async (file: string, options: { profile?: string; json?: boolean; png?: string }) => {
      const out = createOutput();
      const source = await readSource(file);
      const document = await loadDocument(source);
      const profile = getProfile(options.profile ?? 'generic-80');
      const rendered = renderDocumentText(document, profile);
      const wrote = options.png === undefined ? undefined : await writePng(options.png, renderReceipt(document, profile));
      if (options.json) {
        out.json({ profile: profile.name, columns: rendered.columns, text: rendered.text, warnings: rendered.warnings, ...(options.png ? { png: options.png } : {}) });
        return;
      }
      out.line(rendered.text);
      if (wrote) out.note(wrote);
      printWarnings(out, rendered.warnings);
    });
}

/** Parses and validates a document source, reading its image files relative to it. */
export async function loadDocument(source: DocumentSource): Promise<ReceiptDocument> {
  const input = parseJson(source);
  try {
    return validateReceipt(await inlineImageFiles(input, source.baseDir));
  } catch (error) {
    throw located(error, source.name);
  }
}

const WARNINGS_SHOWN = 5;

/** Encoder warnings on stderr: the first few, then how many more. */
export function printWarnings(out: Output, warnings: readonly EncodeWarning[]): void {
  for (const warning of warnings.slice(0, WARNINGS_SHOWN)) out.note(`warning: ${warning.path}: ${warning.message}`);
  if (warnings.length > WARNINGS_SHOWN) out.note(`warning: ${warnings.length - WARNINGS_SHOWN} more (see --json)`);
}
