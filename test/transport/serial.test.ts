import { afterEach, describe, expect, it } from 'vitest';
import { DeviceNotFoundError, DisconnectedError } from '../../src/errors.js';
import { SerialTransport, XOFF, XON } from '../../src/transport/serial.js';
import { testTransport } from './contract.js';
import { openPtyPeer, ptyFixture, startPtyPair, type PtyPair } from './pty.js';
import { socat } from '../support/requirements.js';

describe.skipIf(!socat.available)('serial transport over a pty', () => {
  testTransport('serial (pty)', () => ptyFixture((path) => new SerialTransport({ path, baudRate: 38400 })));
});

describe('SerialTransport', () => {
  let pair: PtyPair | undefined;
  let transport: SerialTransport | undefined;
  afterEach(async () => {
    await transport?.close();
    await pair?.cleanup();
    transport = undefined;
    pair = undefined;
  });

  it('a missing port is DeviceNotFoundError', async () => {
    transport = new SerialTransport({ path: '/dev/receipt-spool-no-such-tty' });
    await expect(transport.open()).rejects.toBeInstanceOf(DeviceNotFoundError);
  });

  it.skipIf(!socat.available)('XOFF from the printer pauses writing, XON resumes; both bytes still reach onData', { timeout: 20_000 }, async () => {
    pair = await startPtyPair();
    transport = new SerialTransport({ path: pair.hostPath, flowControl: 'xonxoff' });
    await transport.open();
    const peer = await openPtyPeer(pair);
    try {
      const seen: number[] = [];
      const sawXoff = new Promise<void>((resolve) =>
        transport!.onData((bytes) => {
          seen.push(...bytes);
          if (bytes.includes(XOFF)) resolve();
        }),
      );
      await peer.send(Uint8Array.of(XOFF));
      await sawXoff;
      expect(transport.heldByPrinter).toBe(true);

      let accepted = false;
      const write = transport.write(Uint8Array.of(0x1b, 0x40, 0x41)).then(() => {
        accepted = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(accepted).toBe(false);

      // Real-time commands are not held back by XOFF.
      await transport.writeRealtime(Uint8Array.of(0x10, 0x04, 0x01));
      expect(await peer.waitForBytes(3)).toEqual(Uint8Array.of(0x10, 0x04, 0x01));

      await peer.send(Uint8Array.of(XON));
      await write;
      expect(await peer.waitForBytes(6)).toEqual(Uint8Array.of(0x10, 0x04, 0x01, 0x1b, 0x40, 0x41));
      expect(seen).toEqual([XOFF, XON]);
      expect(transport.heldByPrinter).toBe(false);
    } finally {
      await peer.close();
    }
  });

  it.skipIf(!socat.available)('without xonxoff, XOFF is just data', async () => {
    pair = await startPtyPair();
    transport = new SerialTransport({ path: pair.hostPath });
    await transport.open();
    const peer = await openPtyPeer(pair);
    try {
      const got = new Promise<void>((resolve) => transport!.onData(() => resolve()));
      await peer.send(Uint8Array.of(XOFF));
      await got;
      await transport.write(Uint8Array.of(1, 2));
      expect(await peer.waitForBytes(2)).toEqual(Uint8Array.of(1, 2));
    } finally {
      await peer.close();
    }
  });

  it.skipIf(!socat.available)('the port vanishing (socat killed) is onClose(DisconnectedError) and a pending write rejects', { timeout: 20_000 }, async () => {
    pair = await startPtyPair();
    transport = new SerialTransport({ path: pair.hostPath, flowControl: 'xonxoff' });
    await transport.open();
    const peer = await openPtyPeer(pair);
    const closed = new Promise<Error | undefined>((resolve) => transport!.onClose(resolve));
    const sawXoff = new Promise<void>((resolve) => transport!.onData(() => resolve()));
    await peer.send(Uint8Array.of(XOFF));
    await sawXoff;
    expect(transport.heldByPrinter).toBe(true);
    const write = transport.write(Uint8Array.of(1, 2, 3)).catch((e: unknown) => e);
    await pair.kill();
    expect(await closed).toBeInstanceOf(DisconnectedError);
    expect(await write).toBeInstanceOf(DisconnectedError);
    expect(transport.isOpen).toBe(false);
    await peer.close();
  });

  it.skipIf(!socat.available)('reopens on the same path once the device comes back', { timeout: 20_000 }, async () => {
    const first = await startPtyPair();
    transport = new SerialTransport({ path: first.hostPath, presenceCheckMs: 50 });
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport!.onClose(resolve));
    await first.kill();
    expect(await closed).toBeInstanceOf(DisconnectedError);
    await expect(transport.open()).rejects.toBeInstanceOf(DeviceNotFoundError);

    pair = await startPtyPair(first.dir);
    await transport.open();
    const peer = await openPtyPeer(pair);
    try {
      await transport.write(Uint8Array.of(0x1b, 0x40));
      expect(await peer.waitForBytes(2)).toEqual(Uint8Array.of(0x1b, 0x40));
    } finally {
      await peer.close();
    }
  });
});
