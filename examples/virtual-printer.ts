/**
 * A virtual Epson TM printer on this machine: prints each receipt it receives as text.
 *   npx tsx examples/virtual-printer.ts [--port 9100] [--pty] [--speed 40]
 * --speed is in lines per second (0 = instant). Inject faults from another terminal through
 * the control port it prints, e.g. `echo '{"fault":"paperOut"}' | nc 127.0.0.1 <controlPort>`.
 */
import { parseArgs } from 'node:util';
import { runEmulatorConsole } from '../src/emulator/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9100' },
    pty: { type: 'boolean', default: false },
    speed: { type: 'string', default: '40' },
  },
});

const emulator = await runEmulatorConsole({ port: Number(values.port), pty: values.pty, linesPerSecond: Number(values.speed) }, process.stdout);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.close().then(() => process.exit(0));
  });
}
