/**
 * Serial settings the Unix bindings cannot open, and a hung-up tty's 0-byte reads, checked
 * against @serialport/bindings-cpp 13's own code (src/serialport_unix.cpp, dist/unix-read.js).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidPrinterUriError } from '../../src/errors.js';
import { hangupAwareRead, readWithHangupCheck } from '../../src/transport/serial-hangup.js';
import { SerialTransport } from '../../src/transport/serial.js';
import { parsePrinterUri } from '../../src/transport/uri.js';

describe('serial settings the platform cannot open', () => {
  // serialport_unix.cpp `setup`: parity NONE/ODD/EVEN, stop bits ONE/TWO; anything else is
  // "Invalid parity setting %d" / "Invalid stop bits setting %d" at open.
  it.each([
    ['serial:/dev/ttyUSB0?parity=mark', 'parity', /"mark" is only available on Windows \(here: none, even, odd\)/],
    ['serial:/dev/ttyUSB0?parity=space', 'parity', /"space" is only available on Windows/],
    ['serial:/dev/ttyUSB0?stopBits=1.5', 'stopBits', /1\.5 is only available on Windows \(here: 1, 2\)/],
  ])('%s is rejected on Linux and macOS, naming %s', (uri, part, reason) => {
    for (const platform of ['linux', 'darwin'] as const) {
      const error = (() => {
        try {
          parsePrinterUri(uri, { platform });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InvalidPrinterUriError);
      expect((error as Error).message).toContain(part);
      expect((error as Error).message).toMatch(reason);
    }
    expect(parsePrinterUri(uri, { platform: 'win32' })).toMatchObject({ kind: 'serial' });
  });

  it('the transport refuses them too when built in code', () => {
    if (process.platform === 'win32') return;
    expect(() => new SerialTransport({ path: '/dev/ttyUSB0', parity: 'mark' })).toThrow(InvalidArgumentError);
    expect(() => new SerialTransport({ path: '/dev/ttyUSB0', stopBits: 1.5 })).toThrow(/stopBits 1\.5 is only available on Windows/);
  });
});

describe('a hung-up tty (0-byte reads)', () => {
  it("bindings-cpp's unixRead ends with a disconnect after a few waited-for 0-byte reads, not a tight loop", async () => {
    let reads = 0;
    const fsReadAsync = hangupAwareRead('/dev/ttyUSB0', {
      zeroReadsForHangup: 3,
      zeroReadWaitMs: 1,
      isGone: async () => false,
      readAsync: async (_fd, buffer) => {
        reads++;
        return { bytesRead: 0, buffer };
      },
    });
    const port = { isOpen: true, fd: 99, read: async () => ({ bytesRead: 0, buffer: Buffer.alloc(0) }) };
    const error = await readWithHangupCheck(port, fsReadAsync, Buffer.alloc(64), 0, 64).catch((e: unknown) => e);
    // unixRead marks ENXIO as `disconnect`; SerialPortStream closes the port with it (no `canceled`).
    expect(error).toMatchObject({ code: 'ENXIO', disconnect: true });
    expect((error as Error).message).toMatch(/read returned 0 bytes 3 times in a row/);
    expect(reads).toBe(3);
  });

  it('a device path that is gone ends it at the first 0-byte read; data resets the count', async () => {
    const script = [2, 0, 5, 0];
    let gone = false;
    const fsReadAsync = hangupAwareRead('/dev/ttyUSB0', {
      zeroReadWaitMs: 1,
      isGone: async () => gone,
      readAsync: async (_fd, buffer) => ({ bytesRead: script.shift() ?? 0, buffer }),
    });
    const port = { isOpen: true, fd: 99, read: async () => ({ bytesRead: 0, buffer: Buffer.alloc(0) }) };
    expect((await readWithHangupCheck(port, fsReadAsync, Buffer.alloc(64), 0, 64)).bytesRead).toBe(2);
    expect((await readWithHangupCheck(port, fsReadAsync, Buffer.alloc(64), 0, 64)).bytesRead).toBe(5);
    gone = true;
    await expect(readWithHangupCheck(port, fsReadAsync, Buffer.alloc(64), 0, 64)).rejects.toMatchObject({ disconnect: true });
  });
});
