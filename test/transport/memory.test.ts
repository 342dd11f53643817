import { afterEach, describe, expect, it } from 'vitest';
import { DeviceNotFoundError, DisconnectedError, TransportClosedError } from '../../src/errors.js';
import { MemoryTransport } from '../../src/transport/memory.js';

afterEach(() => MemoryTransport.reset());

function nextData(transport: MemoryTransport): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const off = transport.onData((bytes) => {
      off();
      resolve(bytes);
    });
  });
}

describe('MemoryTransport', () => {
  it('fails to open a printer that was never created', async () => {
    await expect(new MemoryTransport('nobody').open()).rejects.toBeInstanceOf(DeviceNotFoundError);
  });

  it('records writes and answers through replies()', async () => {
    const printer = MemoryTransport.createPrinter('mem0', {
      replies: (written) => (written[0] === 0x10 ? Uint8Array.of(0x16) : undefined),
    });
    const transport = new MemoryTransport('mem0');
    await transport.open();
    await transport.write(Uint8Array.of(0x1b, 0x40));
    const reply = nextData(transport);
    await transport.write(Uint8Array.of(0x10, 0x04, 0x01));
    expect(await reply).toEqual(Uint8Array.of(0x16));
    expect(printer.recording).toEqual(Uint8Array.of(0x1b, 0x40, 0x10, 0x04, 0x01));
    expect(transport.recording).toEqual(printer.recording);
  });

  it('echoes when asked and delivers emitData', async () => {
    const printer = MemoryTransport.createPrinter('echo', { echo: true });
    const transport = new MemoryTransport('echo');
    await transport.open();
    const echoed = nextData(transport);
    await transport.write(Uint8Array.of(1, 2, 3));
    expect(await echoed).toEqual(Uint8Array.of(1, 2, 3));
    const emitted = nextData(transport);
    printer.emitData([0x14, 0x00, 0x00, 0x0f]);
    expect(await emitted).toEqual(Uint8Array.of(0x14, 0x00, 0x00, 0x0f));
  });

  it('accepts a few bytes per turn, so a partial-write loop is exercised', async () => {
    const printer = MemoryTransport.createPrinter('slow', { acceptBytesPerWrite: 3 });
    const transport = new MemoryTransport('slow');
    await transport.open();
    const payload = Uint8Array.from({ length: 20 }, (_, i) => i);
    let resolved = false;
    const write = transport.write(payload).then(() => {
      resolved = true;
    });
    await printer.waitForBytes(3);
    expect(printer.recording.length).toBeLessThan(20);
    expect(resolved).toBe(false);
    await write;
    expect(printer.recording).toEqual(payload);
  });

  it('holds writes while paused and rejects them as canceled on close', async () => {
    const printer = MemoryTransport.createPrinter('full');
    const transport = new MemoryTransport('full');
    await transport.open();
    printer.pause();
    const write = transport.write(Uint8Array.of(1));
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    await transport.close();
    const error = await write.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportClosedError);
    expect((error as TransportClosedError).canceled).toBe(true);
    expect(await closed).toBeUndefined();
    expect(printer.recording.length).toBe(0);
  });

  it('drop() closes with DisconnectedError and rejects pending writes; reopen works', async () => {
    const printer = MemoryTransport.createPrinter('flaky');
    const transport = new MemoryTransport('flaky');
    await transport.open();
    printer.pause();
    const write = transport.write(Uint8Array.of(9));
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    printer.drop();
    expect(await closed).toBeInstanceOf(DisconnectedError);
    await expect(write).rejects.toBeInstanceOf(DisconnectedError);
    expect(transport.isOpen).toBe(false);
    printer.connectable = false;
    await expect(transport.open()).rejects.toBeInstanceOf(DisconnectedError);
    printer.connectable = true;
    printer.resume();
    await transport.open();
    await transport.write(Uint8Array.of(7));
    expect(printer.recording).toEqual(Uint8Array.of(7));
  });

  it('a write-only printer reports bidirectional false and never answers', async () => {
    const printer = MemoryTransport.createPrinter('oneway', { bidirectional: false, echo: true });
    const transport = new MemoryTransport('oneway');
    await transport.open();
    expect(transport.bidirectional).toBe(false);
    expect(() => printer.emitData([1])).toThrow(/write-only/);
  });
});
