/**
 * The Printer against the virtual printer through the device-file transport, on the host end
 * of a real pseudo-terminal (as `/dev/usb/lp0` or a tty would be opened): replies are read back
 * from the same file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PrinterError } from '../../src/errors.js';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/index.js';
import { Printer } from '../../src/printer/printer.js';
import type { PrinterStatus } from '../../src/printer/types.js';
import { FileTransport } from '../../src/transport/file.js';

const TIMEOUTS = { status: 1000, probe: 1000, confirm: 10_000, drain: 50 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function receiptBytes(tag: string, lines = 20, width = 0): Uint8Array {
  const pad = width > 0 ? ' '.repeat(width) : '';
  const body = Array.from({ length: lines }, (_, i) => `${tag} line ${i + 1}${pad}\n`).join('');
  return Uint8Array.from([0x1b, 0x40, ...Buffer.from(body, 'latin1'), 0x1d, 0x56, 0x00]);
}

async function start(vpOptions: VirtualPrinterOptions = {}) {
  const vp = new VirtualPrinter(vpOptions);
  const { ptyPath } = await vp.listen({ port: 0, pty: true });
  cleanups.push(() => vp.close());
  const printer = new Printer({
    transport: () => new FileTransport({ path: ptyPath! }),
    timeouts: TIMEOUTS,
    reconnect: { initialMs: 50, maxMs: 400 },
    pollIntervalMs: 500,
  });
  cleanups.push(() => printer.close());
  await printer.connect();
  return { vp, printer };
}

function onJobBytes(vp: VirtualPrinter, tag: string, fault: () => void): void {
  const listener = (bytes: Uint8Array) => {
    if (!Buffer.from(bytes).toString('latin1').includes(tag)) return;
    vp.off('data', listener);
    setImmediate(fault);
  };
  vp.on('data', listener);
}

async function rejection(promise: Promise<unknown>): Promise<PrinterError> {
  try {
    await promise;
  } catch (error) {
    return error as PrinterError;
  }
  throw new Error('expected a rejection');
}

const completeWith = (vp: VirtualPrinter, tag: string) => vp.journal.receipts.filter((r) => r.complete && r.text.includes(tag));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/** Resolves once the printer has reported paper end (ASB or a status reply). */
function paperEndReported(printer: Printer): Promise<void> {
  return new Promise((resolve) => {
    const listener = (status: PrinterStatus): void => {
      if (!status.paperEnd) return;
      printer.off('status', listener);
      resolve();
    };
    printer.on('status', listener);
  });
}
describe('Printer ↔ virtual printer through the file transport on a pty', () => {
  it('a receipt prints and is confirmed', async () => {
    const { vp, printer } = await start();
    expect(printer.confirmation).toBe('process-id');
    expect((await printer.print(receiptBytes('FIL-1'))).guarantee).toBe('printed');
    expect(completeWith(vp, 'FIL-1')).toHaveLength(1);
  });

  it('paper out before the job: PAPER_END, mayHavePrinted false', async () => {
    const { vp, printer } = await start();
    const reported = paperEndReported(printer);
    vp.paperOut();
    await reported; // announced by ASB before the job, so the pre-flight sees it
    expect(await rejection(printer.print(receiptBytes('FIL-2')))).toMatchObject({ code: 'PAPER_END', mayHavePrinted: false });
    expect(vp.journal.receipts).toHaveLength(0);
  });

  it('paper out during the job: PAPER_END in doubt, cleared, nothing more prints after loadPaper', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'FIL-3', () => vp.paperOut());
    expect(await rejection(printer.print(receiptBytes('FIL-3', 30)))).toMatchObject({ code: 'PAPER_END', mayHavePrinted: true });
    vp.loadPaper();
    await pause(1000);
    await printer.status();
    expect(completeWith(vp, 'FIL-3')).toHaveLength(0);
    expect(vp.journal.receipts.map((r) => r.text).join('\n')).not.toContain('FIL-3 line 30');
  });

  it('garbage on the line: still confirmed', async () => {
    const { vp, printer } = await start();
    vp.injectGarbage(Uint8Array.from([0xff, 0x5f, 0x41, 0x10, 0x80]));
    expect((await printer.print(receiptBytes('FIL-4', 3))).guarantee).toBe('printed');
  });

  it('a model without GS ( H: processed', async () => {
    const { printer } = await start({ processId: false });
    expect(printer.confirmation).toBe('gs-r');
    expect((await printer.print(receiptBytes('FIL-5', 3))).guarantee).toBe('processed');
  });
});
