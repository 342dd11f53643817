import net from 'node:net';
import { once } from 'node:events';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/virtual-printer.js';
import { ascii, hex, memoryPrinter } from './helpers.js';
import { socat } from '../support/requirements.js';

const printers: VirtualPrinter[] = [];
const ports: SerialPort[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(ports.splice(0).map((port) => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()))));
  await Promise.all(printers.splice(0).map((p) => p.close()));
});

async function started(options: VirtualPrinterOptions, listen: Parameters<VirtualPrinter['listen']>[0] = {}) {
  const printer = new VirtualPrinter(options);
  printers.push(printer);
  return { printer, address: await printer.listen(listen) };
}

/** Collects what arrives on a socket or serial port as hex; `until` waits for a hex substring. */
function collector(stream: NodeJS.EventEmitter) {
  let received = '';
  const waiters: (() => void)[] = [];
  stream.on('data', (chunk: Buffer) => {
    received += chunk.toString('hex');
    waiters.splice(0).forEach((wake) => wake());
  });
  const until = async (hexText: string) => {
    while (!received.includes(hexText)) await new Promise<void>((resolve) => waiters.push(resolve));
    return received;
  };
  return { until, received: () => received };
}

async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => undefined);
  const data = collector(socket);
  await once(socket, 'connect');
  return { socket, ...data };
}

async function openSerial(path: string) {
  const port = new SerialPort({ path, baudRate: 38400, lock: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  ports.push(port);
  return { port, ...collector(port) };
}

describe('TCP idle timeout', () => {
  it('closes an idle printing connection; the waiting connection then prints', async () => {
    const { address } = await started({ idleTimeoutMs: 200 });
    const first = await connect(address.port);
    const firstClosed = once(first.socket, 'close');
    const second = await connect(address.port);
    second.socket.write(hex('10 04 01'));
    await firstClosed; // closed by the printer: the client never ends it
    expect(first.socket.destroyed).toBe(true);
    expect(await second.until('12')).toBe('12');
  });
});

describe('injectGarbage', () => {
  it('sends the bytes to the TCP host as they are, marked as garbage, and later replies are unchanged', async () => {
    const { printer, address } = await started({});
    const kinds: string[] = [];
    printer.on('reply', (_bytes, kind) => kinds.push(kind));
    const client = await connect(address.port);
    client.socket.write(hex('10 04 01'));
    await client.until('12');
    printer.injectGarbage(hex('ff 00 7e 37'));
    await client.until('ff007e37');
    client.socket.write(hex('10 04 04'));
    expect(await client.until('ff007e3712')).toBe('12ff007e3712');
    expect(kinds).toEqual(['realtime', 'garbage', 'realtime']);
  });

  it('reaches an in-memory observer without a link', () => {
    const { printer, replies } = memoryPrinter();
    printer.injectGarbage(hex('aa bb'));
    expect(replies).toEqual(['aabb']);
  });

  it.skipIf(!socat.available)('reaches the host on the pseudo-terminal', async () => {
    const { printer, address } = await started({}, { pty: true });
    const host = await openSerial(address.ptyPath!);
    printer.injectGarbage(hex('55 aa'));
    expect(await host.until('55aa')).toBe('55aa');
  });
});

describe.skipIf(!socat.available)('XON/XOFF on the pseudo-terminal', () => {
  it('sends XOFF when the receive buffer is nearly full, drops what does not fit, and XON once it drains', async () => {
    const { printer, address } = await started({ flowControl: 'xonxoff', receiveBuffer: 64 }, { pty: true });
    const host = await openSerial(address.ptyPath!);
    printer.openCover(); // offline: nothing is processed, the buffer fills
    host.port.write(Buffer.from(ascii('A'.repeat(40))));
    await new Promise<void>((resolve) => host.port.drain(() => resolve()));
    await waitFor(() => printer.state.bufferedBytes === 40);
    expect(host.received()).toBe(''); // 24 free: above the XOFF threshold (16)
    host.port.write(Buffer.from(ascii('B'.repeat(40))));
    expect(await host.until('13')).toBe('13');
    await waitFor(() => printer.state.bufferedBytes === 64);
    expect(printer.state.freeBytes).toBe(0); // 16 bytes did not fit and were ignored
    const printed = once(printer, 'receipt');
    printer.closeCover();
    expect(await host.until('1311')).toBe('1311');
    host.port.write(Buffer.from(hex('0a 1d 56 00')));
    const [receipt] = await printed;
    expect(receipt.text).toBe('A'.repeat(40) + 'B'.repeat(24));
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
