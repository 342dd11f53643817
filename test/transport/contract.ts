/**
 * One behaviour suite for every transport (serialport's bindings.test.ts in spirit):
 * each transport test file calls `testTransport(name, factory)` with a factory that builds
 * the transport and a handle on the far end of its link.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DisconnectedError, TransportClosedError } from '../../src/errors.js';
import type { Transport } from '../../src/transport/interface.js';

/** The printer's end of the link, as the test sees it. */
export interface Peer {
  /** Resolves once the peer has received at least `length` bytes; returns everything it received. */
  waitForBytes(length: number): Promise<Uint8Array>;
  send(bytes: Uint8Array): Promise<void>;
  /** Stop / restart reading, so the host's writes back up. */
  pauseReading(): void;
  resumeReading(): void;
  /** The far end vanishes (printer switched off, cable pulled, socat killed). */
  drop(): Promise<void>;
}

/**
 * Keeps everything a peer receives, fed by `subscribe`; the returned `waitForBytes` resolves
 * once at least `length` bytes arrived, with all of them.
 */
export function collectReceived(subscribe: (onChunk: (chunk: Buffer) => void) => void): Peer['waitForBytes'] {
  const chunks: Buffer[] = [];
  let total = 0;
  const waiters: Array<() => void> = [];
  subscribe((chunk) => {
    chunks.push(chunk);
    total += chunk.length;
    for (const waiter of waiters.splice(0)) waiter();
  });
  return async (length) => {
    while (total < length) await new Promise<void>((resolve) => waiters.push(resolve));
    return new Uint8Array(Buffer.concat(chunks));
  };
}

export interface TransportFixture {
  transport: Transport;
  /** The peer of the next connection, in order (call it once after every `open()`). */
  peer(): Promise<Peer>;
  cleanup(): Promise<void>;
  /** A write this large cannot be accepted while the peer does not read. */
  backpressureBytes: number;
}

export function testTransport(name: string, factory: () => Promise<TransportFixture>, timeoutMs = 20_000): void {
  describe(`Transport contract: ${name}`, { timeout: timeoutMs }, () => {
    let fixture: TransportFixture | undefined;
    const setUp = async () => {
      fixture = await factory();
      return fixture;
    };
    afterEach(async () => {
      await fixture?.transport.close();
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('opens, and the peer receives written bytes in order', async () => {
      const { transport, peer } = await setUp();
      await transport.open();
      expect(transport.isOpen).toBe(true);
      const far = await peer();
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      await transport.write(all.subarray(0, 100));
      await transport.write(all.subarray(100));
      expect(await far.waitForBytes(256)).toEqual(all);
    });

    it('delivers bytes sent by the peer through onData', async () => {
      const { transport, peer } = await setUp();
      await transport.open();
      const far = await peer();
      const received: number[] = [];
      const complete = new Promise<void>((resolve) => {
        transport.onData((bytes) => {
          received.push(...bytes);
          if (received.length >= 4) resolve();
        });
      });
      await far.send(Uint8Array.of(0x14, 0x00, 0x00, 0x0f));
      await complete;
      expect(received).toEqual([0x14, 0x00, 0x00, 0x0f]);
    });

    it('a large write resolves only after the peer reads (backpressure)', async () => {
      const { transport, peer, backpressureBytes } = await setUp();
      await transport.open();
      const far = await peer();
      far.pauseReading();
      const payload = Uint8Array.from({ length: backpressureBytes }, (_, i) => (i * 7) & 0xff);
      let accepted = false;
      const write = transport.write(payload).then(() => {
        accepted = true;
      });
      // Whatever the wait, the write cannot be accepted while nobody reads.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(accepted).toBe(false);
      far.resumeReading();
      await write;
      const received = await far.waitForBytes(payload.length);
      // Buffer.equals: vitest's deep equality is far too slow for megabytes.
      expect(received.length).toBe(payload.length);
      expect(Buffer.from(received).equals(payload)).toBe(true);
    });

    it('close() rejects pending writes with TransportClosedError (canceled) and reports no error', async () => {
      const { transport, peer, backpressureBytes } = await setUp();
      await transport.open();
      const far = await peer();
      far.pauseReading();
      const closeEvents: Array<Error | undefined> = [];
      transport.onClose((error) => closeEvents.push(error));
      const write = transport.write(new Uint8Array(backpressureBytes));
      const outcome = write.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await transport.close();
      const error = await outcome;
      expect(error).toBeInstanceOf(TransportClosedError);
      expect((error as TransportClosedError).canceled).toBe(true);
      expect(transport.isOpen).toBe(false);
      expect(closeEvents).toEqual([undefined]);
      await transport.close(); // idempotent
      expect(closeEvents).toEqual([undefined]);
    });

    it('reports a vanished peer through onClose(DisconnectedError)', async () => {
      const { transport, peer } = await setUp();
      await transport.open();
      const far = await peer();
      const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
      await far.drop();
      const error = await closed;
      expect(error).toBeInstanceOf(DisconnectedError);
      expect(transport.isOpen).toBe(false);
      await expect(transport.write(Uint8Array.of(1))).rejects.toBeInstanceOf(DisconnectedError);
    });

    it('can be opened again after close()', async () => {
      const { transport, peer } = await setUp();
      await transport.open();
      await peer();
      await transport.close();
      await transport.open();
      const far = await peer();
      await transport.write(Uint8Array.of(0x1b, 0x40));
      expect(await far.waitForBytes(2)).toEqual(Uint8Array.of(0x1b, 0x40));
    });
  });
}
