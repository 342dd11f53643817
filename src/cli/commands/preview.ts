/** `preview`: the receipt as it would print, as text at the profile's width (and as a PNG with --png). */
import { Option, type Command } from 'commander';
import type { EncodeWarning } from '../../escpos/sink.js';
import { defineCommand } from '../command.js';
import { jsonOption, profileOption, withCommon } from '../options.js';
import type { Output } from '../output.js';

interface PreviewOptions {
  profile?: string;
  json?: boolean;
  png?: string;
}

export interface Previewed {
  profile: string;
  columns: number;
  text: string;
  warnings: EncodeWarning[];
  /** `wrote FILE (W × H dots)` after `--png`. */
  pictureNote?: string;
}

export const preview = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('preview'))
      .description('show a receipt as it would print, as text at the width of the profile (Chinese included)')
      .argument('<file>', 'receipt JSON file, or - for standard input')
      .addOption(profileOption())
      .addOption(new Option('--png <file>', 'also draw the receipt as the printer prints it, dot for dot, into a PNG file'))
      .addOption(jsonOption('one JSON object: {"profile", "columns", "text", "warnings"} (and "png" with --png)'))
      .addHelpText(
        'after',
        '\nExamples:\n  $ receipt-spool preview order-123.json\n  $ receipt-spool preview order-123.json --profile generic-58\n  $ receipt-spool preview order-123.json --png order-123.png',
      ),

  async run([file]: [string], options: PreviewOptions): Promise<Previewed> {
    const [{ readSource, loadDocument }, { getProfile }, { renderDocumentText }] = await Promise.all([
      import('../source.js'),
      import('../../escpos/profiles.js'),
      import('../render.js'),
    ]);
    const document = await loadDocument(await readSource(file));
    const profile = getProfile(options.profile ?? 'generic-80');
    const rendered = renderDocumentText(document, profile);
    let pictureNote: string | undefined;
    if (options.png !== undefined) {
      const [{ renderReceipt }, { writePng }] = await Promise.all([import('../../preview/index.js'), import('../picture.js')]);
      pictureNote = await writePng(options.png, renderReceipt(document, profile));
    }
    return { profile: profile.name, columns: rendered.columns, text: rendered.text, warnings: rendered.warnings, ...(pictureNote === undefined ? {} : { pictureNote }) };
  },

  format(previewed, out, options) {
    if (options.json) {
      const { profile, columns, text, warnings } = previewed;
      out.json({ profile, columns, text, warnings, ...(options.png ? { png: options.png } : {}) });
      return;
    }
    out.line(previewed.text);
    if (previewed.pictureNote) out.note(previewed.pictureNote);
    printWarnings(out, previewed.warnings);
  },
});

const WARNINGS_SHOWN = 5;

/** Encoder warnings on stderr: the first few, then how many more. */
function printWarnings(out: Output, warnings: readonly EncodeWarning[]): void {
  for (const warning of warnings.slice(0, WARNINGS_SHOWN)) out.note(`warning: ${warning.path}: ${warning.message}`);
  if (warnings.length > WARNINGS_SHOWN) out.note(`warning: ${warnings.length - WARNINGS_SHOWN} more (see --json)`);
}
