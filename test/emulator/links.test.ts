import net from 'node:net';
import { once } from 'node:events';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualPrinter } from '../../src/emulator/virtual-printer.js';
import { ascii, concat, CUT, hex, PROCESS_ID } from './helpers.js';
import { socat } from '../support/requirements.js';

const printers: VirtualPrinter[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((p) => p.close()));
});

async function started(options: ConstructorParameters<typeof VirtualPrinter>[0] = {}, listen = {}) {
  const printer = new VirtualPrinter(options);
  printers.push(printer);
  return { printer, address: await printer.listen(listen) };
}

/** A TCP client that collects what the printer sends. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk) => {
    received = Buffer.concat([received, chunk]);
    waiters.splice(0).forEach((wake) => wake());
  });
  socket.on('error', () => undefined);
  const waitFor = async (bytes: number) => {
    while (received.length < bytes) await new Promise<void>((resolve) => waiters.push(resolve));
    return received.toString('hex');
  };
  return { socket, waitFor, received: () => received.toString('hex') };
}

describe('TCP data port', () => {
  it('answers DLE EOT and confirms a receipt with GS ( H over the socket', async () => {
    const { printer, address } = await started();
    expect(address.uri).toBe(`tcp://127.0.0.1:${address.port}`);
    const client = await connect(address.port);
    client.socket.write(concat(hex('10 04 01'), ascii('hello\n'), CUT, PROCESS_ID('0001')));
    expect(await client.waitFor(8)).toBe('12' + '37223030303100');
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'hello', complete: true });
    client.socket.destroy();
  });

  it('serves one connection at a time; the second is read once the first closes', async () => {
    const { printer, address } = await started();
    const first = await connect(address.port);
    const second = await connect(address.port);
    second.socket.write(hex('10 04 01'));
    first.socket.write(hex('10 04 04'));
    expect(await first.waitFor(1)).toBe('12');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.received()).toBe('');
    expect(printer.state.online).toBe(true);
    first.socket.end();
    expect(await second.waitFor(1)).toBe('12');
    second.socket.destroy();
  });

  it('power cycle drops the client and loses the buffered data', async () => {
    const { printer, address } = await started({ linesPerSecond: 5 });
    const client = await connect(address.port);
    const closed = once(client.socket, 'close');
    client.socket.write(concat(ascii('a\nb\nc\n'), CUT, PROCESS_ID('0002')));
    while (printer.journal.current.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    printer.powerCycle({ offMs: 200 });
    await closed;
    expect(printer.state.bufferedBytes).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const again = await connect(address.port);
    again.socket.write(hex('10 04 01'));
    expect(await again.waitFor(1)).toBe('12');
    expect(again.received()).not.toContain('3722');
    expect(printer.journal.receipts[0]).toMatchObject({ complete: false, endedBy: 'power-off' });
    again.socket.destroy();
  });
});

describe.skipIf(!socat.available)('pseudo-terminal (socat) opened with serialport', () => {
  it('exchanges DLE EOT and prints a receipt', async () => {
    const { printer, address } = await started({}, { pty: true });
    expect(address.ptyPath).toBeDefined();
    const port = new SerialPort({ path: address.ptyPath!, baudRate: 38400, lock: false, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    let received = '';
    const gotReplies = new Promise<void>((resolve) =>
      port.on('data', (chunk: Buffer) => {
        received += chunk.toString('hex');
        if (received.length >= 16) resolve();
      }),
    );
    const receiptDone = once(printer, 'receipt');
    port.write(Buffer.from(concat(hex('10 04 01'), ascii('serial\n'), CUT, PROCESS_ID('0003'))));
    await gotReplies;
    await receiptDone;
    expect(received).toBe('12' + '37223030303300');
    expect(printer.journal.receipts[0]).toMatchObject({ text: 'serial', complete: true });
    await new Promise<void>((resolve) => port.close(() => resolve()));
  });
});

describe('control port', () => {
  it('injects faults from JSON lines and reports the state', async () => {
    const { printer, address } = await started({}, { control: true });
    const socket = net.connect(address.controlPort!, '127.0.0.1');
    const lines: string[] = [];
    const next = () =>
      new Promise<Record<string, unknown>>((resolve) => {
        const take = () => {
          const line = lines.shift();
          if (line) resolve(JSON.parse(line) as Record<string, unknown>);
          else setTimeout(take, 5);
        };
        take();
      });
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
    socket.write('{"fault":"paperOut"}\n');
    expect(await next()).toMatchObject({ ok: true, state: { paperOut: true, online: false } });
    socket.write('{"fault":"loadPaper"}\n{"fault":"nonsense"}\n');
    expect(await next()).toMatchObject({ ok: true, state: { paperOut: false, online: true } });
    expect(await next()).toMatchObject({ ok: false });
    expect(printer.state.online).toBe(true);
    socket.destroy();
  });
});
