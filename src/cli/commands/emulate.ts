/**
 * `emulate` runs the virtual printer and shows each receipt as it prints; `fault` injects a
 * fault into a running emulator through its JSON-lines control port.
 */
import net from 'node:net';
import readline from 'node:readline';
import { Option, type Command } from 'commander';
import { CONTROL_FAULTS, type ControlRequest } from '../../emulator/control.js';
import { dialectOptions, EMULATOR_DIALECT_NAMES } from '../../emulator/dialects.js';
import type { PrinterModelOptions } from '../../emulator/model-types.js';
import { renderText } from '../../emulator/render-text.js';
import { VirtualPrinter } from '../../emulator/virtual-printer.js';
import { isReceiptSpoolError } from '../../errors.js';
import { CliError, EXIT_FAILURE } from '../errors.js';
import { jsonOption, parsePort, parsePositiveNumber, withCommon } from '../options.js';
import { createOutput, paint } from '../output.js';
import { renderItems } from '../../preview/index.js';
import { ensureDirectory, writePng } from '../picture.js';
import path from 'node:path';

/** `paper-out` ↔ `paperOut`: people type kebab case, the control channel speaks camel case. */
const FAULT_NAMES = new Map(CONTROL_FAULTS.map((fault) => [fault.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), fault]));

interface EmulateOptions {
  port: number;
  host: string;
  pty?: boolean;
  controlPort: number;
  printRate?: number;
  columns: number;
  model?: string;
  maker?: string;
  language?: string;
  processId: boolean;
  oneWay?: boolean;
  dialect?: string;
  statusReplies?: number[];
  realtimeInData?: boolean;
  zeroAsb?: boolean;
  gsParenthesis: boolean;
  drawerPinHigh?: boolean;
  json?: boolean;
  save?: string;
  dots: number;
}

/** `--status-replies 1,4` → [1, 4]: the DLE EOT n the printer answers. */
function parseStatusReplies(value: string): number[] {
  const list = value.split(',').map((part) => part.trim());
  if (list.length === 0 || list.some((part) => !/^[1-4]$/.test(part))) {
    throw new CliError(`"${value}" is not a list of DLE EOT n from 1 to 4 (e.g. 1,4).`);
  }
  return [...new Set(list.map(Number))];
}

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

export function registerEmulate(program: Command): void {
  withCommon(program.command('emulate'))
    .description('run a virtual ESC/POS printer and show each receipt as it prints')
    .addOption(new Option('--port <n>', 'TCP data port (0 picks a free one)').default(9100).argParser(parsePort))
    .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1'))
    .addOption(new Option('--pty', 'also serve a pseudo-terminal (a serial printer; needs socat)'))
    .addOption(new Option('--control-port <n>', 'JSON-lines control port for fault injection (0 picks a free one)').default(9101).argParser(parsePort))
    .addOption(new Option('--print-rate <lines-per-second>', 'print speed (default: instant)').argParser(parsePositiveNumber))
    .addOption(new Option('--columns <n>', 'text width of the shown receipts').default(48).argParser(parsePositiveNumber))
    .addOption(new Option('--model <name>', 'model name the printer reports (GS I 67), e.g. TM-T20II'))
    .addOption(new Option('--maker <name>', 'maker name the printer reports (GS I 66), e.g. EPSON'))
    .addOption(new Option('--language <text>', 'font language the printer reports (GS I 69), e.g. "CHINA GB18030" for a Simplified Chinese model'))
    .addOption(new Option('--no-process-id', 'behave like a model without GS ( H (confirms with GS r: "processed")'))
    .addOption(new Option('--one-way', 'never answer anything (confirms nothing: "sent")'))
    .addOption(new Option('--dialect <name>', 'behave like a kind of printer (single flags below change it further)').choices(EMULATOR_DIALECT_NAMES))
    .addOption(new Option('--status-replies <list>', 'the DLE EOT n answered, e.g. 1,4 (Maxim MOB-58) or 2 (Custom P80C)').argParser(parseStatusReplies))
    .addOption(new Option('--realtime-in-data', 'execute DLE EOT/ENQ/DC4 even inside image data, as TM-T88III-era printers do'))
    .addOption(new Option('--zero-asb', 'send ASB frames as 00 00 00 00 (as escpos-netprinter does)'))
    .addOption(new Option('--no-gs-parenthesis', 'do not parse GS ( commands: their bytes print as text'))
    .addOption(new Option('--drawer-pin-high', 'drawer pin 3 high: a TM with no drawer, idle DLE EOT 1 = 0x16'))
    .addOption(new Option('--save <dir>', 'also draw each receipt as it prints into DIR/receipt-N.png, dot for dot'))
    .addOption(new Option('--dots <n>', 'print head width of the --save pictures (576 for 80 mm, 384 for 58 mm)').default(576).argParser(parsePositiveNumber))
    .addOption(jsonOption('one JSON object per event and line: listening, receipt'))
    .addHelpText(
      'after',
      `
Faults, from another terminal (names: ${[...FAULT_NAMES.keys()].join(', ')}):
  $ receipt-spool fault paper-out --control-port 9101
  $ receipt-spool fault load-paper --control-port 9101
  $ receipt-spool fault status --control-port 9101        # the printer's state as JSON
or write JSON lines to the control port yourself, e.g.
  $ echo '{"fault":"openCover"}' | nc 127.0.0.1 9101

Example:
  $ receipt-spool emulate --port 9100 &
  $ receipt-spool print order.json --printer tcp://127.0.0.1:9100
  $ receipt-spool emulate --dialect clone-eot-1-4      # a clone answering DLE EOT 1 and 4 only`,
    )
    .action(async (options: EmulateOptions) => {
      const out = createOutput();
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
      if (options.json) out.json({ event: 'listening', ...listening });
      else {
        out.line(`virtual printer on ${listening.uri}${listening.ptyPath ? ` and serial:${listening.ptyPath}` : ''}`);
        out.line(`control port ${listening.controlPort} (receipt-spool fault --help); Ctrl-C stops`);
      }
      printer.on('receipt', (receipt) => {
        const png = options.save === undefined ? undefined : path.join(options.save, `receipt-${receipt.index + 1}.png`);
        if (png) {
          writePng(png, renderItems(receipt.items, Math.floor(options.dots))).then(
            (note) => options.json || out.note(note),
            (error: Error) => out.note(`warning: ${error.message}`),
          );
        }
        if (options.json) {
          out.json({ event: 'receipt', index: receipt.index, complete: receipt.complete, endedBy: receipt.endedBy, interruptions: receipt.interruptions, text: renderText(receipt, options.columns), ...(png ? { png } : {}) });
          return;
        }
        out.line(paint(out, 'dim', `──── receipt ${receipt.index + 1}${receipt.complete ? '' : ' (incomplete)'} ────`));
        out.line(renderText(receipt, options.columns));
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await printer.close();
    });

  withCommon(program.command('fault'))
    .description('inject a fault into a running `receipt-spool emulate` (or ask its state with "status")')
    .argument('<name>', `one of: ${[...FAULT_NAMES.keys()].join(', ')}, status`)
    .addOption(new Option('--control-port <n>', "the emulator's control port").default(9101).argParser(parsePort))
    .addOption(new Option('--host <address>', "the emulator's address").default('127.0.0.1'))
    .addOption(new Option('--ms <n>', 'duration for overheat and hang; off time for power-cycle').argParser(parsePositiveNumber))
    .addOption(new Option('--discard', 'paper-out: discard the data received while out of paper'))
    .addOption(jsonOption("the emulator's reply as one JSON object"))
    .addHelpText('after', '\nExamples:\n  $ receipt-spool fault paper-out --control-port 9101\n  $ receipt-spool fault power-cycle --ms 2000')
    .action(async (name: string, options: { controlPort: number; host: string; ms?: number; discard?: boolean; json?: boolean }) => {
      const out = createOutput();
      const request = faultRequest(name, options);
      const reply = await askControl(options.host, options.controlPort, request);
      if (reply['ok'] !== true) throw new CliError(`the emulator refused "${name}": ${String(reply['error'])}.`, EXIT_FAILURE);
      if (options.json) return out.json(reply);
      out.line(name === 'status' ? JSON.stringify(reply['state'], null, 2) : `${name}: done`);
    });
}

function faultRequest(name: string, options: { ms?: number; discard?: boolean }): ControlRequest {
  if (name === 'status') return { status: true };
  const fault = FAULT_NAMES.get(name);
  if (!fault) throw new CliError(`"${name}" is not a fault; use one of ${[...FAULT_NAMES.keys()].join(', ')}, status.`);
  const request: ControlRequest = { fault };
  if (options.ms !== undefined) {
    if (fault === 'powerCycle') request.offMs = options.ms;
    else request.ms = options.ms;
  }
  if (options.discard) request.mode = 'discard';
  return request;
}

function askControl(host: string, port: number, request: ControlRequest): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (error: Error) => {
      socket.destroy();
      reject(new CliError(`cannot reach the emulator's control port ${host}:${port} (${error.message}); is \`receipt-spool emulate\` running with that --control-port?`, EXIT_FAILURE));
    };
    socket.setTimeout(5000, () => fail(new Error('no answer within 5 s')));
    socket.once('error', fail);
    socket.once('connect', () => {
      readline.createInterface({ input: socket }).once('line', (line) => {
        socket.end();
        try {
          resolve(JSON.parse(line) as Record<string, unknown>);
        } catch (error) {
          fail(error as Error);
        }
      });
      socket.write(`${JSON.stringify(request)}\n`);
    });
  });
}
