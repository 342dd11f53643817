/** The work of `emulate`, loaded when it runs: the virtual printer, until SIGINT/SIGTERM. */
import path from 'node:path';
import { dialectOptions } from '../emulator/dialects.js';
import type { PrinterModelOptions } from '../emulator/model-types.js';
import { renderText } from '../emulator/render-text.js';
import { VirtualPrinter } from '../emulator/virtual-printer.js';
import { isReceiptSpoolError } from '../errors.js';
import { renderItems } from '../preview/index.js';
import type { EmulateEvent, EmulateOptions } from './commands/emulate.js';
import { CliError, EXIT_FAILURE } from './errors.js';
import { ensureDirectory, writePng } from './picture.js';

/** The dialect's options, then each single flag on top. */
function dialectFromFlags(options: EmulateOptions): PrinterModelOptions {
  return {
    ...(options.dialect ? dialectOptions(options.dialect) : {}),
    ...(options.statusReplies ? { realtimeStatus: options.statusReplies } : {}),
    ...(options.realtimeInData ? { realtimeInData: true } : {}),
    ...(options.zeroAsb ? { asbFraming: 'zeros' as const } : {}),
    ...(options.gsParenthesis ? {} : { unknownCommands: ['GS ('] }),
    ...(options.drawerPinHigh ? { drawerPinHigh: true } : {}),
  };
}

export async function runEmulator(options: EmulateOptions, emit: (event: EmulateEvent) => void): Promise<void> {
  if (options.save !== undefined) await ensureDirectory(options.save);
  const printer = new VirtualPrinter({
    ...dialectFromFlags(options),
    ...(options.save !== undefined ? { pictureDetail: true } : {}),
    ...(options.printRate ? { linesPerSecond: options.printRate } : {}),
    ...(options.model ? { model: options.model } : {}),
    ...(options.maker ? { maker: options.maker } : {}),
    ...(options.language ? { language: options.language } : {}),
    ...(options.processId ? {} : { processId: false }),
    ...(options.oneWay ? { oneWay: true } : {}),
  });
  let listening;
  try {
    listening = await printer.listen({
      port: options.port,
      host: options.host,
      control: true,
      controlPort: options.controlPort,
      ...(options.pty ? { pty: true } : {}),
    });
  } catch (error) {
    await printer.close().catch(() => {});
    const hint = isReceiptSpoolError(error) && error.code === 'MISSING_PROGRAM' ? '' : '; choose other ports with --port and --control-port';
    throw new CliError(`cannot start the virtual printer: ${(error as Error).message}${hint}.`, EXIT_FAILURE);
  }
  emit({ event: 'listening', ...listening });
  printer.on('receipt', (receipt) => {
    const png = options.save === undefined ? undefined : path.join(options.save, `receipt-${receipt.index + 1}.png`);
    if (png) {
      writePng(png, renderItems(receipt.items, Math.floor(options.dots))).then(
        (note) => emit({ event: 'note', text: note, always: false }),
        (error: Error) => emit({ event: 'note', text: `warning: ${error.message}`, always: true }),
      );
    }
    const { index, complete, endedBy, interruptions } = receipt;
    emit({ event: 'receipt', index, complete, endedBy, interruptions, text: renderText(receipt, options.columns), ...(png ? { png } : {}) });
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await printer.close();
}
