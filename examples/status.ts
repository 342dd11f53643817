/**
 * Asks a printer how it is: real-time status (DLE EOT), identity (GS I) and which confirmation
 * it supports (process ID with GS ( H, GS r, or none), i.e. the best guarantee a job can reach.
 *
 *   npx tsx examples/status.ts tcp://192.168.1.50:9100
 *   npx tsx examples/status.ts usb://04b8:0e15
 *   npx tsx examples/status.ts "serial:/dev/ttyUSB0?baudRate=38400"
 *   npx tsx examples/status.ts                   (no URI: a virtual printer in this process)
 */
import { explainGuarantee, reportFailure, say } from './support/console.js';
import { openExamplePrinter, uriArgument } from './support/printers.js';

const BEST_GUARANTEE = { 'process-id': 'printed', 'gs-r': 'processed', none: 'sent', unknown: 'sent' } as const;

const example = await openExamplePrinter(uriArgument());
try {
  const status = await example.printer.status();
  const identity = await example.printer.identify();
  const faults = Object.entries(status)
    // The drawer is not a fault (pin 3 low reads as open, as receiptio reads it).
    .filter(([key, value]) => value === true && key !== 'online' && key !== 'drawerOpen')
    .map(([key]) => key);
  say(`printer ${example.uri}`);
  say(`status: ${status.online ? 'online' : 'OFFLINE'}${faults.length ? ` — ${faults.join(', ')}` : ', no fault'}`);
  say(`drawer: ${status.unknown?.includes('drawerOpen') ? 'not reported' : status.drawerOpen ? 'open' : 'closed (or none)'}`);
  say(
    `identity: ${[identity.maker, identity.model].filter(Boolean).join(' ') || 'unknown'}; serial ${identity.serial ?? '?'}; firmware ${identity.firmware ?? '?'}; language ${identity.language ?? '?'}`,
  );
  const mode = example.printer.confirmation;
  say(`confirmation mode: ${mode}; best guarantee: ${explainGuarantee(BEST_GUARANTEE[mode])}`);
  console.log(JSON.stringify({ uri: example.uri, status, identity, confirmation: mode }, null, 2));
} catch (error) {
  reportFailure(error);
} finally {
  await example.close();
}
