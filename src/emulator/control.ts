/**
 * JSON-lines control port so another terminal (the CLI) can inject faults:
 *   {"fault":"paperOut","mode":"wait"}  {"fault":"loadPaper"}  {"fault":"powerCycle","offMs":2000}
 *   {"status":true}  {"receipts":true}
 * Each request line gets one reply line: {"ok":true,"state":{...}} or {"ok":false,"error":"..."}.
 */
import net from 'node:net';
import readline from 'node:readline';
import { CONTROL_FAULTS, type ControlRequest } from './control-protocol.js';
import type { VirtualPrinter } from './virtual-printer.js';

export { CONTROL_FAULTS, type ControlRequest } from './control-protocol.js';

/** Apply one control request to a printer; returns the reply object. */
export function handleControlRequest(printer: VirtualPrinter, request: ControlRequest): Record<string, unknown> {
  if (request.fault !== undefined) {
    switch (request.fault) {
      case 'paperNearEnd':
      case 'loadPaper':
      case 'openCover':
      case 'closeCover':
      case 'clearCutter':
      case 'unrecoverable':
      case 'disconnect':
        printer[request.fault]();
        break;
      case 'paperOut':
        printer.paperOut({ mode: request.mode ?? 'wait' });
        break;
      case 'jamCutter':
        printer.jamCutter({ when: request.when ?? 'now' });
        break;
      case 'overheat':
        printer.overheat(request.ms ?? 5000);
        break;
      case 'hang':
        printer.hang(request.ms ?? 5000);
        break;
      case 'setDrawerPin':
        printer.setDrawerPin(request.high ?? true);
        break;
      case 'powerCycle':
        printer.powerCycle({ offMs: request.offMs ?? 1000 });
        break;
      case 'injectGarbage':
        printer.injectGarbage(Buffer.from(request.hex ?? 'ff', 'hex'));
        break;
      default:
        return { ok: false, error: `unknown fault "${request.fault}"; known: ${CONTROL_FAULTS.join(', ')}` };
    }
  }
  const reply: Record<string, unknown> = { ok: true, state: printer.state };
  if (request.receipts) reply['receipts'] = printer.journal.receipts;
  return reply;
}

export class ControlServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    printer: VirtualPrinter,
    private readonly options: { host: string; port: number },
  ) {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => this.sockets.delete(socket));
      const lines = readline.createInterface({ input: socket });
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        let reply: Record<string, unknown>;
        try {
          reply = handleControlRequest(printer, JSON.parse(line) as ControlRequest);
        } catch (error) {
          reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        socket.write(JSON.stringify(reply) + '\n');
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
