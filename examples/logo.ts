/**
 * Prints a receipt with a logo (a PNG file, inlined as a data URI by `inlineImageFiles`,
 * dithered and sent as GS v 0 raster bands sized for the printer's paper width).
 *
 *   npx tsx examples/logo.ts tcp://192.168.1.50:9100
 *   npx tsx examples/logo.ts usb://04b8:0e15 --image ./my-logo.png
 *   npx tsx examples/logo.ts                       (no URI: a virtual printer in this process)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encode, inlineImageFiles, validateReceipt } from '../src/index.js';
import { explainGuarantee, reportFailure, say } from './support/console.js';
import { finish, openExamplePrinter, profileFor } from './support/printers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values, positionals } = parseArgs({
  options: { image: { type: 'string', default: path.join(here, 'assets', 'logo-576x400.png') } },
  allowPositionals: true,
});
const example = await openExamplePrinter(positionals[0]);
try {
  const profile = await profileFor(example);
  const withFile = {
    transactionId: 'EX-LOGO-0001',
    content: [{ image: path.resolve(values.image), align: 'center', dither: 'floyd-steinberg' }, { text: 'Thank you for your visit!', align: 'center', bold: true }, { cut: true }],
  };
  const document = validateReceipt(await inlineImageFiles(withFile, process.cwd()));
  const { bytes, warnings } = encode(document, profile);
  for (const warning of warnings) say(`encoder warning at ${warning.path}: ${warning.message}`);
  say(`${path.basename(values.image)} → ${bytes.length} bytes for ${profile.name} (${profile.dots} dots wide)`);
  const result = await example.printer.print(bytes, { jobId: document.transactionId, confirmTimeoutMs: 60_000 });
  say(`${document.transactionId}: guarantee: ${explainGuarantee(result.guarantee)}`);
} catch (error) {
  reportFailure(error);
} finally {
  await finish(example);
}
