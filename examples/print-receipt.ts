/**
 * Prints one receipt and waits for the printer to confirm it: the printer layer alone, no spool.
 * Shows the guarantee reached (`printed` on printers with GS ( H, `processed` with GS r only).
 *
 *   npx tsx examples/print-receipt.ts tcp://192.168.1.50:9100
 *   npx tsx examples/print-receipt.ts usb://04b8:0e15
 *   npx tsx examples/print-receipt.ts "serial:/dev/ttyUSB0?baudRate=38400"
 *   npx tsx examples/print-receipt.ts            (no URI: a virtual printer in this process)
 */
import { encode, receipt } from '../src/index.js';
import { explainGuarantee, reportFailure, say } from './support/console.js';
import { finish, openExamplePrinter, profileFor, uriArgument } from './support/printers.js';

const example = await openExamplePrinter(uriArgument());
try {
  const profile = await profileFor(example);
  say(`printer ${example.uri}, profile ${profile.name}, confirmation mode "${example.printer.confirmation}"`);

  const document = receipt('EX-PRINT-0001')
    .text('ACME CAFÉ', { align: 'center', bold: true, size: 2 })
    .text('12 Station Road', { align: 'center' })
    .rule()
    .row('Flat white', '3.20')
    .row('Almond croissant', '2.80')
    .rule()
    .row('TOTAL EUR', '6.00', { bold: true })
    .line('Card **** 4242  authorised')
    .qr('https://example.com/r/EX-PRINT-0001')
    .cut()
    .build();
  const { bytes, warnings } = encode(document, profile);
  for (const warning of warnings) say(`encoder warning at ${warning.path}: ${warning.message}`);

  const result = await example.printer.print(bytes, { jobId: document.transactionId, confirmTimeoutMs: 30_000 });
  say(`${document.transactionId}: ${result.bytesSent} bytes, guarantee: ${explainGuarantee(result.guarantee)}`);
} catch (error) {
  reportFailure(error);
} finally {
  await finish(example);
}
