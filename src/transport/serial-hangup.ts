/**
 * A hung-up tty (USB-serial adapter unplugged) answers `read()` with 0 bytes, and
 * @serialport/bindings-cpp 13 reads again at once on 0 (dist/unix-read.js: `if (bytesRead === 0)
 * return unixRead(...)`), a loop that keeps a libuv thread and a core busy until something else
 * notices. This wraps the Unix binding so its ports read through the same `unixRead` with a
 * `read(2)` that waits a little after a 0-byte read and, after a few in a row (or once the device
 * path is gone), fails with ENXIO, which unixRead marks `disconnect` and SerialPortStream turns
 * into a `close` event with that error: a prompt, ordinary disconnect.
 */
import { read as fsRead } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { unixRead } from '@serialport/bindings-cpp/dist/unix-read.js';

/** The parts of @serialport/bindings-interface's binding and port used here. */
export interface ReadablePort {
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}
export interface OpeningBinding<P extends ReadablePort = ReadablePort> {
  list(): Promise<unknown[]>;
  open(options: { path: string }): Promise<P>;
}

type ReadAsync = (fd: number, buffer: Buffer, offset: number, length: number, position: null) => Promise<{ bytesRead: number; buffer: Buffer }>;

export interface HangupOptions {
  /** 0-byte reads in a row that mean the tty hung up (default 3). */
  zeroReadsForHangup?: number;
  /** Wait after a 0-byte read before reading again, in ms (default 50). */
  zeroReadWaitMs?: number;
  /** The `read(2)` to use (tests pass a fake). */
  readAsync?: ReadAsync;
  /** Whether the device path is gone (default: stat says ENOENT). */
  isGone?: (path: string) => Promise<boolean>;
}

async function pathIsGone(path: string): Promise<boolean> {
  try {
    await stat(path);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** A `read(2)` that turns repeated 0-byte reads into ENXIO, waiting between them. */
export function hangupAwareRead(path: string, options: HangupOptions = {}): ReadAsync {
  const read = options.readAsync ?? (promisify(fsRead) as unknown as ReadAsync);
  const limit = Math.max(1, options.zeroReadsForHangup ?? 3);
  const waitMs = options.zeroReadWaitMs ?? 50;
  const isGone = options.isGone ?? pathIsGone;
  let zeros = 0;
  return async (fd, buffer, offset, length, position) => {
    const result = await read(fd, buffer, offset, length, position);
    if (result.bytesRead > 0) {
      zeros = 0;
      return result;
    }
    zeros += 1;
    if (zeros >= limit || (await isGone(path))) {
      throw Object.assign(new Error(`${path}: read returned 0 bytes ${zeros} times in a row: the device hung up (unplugged?)`), {
        code: 'ENXIO',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    return result;
  };
}

/** Reads through bindings-cpp's own `unixRead`, with `hangupAwareRead` as its `read(2)`. */
export function readWithHangupCheck(port: ReadablePort, fsReadAsync: ReadAsync, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  return unixRead({ binding: port as never, buffer, offset, length, fsReadAsync: fsReadAsync as never });
}

/** The Unix binding, with every port it opens reading through `readWithHangupCheck`. */
export function hangupAwareBinding<P extends ReadablePort>(binding: OpeningBinding<P>, options: HangupOptions = {}): OpeningBinding<P> {
  return {
    list: () => binding.list(),
    async open(openOptions: { path: string }) {
      const port = await binding.open(openOptions);
      const fsReadAsync = hangupAwareRead(openOptions.path, options);
      port.read = (buffer: Buffer, offset: number, length: number) => readWithHangupCheck(port, fsReadAsync, buffer, offset, length);
      return port;
    },
  };
}
