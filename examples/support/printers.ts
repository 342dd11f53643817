/**
 * Printers for the examples: the printer at the URI given on the command line, or — with no
 * URI — a virtual printer started in this process on 127.0.0.1 (so every example runs anywhere).
 */
import { createTransport, getProfile, parsePrinterUri, Printer, profileForModel, type PrinterProfile } from '../../src/index.js';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/exports/emulator.js';
import { reportFailure, showReceipt } from './console.js';

export interface ExamplePrinter {
  printer: Printer;
  uri: string;
  /** Printer profile named in the URI (`?profile=xprinter-80`), if any. */
  profile: string | undefined;
  /** Set when no URI was given and a virtual printer was started. */
  virtual: VirtualPrinter | undefined;
  close(): Promise<void>;
}

/** A virtual printer listening on a free TCP port of 127.0.0.1. */
export async function startVirtualPrinter(options: VirtualPrinterOptions = {}): Promise<{ virtual: VirtualPrinter; uri: string }> {
  const virtual = new VirtualPrinter(options);
  const { uri } = await virtual.listen({ port: 0, host: '127.0.0.1' });
  return { virtual, uri };
}

/** The library's `Printer` for a URI (tcp://, usb://, serial:, file:). */
export function printerAt(uri: string): Printer {
  const target = parsePrinterUri(uri); // a bad URI fails here, naming the part that is wrong
  return new Printer({ transport: () => createTransport(target), reconnect: { initialMs: 200, maxMs: 2000 } });
}

/**
 * The printer for `uri`, or a virtual one (`virtualOptions`) when `uri` is undefined.
 * Connected (probed) on return; `close()` releases everything it started.
 */
export async function openExamplePrinter(uri: string | undefined, virtualOptions: VirtualPrinterOptions = {}): Promise<ExamplePrinter> {
  const started = uri === undefined ? await startVirtualPrinter({ linesPerSecond: 40, ...virtualOptions }) : undefined;
  const target = uri ?? started!.uri;
  let printer: Printer | undefined;
  const close = async () => {
    await printer?.close().catch(() => {});
    await started?.virtual.close();
  };
  try {
    printer = printerAt(target);
    await printer.connect();
    return { printer, uri: target, profile: parsePrinterUri(target).profile, virtual: started?.virtual, close };
  } catch (error) {
    await close();
    reportFailure(error);
    console.error(`(could not use the printer at ${target}; run without a URI to use a virtual printer)`);
    process.exit(1);
  }
}

/** The first command-line argument that is not a flag: the printer URI. */
export function uriArgument(): string | undefined {
  return process.argv.slice(2).find((arg) => !arg.startsWith('--'));
}

/** The profile the URI names, else the one for the model the printer reports (GS I), else `fallback`. */
export async function profileFor(example: ExamplePrinter, fallback = 'generic-80'): Promise<PrinterProfile> {
  if (example.profile) return getProfile(example.profile);
  const identity = await example.printer.identify().catch(() => undefined);
  return identity?.model ? profileForModel(identity.model, identity.language) : getProfile(fallback);
}

/** With a virtual printer: draws what it printed. Then releases everything. */
export async function finish(example: ExamplePrinter): Promise<void> {
  // GS r ("processed") can be answered before the last lines have printed: let them print first.
  await example.virtual?.whenIdle();
  for (const printed of example.virtual?.journal.receipts ?? []) {
    if (printed.items.length > 0) showReceipt(printed, `virtual printer, receipt ${printed.index + 1}`);
  }
  await example.close();
}
