/** `fault`: inject a fault into a running `receipt-spool emulate` through its JSON-lines control port, or ask its state. */
import { Option, type Command } from 'commander';
import { CONTROL_FAULTS, type ControlRequest } from '../../emulator/control-protocol.js';
import { defineCommand } from '../command.js';
import { CliError, EXIT_FAILURE } from '../errors.js';
import { jsonOption, parsePort, parsePositiveNumber, withCommon } from '../options.js';

/** `paper-out` ↔ `paperOut`: people type kebab case, the control channel speaks camel case. */
export const FAULT_NAMES = new Map(CONTROL_FAULTS.map((fault) => [fault.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), fault]));

interface FaultOptions {
  controlPort: number;
  host: string;
  ms?: number;
  discard?: boolean;
  json?: boolean;
}

export const fault = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('fault'))
      .description('inject a fault into a running `receipt-spool emulate` (or ask its state with "status")')
      .argument('<name>', `one of: ${[...FAULT_NAMES.keys()].join(', ')}, status`)
      .addOption(new Option('--control-port <n>', "the emulator's control port").default(9101).argParser(parsePort))
      .addOption(new Option('--host <address>', "the emulator's address").default('127.0.0.1'))
      .addOption(new Option('--ms <n>', 'duration for overheat and hang; off time for power-cycle').argParser(parsePositiveNumber))
      .addOption(new Option('--discard', 'paper-out: discard the data received while out of paper'))
      .addOption(jsonOption("the emulator's reply as one JSON object"))
      .addHelpText('after', '\nExamples:\n  $ receipt-spool fault paper-out --control-port 9101\n  $ receipt-spool fault power-cycle --ms 2000'),

  async run([name]: [string], options: FaultOptions): Promise<{ name: string; reply: Record<string, unknown> }> {
    const reply = await askControl(options.host, options.controlPort, faultRequest(name, options));
    if (reply['ok'] !== true) throw new CliError(`the emulator refused "${name}": ${String(reply['error'])}.`, EXIT_FAILURE);
    return { name, reply };
  },

  format({ name, reply }, out, options) {
    if (options.json) return out.json(reply);
    out.line(name === 'status' ? JSON.stringify(reply['state'], null, 2) : `${name}: done`);
  },
});

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

async function askControl(host: string, port: number, request: ControlRequest): Promise<Record<string, unknown>> {
  const [{ default: net }, { default: readline }] = await Promise.all([import('node:net'), import('node:readline')]);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (error: Error) => {
      socket.destroy();
      reject(
        new CliError(`cannot reach the emulator's control port ${host}:${port} (${error.message}); is \`receipt-spool emulate\` running with that --control-port?`, EXIT_FAILURE),
      );
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
