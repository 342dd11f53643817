/**
 * An existing node-thermal-printer program gains the spool's guarantees by changing one line:
 *   interface: 'tcp://192.168.1.50:9100'   →   interface: spoolInterface(spool) as never
 * (`as never` only because NTP's .d.ts types `interface` as a string; plain JS needs no cast.)
 * The receipt is then durable before `execute()` returns, printed with confirmation, retried
 * and reprinted with a REPRINT mark when in doubt. `linkInterface(printer)` is the lighter
 * option: no spool, but `execute()` resolves only once the printer confirmed the receipt.
 *
 *   npx tsx examples/node-thermal-printer-bridge.ts tcp://192.168.1.50:9100
 *   npx tsx examples/node-thermal-printer-bridge.ts usb://04b8:0e15
 *   npx tsx examples/node-thermal-printer-bridge.ts   (no URI: a virtual printer in this process)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrinterTypes, ThermalPrinter } from 'node-thermal-printer';
import { linkInterface, spoolInterface } from '../src/exports/node-thermal-printer.js';
import { openSpool } from '../src/index.js';
import { explainGuarantee, nextEvent, reportFailure, say } from './support/console.js';
import { finish, openExamplePrinter, uriArgument } from './support/printers.js';

const example = await openExamplePrinter(uriArgument());
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-ntp-'));
const spool = openSpool({ path: path.join(dir, 'spool.db') });
try {
  spool.createWorker({ printer: 'default', link: example.printer }).start();

  // 1. Through the spool: the one-line change.
  const printer = new ThermalPrinter({
    type: PrinterTypes.EPSON,
    width: 48,
    interface: spoolInterface(spool) as never,
  });
  printer.alignCenter();
  printer.bold(true);
  printer.println('NTP BAKERY');
  printer.bold(false);
  printer.alignLeft();
  printer.leftRight('Sourdough loaf', '4.50');
  printer.leftRight('Cinnamon roll', '2.20');
  printer.drawLine();
  printer.println('Order NTP-0001');
  printer.printQR('https://example.com/r/NTP-0001');
  printer.cut();
  const printed = nextEvent<{ transactionId: string; guarantee: string | null }>(spool, 'printed', (job) => job.transactionId === 'NTP-0001', 'NTP-0001 to print');
  const answer = await printer.execute({ docname: 'NTP-0001' }); // docname = the transaction id
  say(`spoolInterface: execute() resolved "${String(answer)}" — the receipt is durably in ${spool.path}`);
  const job = await printed;
  say(`NTP-0001: ${explainGuarantee(job.guarantee ?? 'sent')}`);

  // 2. Straight to the printer, resolved only on confirmation.
  const direct = new ThermalPrinter({ type: PrinterTypes.EPSON, width: 48, interface: linkInterface(example.printer) as never });
  direct.println('Order NTP-0002 (direct)');
  direct.cut();
  const guarantee = await direct.execute({ docname: 'NTP-0002' });
  say(`linkInterface: NTP-0002: ${explainGuarantee(String(guarantee))}`);
} catch (error) {
  reportFailure(error);
} finally {
  await spool.close({ timeoutMs: 5000 });
  await finish(example);
  fs.rmSync(dir, { recursive: true, force: true });
}
