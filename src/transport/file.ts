/**
 * Device-file transport (`/dev/usb/lp0`, a tty, a FIFO...).
 *
 * The file is never created: `O_CREAT` is never passed, so a missing `/dev/usb/lp0` is a
 * `DeviceNotFoundError`, not a new regular file that swallows the receipt (a peer library
 * reports "Print done" in that case).
 *
 * The descriptor is opened non-blocking, so no libuv thread is ever parked in a read or write
 * that `close()` could not interrupt; would-block results are retried after a short wait.
 * Replies are read where the device gives them (usblp on a bidirectional printer, a tty).
 */
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { AccessDeniedError, DeviceNotFoundError, DisconnectedError } from '../errors.js';
import type { Transport, TransportOptions } from './interface.js';
import { TransportBase, copyBytes } from './link.js';

/** The file-system calls this transport makes (the syscalls as a parameter). */
export interface FileIo {
  open(path: string, flags: number): Promise<number>;
  fstat(fd: number): Promise<{ isFile(): boolean }>;
  /** Returns the number of bytes read; rejects with `code: 'EAGAIN'` when nothing is ready. */
  read(fd: number, buffer: Uint8Array): Promise<number>;
  /** Returns the number of bytes written (possibly fewer than given). */
  write(fd: number, bytes: Uint8Array): Promise<number>;
  close(fd: number): Promise<void>;
  /** Resolves if the path still exists. */
  exists(path: string): Promise<boolean>;
}

const readAsync = promisify(fs.read);
const writeAsync = promisify(fs.write);

export const nodeFileIo: FileIo = {
  open: (path, flags) => promisify(fs.open)(path, flags),
  fstat: (fd) => promisify(fs.fstat)(fd),
  read: async (fd, buffer) => (await readAsync(fd, buffer, 0, buffer.length, null)).bytesRead,
  write: async (fd, bytes) => (await writeAsync(fd, bytes, 0, bytes.length, null)).bytesWritten,
  close: (fd) => promisify(fs.close)(fd),
  exists: (path) =>
    fs.promises.stat(path).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
    ),
};

export interface FileTransportOptions extends TransportOptions {
  path: string;
  /** Wait before retrying a read or write that would block, in ms (default 10). */
  pollMs?: number;
  /** How often to check that the device still exists while idle, in ms (default 1000). */
  presenceCheckMs?: number;
  /** How long `close()` waits for written data to leave (usblp's last transfer), in ms (default 30 000). */
  drainTimeoutMs?: number;
  io?: FileIo;
}

const { O_RDWR, O_WRONLY, O_APPEND, O_NOCTTY, O_NONBLOCK } = fs.constants;
const WRITE_ONLY_FALLBACK_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);
const RETRY_CODES = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
/** Read errors that mean "this device gives no replies", not "the device is gone". */
const NOT_READABLE_CODES = new Set(['EINVAL', 'EBADF', 'ENOSYS', 'EOPNOTSUPP', 'EISDIR']);

export class FileTransport extends TransportBase implements Transport {
  readonly kind = 'file' as const;
  readonly description: string;
  readonly path: string;
  #bidirectional: boolean | 'unknown' = 'unknown';
  readonly #io: FileIo;
  readonly #pollMs: number;
  #fd: number | undefined;
  /** Bumped on every open and close, so loops of an old descriptor stop. */
  #generation = 0;
  #inFlight = new Set<Promise<unknown>>();
  readonly #options: FileTransportOptions;

  constructor(options: FileTransportOptions) {
    super();
    this.#options = options;
    this.path = options.path;
    this.#io = options.io ?? nodeFileIo;
    this.#pollMs = options.pollMs ?? 10;
    this.description = `file:${options.path}`;
  }

  get bidirectional(): boolean | 'unknown' {
    return this.#bidirectional;
  }

  get isOpen(): boolean {
    return this.#fd !== undefined;
  }

  async open(): Promise<void> {
    if (this.#fd !== undefined) return;
    const { fd, readable } = await this.#openDevice();
    this.#fd = fd;
    this.#bidirectional = readable;
    const generation = ++this.#generation;
    if (readable) void this.#readLoop(fd, generation);
    void this.#presenceLoop(generation);
  }

  async #openDevice(): Promise<{ fd: number; readable: boolean }> {
    const io = this.#io;
    try {
      let fd: number;
      let readable = true;
      try {
        fd = await io.open(this.path, O_RDWR | O_NOCTTY | O_NONBLOCK);
      } catch (error) {
        // A device we may only write to is still a printer, just a one-way one.
        if (!WRITE_ONLY_FALLBACK_CODES.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        fd = await io.open(this.path, O_WRONLY | O_NOCTTY | O_NONBLOCK);
        readable = false;
      }
      // An existing regular file (a capture file) is appended to, never read back.
      if ((await io.fstat(fd)).isFile()) {
        await io.close(fd);
        return { fd: await io.open(this.path, O_WRONLY | O_APPEND), readable: false };
      }
      return { fd, readable };
    } catch (error) {
      throw this.#mapOpenError(error as NodeJS.ErrnoException);
    }
  }

  #mapOpenError(error: NodeJS.ErrnoException): Error {
    switch (error.code) {
      case 'ENOENT':
        return new DeviceNotFoundError(`${this.description}: no such device (printer unplugged or driver not loaded); not creating it`, { cause: error });
      case 'EACCES':
      case 'EPERM':
        return new AccessDeniedError(`${this.description}: permission denied; add the user to the device's group ` + `(usually: sudo usermod -aG lp "$USER", then log in again)`, {
          cause: error,
        });
      case 'ENODEV':
      case 'ENXIO':
        return new DisconnectedError(`${this.description}: device is not present`, { cause: error });
      default:
        return new DisconnectedError(`${this.description}: open failed: ${error.message}`, { cause: error });
    }
  }

  /** Runs one I/O call, tracked so that close() waits for it before closing the descriptor. */
  #track<T>(operation: Promise<T>): Promise<T> {
    this.#inFlight.add(operation);
    const forget = () => this.#inFlight.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  async #readLoop(fd: number, generation: number): Promise<void> {
    const buffer = new Uint8Array(4096);
    while (this.#generation === generation) {
      let count: number;
      try {
        count = await this.#track(this.#io.read(fd, buffer));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (this.#generation !== generation) return;
        if (RETRY_CODES.has(code)) {
          await delay(this.#pollMs);
          continue;
        }
        if (NOT_READABLE_CODES.has(code)) {
          this.#bidirectional = false;
          return;
        }
        this.#dropped(error as Error, generation);
        return;
      }
      if (this.#generation !== generation) return;
      // 0 bytes: nothing now (or a hung-up tty; the presence check notices that).
      if (count === 0) await delay(this.#pollMs);
      else this.dataListeners.emit(copyBytes(buffer.subarray(0, count)));
    }
  }

  async #presenceLoop(generation: number): Promise<void> {
    const interval = this.#options.presenceCheckMs ?? 1000;
    if (interval <= 0) return;
    while (this.#generation === generation) {
      await delay(interval, true);
      if (this.#generation !== generation) return;
      if (!(await this.#io.exists(this.path))) {
        this.#dropped(new Error('device file disappeared'), generation);
        return;
      }
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    const fd = this.#fd;
    if (fd === undefined) return Promise.reject(new DisconnectedError(`${this.description}: not open`));
    const generation = this.#generation;
    const copy = copyBytes(bytes);
    return this.writeInOrder(() => this.#writeAll(fd, copy, generation));
  }

  async #writeAll(fd: number, bytes: Uint8Array, generation: number): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#generation !== generation) return; // closed: the pending write was already rejected
      try {
        offset += await this.#track(this.#io.write(fd, bytes.subarray(offset)));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (RETRY_CODES.has(code)) {
          await delay(this.#pollMs);
          continue;
        }
        const mapped = this.#dropped(error as Error, generation);
        throw mapped;
      }
    }
  }

  async close(): Promise<void> {
    if (this.#fd === undefined) return;
    await this.#shutDown(undefined);
  }

  /** The device went away: report it once and release the descriptor. */
  #dropped(cause: Error, generation: number): DisconnectedError {
    const error = new DisconnectedError(`${this.description}: device lost: ${cause.message}`, { cause });
    if (this.#generation === generation && this.#fd !== undefined) void this.#shutDown(error);
    return error;
  }

  async #shutDown(error: Error | undefined): Promise<void> {
    const fd = this.#fd;
    if (fd === undefined) return;
    this.#fd = undefined;
    this.#generation++;
    this.ended(error);
    // Non-blocking calls finish quickly; closing under them could hit a reused descriptor number.
    await Promise.allSettled([...this.#inFlight]);
    if (error === undefined) await this.#drain(fd);
    await this.#io.close(fd).catch(() => {});
  }

  /**
   * Waits until what the device took has left it. usblp returns from a non-blocking write
   * once the USB transfer is submitted and kills transfers still in flight at close, so the
   * end of a job (the cut) can be lost. drivers/usb/class/usblp.c, above usblp_wwait():
   * "applications setting O_NONBLOCK must use select(2) or poll(2) to wait for the buffer to
   * drain before closing. Alternatively, set blocking mode with fcntl and issue a zero-size
   * write." Node has no poll(2) on a file descriptor, so we repeat a zero-size non-blocking
   * write: usblp_write() waits for the previous transfer first and answers EAGAIN until it is
   * done. Ttys and regular files answer 0 at once.
   */
  async #drain(fd: number): Promise<void> {
    const deadline = Date.now() + (this.#options.drainTimeoutMs ?? 30_000);
    for (;;) {
      try {
        await this.#io.write(fd, EMPTY);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (!RETRY_CODES.has(code) || Date.now() >= deadline) return;
        await delay(this.#pollMs);
      }
    }
  }
}

const EMPTY = new Uint8Array(0);

function delay(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}
