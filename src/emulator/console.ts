/**
 * Runs a virtual printer and prints each receipt as text: the body of
 * `examples/virtual-printer.ts` and of `receipt-spool emulate`.
 */
import type { Writable } from 'node:stream';
import { renderText } from './render-text.js';
import { VirtualPrinter, type ListenOptions, type ListenResult, type VirtualPrinterOptions } from './virtual-printer.js';

export interface EmulatorConsoleOptions extends VirtualPrinterOptions, ListenOptions {
  /** Text width of the rendering (48 = 80 mm paper, font A). */
  columns?: number;
}

export interface EmulatorConsole {
  printer: VirtualPrinter;
  address: ListenResult;
  close(): Promise<void>;
}

export async function runEmulatorConsole(options: EmulatorConsoleOptions, output: Writable): Promise<EmulatorConsole> {
  const { port, host, pty, control, controlPort, columns = 48, ...printerOptions } = options;
  const printer = new VirtualPrinter(printerOptions);
  const write = (text: string) => output.write(text + '\n');
  printer.on('receipt', (receipt) => {
    const state = receipt.complete ? 'complete' : `INCOMPLETE (${receipt.endedBy}; ${receipt.interruptions.join(', ') || 'no cut'})`;
    write(`\n===== receipt #${receipt.index + 1} ${state} =====`);
    write(renderText(receipt, columns));
  });
  printer.on('status', (s) => {
    const faults = Object.entries(s)
      .filter(([key, value]) => value === true && !['online', 'powered', 'printing', 'kanjiMode'].includes(key))
      .map(([key]) => key);
    write(`[status] ${s.powered ? (s.online ? 'online' : 'OFFLINE') : 'POWER OFF'}${faults.length ? ': ' + faults.join(', ') : ''}`);
  });
  const address = await printer.listen({
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(pty !== undefined ? { pty } : {}),
    control: control ?? true,
    ...(controlPort !== undefined ? { controlPort } : {}),
  });
  write(`virtual printer ${printer.model.identity.maker} ${printer.model.identity.model} listening on ${address.uri}`);
  if (address.ptyPath) write(`serial (pty): serial:${address.ptyPath}`);
  if (address.controlPort !== undefined) {
    write(`control: echo '{"fault":"paperOut"}' | nc 127.0.0.1 ${address.controlPort}   (faults: paperOut, loadPaper, openCover, …)`);
  }
  return { printer, address, close: () => printer.close() };
}
