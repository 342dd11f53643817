/** `emulate`: run the virtual printer and show each receipt as it prints (its work is emulate-run.ts). */
import { Option, type Command } from 'commander';
import { EMULATOR_DIALECT_NAMES } from '../../emulator/dialects.js';
import { defineCommand, type RunContext } from '../command.js';
import { CliError } from '../errors.js';
import { jsonOption, parsePort, parsePositiveNumber, withCommon } from '../options.js';
import { paint } from '../output.js';
import { FAULT_NAMES } from './fault.js';

export interface EmulateOptions {
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

/** What the emulator reports as it runs: where it listens, each receipt (as text), notes about pictures. */
export type EmulateEvent =
  | { event: 'listening'; uri: string; ptyPath?: string; controlPort?: number; [field: string]: unknown }
  | { event: 'receipt'; index: number; complete: boolean; endedBy: unknown; interruptions: unknown; text: string; png?: string }
  | { event: 'note'; text: string; always: boolean };

/** `--status-replies 1,4` → [1, 4]: the DLE EOT n the printer answers. */
function parseStatusReplies(value: string): number[] {
  const list = value.split(',').map((part) => part.trim());
  if (list.length === 0 || list.some((part) => !/^[1-4]$/.test(part))) {
    throw new CliError(`"${value}" is not a list of DLE EOT n from 1 to 4 (e.g. 1,4).`);
  }
  return [...new Set(list.map(Number))];
}

export const emulate = defineCommand({
  define: (program: Command) =>
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
      ),

  async run(_args: [], options: EmulateOptions, context: RunContext<EmulateEvent>): Promise<void> {
    const { runEmulator } = await import('../emulate-run.js');
    await runEmulator(options, context.emit);
  },

  formatEvent(event: EmulateEvent, out, options) {
    if (event.event === 'note') {
      if (event.always || !options.json) out.note(event.text);
      return;
    }
    if (options.json) return out.json(event);
    if (event.event === 'listening') {
      out.line(`virtual printer on ${event.uri}${event.ptyPath ? ` and serial:${event.ptyPath}` : ''}`);
      out.line(`control port ${event.controlPort} (receipt-spool fault --help); Ctrl-C stops`);
      return;
    }
    out.line(paint(out, 'dim', `──── receipt ${event.index + 1}${event.complete ? '' : ' (incomplete)'} ────`));
    out.line(event.text);
  },

  format: () => {},
});
