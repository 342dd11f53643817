/**
 * Serial (RS-232, USB-serial) transport over `serialport` 13.
 *
 * XON/XOFF is done here, not by the OS: with termios IXON the kernel would swallow the
 * printer's 0x11/0x13 bytes, and the printer layer wants to see them (XOFF also means
 * "went offline"). When the printer sends XOFF we stop writing until XON; every received
 * byte, XON/XOFF included, is still passed to `onData`. To make a pause take effect quickly,
 * writes go out in small chunks, each drained (tcdrain) before the next.
 *
 * A hung-up tty (USB-serial adapter unplugged, pty master gone) may return 0-byte reads
 * instead of an error, which `serialport` does not report as a disconnect; so while open we
 * also check every `presenceCheckMs` that the device path still exists.
 *
 * No `set()`/`get()` ioctls are issued, so pseudo-terminals (which reject them with
 * "Inappropriate ioctl for device") work as well as real ports.
 */
import { stat } from 'node:fs/promises';
import { AccessDeniedError, DeviceNotFoundError, DisconnectedError, InvalidArgumentError, TransportError } from '../errors.js';
import type { Transport, TransportOptions } from './interface.js';
import { TransportBase, copyBytes } from './link.js';
import type { OpeningBinding } from './serial-hangup.js';
import { SERIAL_DEFAULTS, unsupportedSerialSetting, type SerialFlowControl, type SerialParity } from './uri.js';

export const XON = 0x11;
export const XOFF = 0x13;

/** The part of `SerialPort` this transport uses, so tests can pass another implementation. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  write(data: Uint8Array, callback: (error: Error | null | undefined) => void): boolean;
  drain(callback: (error: Error | null) => void): void;
  close(callback?: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (error?: Error | null) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  removeAllListeners(): this;
}

export interface SerialPortSettings {
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: SerialParity;
  stopBits: 1 | 1.5 | 2;
  /** `rtscts`: hardware handshake by the driver; `xonxoff`: software handshake by this transport. */
  rtscts: boolean;
  /**
   * Exclusive lock (default true). `false` lets a second process open the same device,
   * which only makes sense for diagnostics; a pty pair does not need it (each end is its own path).
   */
  lock: boolean;
}

export interface SerialTransportOptions extends TransportOptions {
  path: string;
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: SerialParity;
  stopBits?: 1 | 1.5 | 2;
  flowControl?: SerialFlowControl;
  lock?: boolean;
  /** Bytes per chunk while XON/XOFF is on (default 16: a printer stops accepting ~16 bytes after XOFF). */
  xonxoffChunkBytes?: number;
  /** How often to check that the device path still exists, in ms (default 1000; 0 turns it off). */
  presenceCheckMs?: number;
  /** Port factory (the syscall as a parameter); default `new SerialPort({ ..., autoOpen: false })`. */
  createPort?: (settings: SerialPortSettings) => SerialPortLike;
}

const DEFAULT_OPEN_TIMEOUT_MS = 5000;

/**
 * serialport (native) and the hang-up-aware binding load at the first serial port, not when the
 * package is imported. Outside Windows, ports read through `hangupAwareBinding`: a hung-up tty is
 * a disconnect, not a busy loop.
 */
async function loadPortFactory(): Promise<(settings: SerialPortSettings) => SerialPortLike> {
  const [{ SerialPort }, { hangupAwareBinding }] = await Promise.all([import('serialport'), import('./serial-hangup.js')]);
  const unixBinding = process.platform === 'win32' ? undefined : hangupAwareBinding(SerialPort.binding as unknown as OpeningBinding);
  return (settings) =>
    new SerialPort({
      ...settings,
      ...(unixBinding === undefined ? {} : { binding: unixBinding as typeof SerialPort.binding }),
      // The OS must not interpret XON/XOFF (see the file comment).
      xon: false,
      xoff: false,
      xany: false,
      autoOpen: false,
    });
}

export class SerialTransport extends TransportBase implements Transport {
  readonly kind = 'serial' as const;
  readonly bidirectional = true;
  readonly description: string;
  readonly path: string;
  readonly flowControl: SerialFlowControl;
  readonly #options: SerialTransportOptions;
  #port: SerialPortLike | undefined;
  #presenceTimer: NodeJS.Timeout | undefined;
  /** True between an XOFF and the next XON from the printer. */
  #heldByPrinter = false;
  readonly #resumeWaiters = new Set<() => void>();

  constructor(options: SerialTransportOptions) {
    super();
    const unsupported = unsupportedSerialSetting({
      parity: options.parity ?? SERIAL_DEFAULTS.parity,
      stopBits: options.stopBits ?? SERIAL_DEFAULTS.stopBits,
    });
    if (unsupported !== undefined) throw new InvalidArgumentError(`serial:${options.path}: ${unsupported.part} ${unsupported.reason}`);
    this.#options = options;
    this.path = options.path;
    this.flowControl = options.flowControl ?? SERIAL_DEFAULTS.flowControl;
    this.description = `serial:${options.path}`;
  }

  get isOpen(): boolean {
    return this.#port !== undefined;
  }

  /** True while the printer has said XOFF and not yet XON (only with `flowControl: 'xonxoff'`). */
  get heldByPrinter(): boolean {
    return this.#heldByPrinter;
  }

  open(): Promise<void> {
    if (this.#port !== undefined) return Promise.resolve();
    return this.openOnce(() => this.#openPort());
  }

  async #openPort(): Promise<void> {
    const options = this.#options;
    const port = (options.createPort ?? (await loadPortFactory()))({
      path: options.path,
      baudRate: options.baudRate ?? SERIAL_DEFAULTS.baudRate,
      dataBits: options.dataBits ?? SERIAL_DEFAULTS.dataBits,
      parity: options.parity ?? SERIAL_DEFAULTS.parity,
      stopBits: options.stopBits ?? SERIAL_DEFAULTS.stopBits,
      rtscts: this.flowControl === 'rtscts',
      lock: options.lock ?? true,
    });
    const timeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(new DisconnectedError(`${this.description}: open timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      port.open((error) => {
        clearTimeout(timer);
        if (timedOut) {
          if (!error) port.close(() => {});
        } else if (error) reject(this.#mapOpenError(error));
        else resolve();
      });
    });
    this.#adopt(port);
  }

  #adopt(port: SerialPortLike): void {
    this.#port = port;
    this.#heldByPrinter = false;
    let lastError: Error | undefined;
    port.on('data', (chunk) => {
      if (this.#port !== port) return;
      if (this.flowControl === 'xonxoff') this.#watchFlowControl(chunk);
      this.dataListeners.emit(copyBytes(chunk));
    });
    port.on('error', (error) => {
      lastError = error;
    });
    // serialport emits 'close' with an error (`disconnected: true`) when the device goes away.
    port.on('close', (error) => {
      if (this.#port !== port) return;
      const cause = error ?? lastError;
      this.#release(new DisconnectedError(`${this.description}: port closed${cause ? `: ${cause.message}` : ''} (device unplugged or powered off?)`, { cause }));
    });
    const interval = this.#options.presenceCheckMs ?? 1000;
    if (interval > 0) {
      this.#presenceTimer = setInterval(() => void this.#checkPresence(port), interval);
      this.#presenceTimer.unref();
    }
  }

  async #checkPresence(port: SerialPortLike): Promise<void> {
    try {
      await stat(this.path);
    } catch (error) {
      if (this.#port !== port || (error as NodeJS.ErrnoException).code !== 'ENOENT') return;
      this.#release(new DisconnectedError(`${this.description}: device disappeared (unplugged?)`, { cause: error }));
      await this.#closePort(port);
    }
  }

  #watchFlowControl(chunk: Uint8Array): void {
    // The last of XON/XOFF in the chunk wins.
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (chunk[i] === XOFF) {
        this.#heldByPrinter = true;
        return;
      }
      if (chunk[i] === XON) {
        this.#heldByPrinter = false;
        for (const wake of [...this.#resumeWaiters]) wake();
        this.#resumeWaiters.clear();
        return;
      }
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#enqueue(bytes, true);
  }

  /**
   * Writes without waiting for XON, for ESC/POS real-time commands (DLE EOT, DLE ENQ, DLE DC4)
   * that a printer processes even while its buffer is full or it is offline.
   * Still ordered after writes already handed to the driver.
   */
  writeRealtime(bytes: Uint8Array): Promise<void> {
    return this.#enqueue(bytes, false);
  }

  #enqueue(bytes: Uint8Array, honourXoff: boolean): Promise<void> {
    const port = this.#port;
    if (port === undefined) return Promise.reject(new DisconnectedError(`${this.description}: not open`));
    const copy = copyBytes(bytes);
    const send = () => this.#send(port, copy, honourXoff);
    if (honourXoff) return this.writeInOrder(send);
    // Real-time bytes must not queue behind a write that is held by XOFF.
    return this.pending.track((resolve, reject) => {
      send().then(resolve, reject);
    });
  }

  async #send(port: SerialPortLike, bytes: Uint8Array, honourXoff: boolean): Promise<void> {
    const xonxoff = honourXoff && this.flowControl === 'xonxoff';
    const chunkSize = xonxoff ? Math.max(1, this.#options.xonxoffChunkBytes ?? 16) : bytes.length;
    for (let offset = 0; offset < bytes.length || offset === 0; offset += chunkSize) {
      if (xonxoff) await this.#whenNotHeld(port);
      if (this.#port !== port) return; // closed meanwhile: the pending write was already rejected
      const chunk = bytes.subarray(offset, offset + chunkSize);
      await new Promise<void>((resolve, reject) => {
        port.write(chunk, (error) => (error ? reject(this.#mapIoError(error)) : resolve()));
      });
      if (xonxoff) {
        await new Promise<void>((resolve, reject) => {
          port.drain((error) => (error ? reject(this.#mapIoError(error)) : resolve()));
        });
      }
      if (bytes.length === 0) return;
    }
  }

  #whenNotHeld(port: SerialPortLike): Promise<void> {
    if (!this.#heldByPrinter || this.#port !== port) return Promise.resolve();
    return new Promise((resolve) => this.#resumeWaiters.add(resolve));
  }

  async close(): Promise<void> {
    // A close() during open() closes what that open() produces.
    const opening = this.openInProgress;
    if (opening) await opening;
    const port = this.#port;
    if (port === undefined) return;
    this.#release(undefined);
    await this.#closePort(port);
  }

  async #closePort(port: SerialPortLike): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!port.isOpen) return resolve();
      // A close error (rare) leaves nothing for the caller to do: the port is unusable either way.
      port.close(() => resolve());
    });
    port.removeAllListeners();
    // Late 'error' events from the binding after close must not crash the process.
    port.on('error', () => {});
  }

  #release(closeError: Error | undefined): void {
    this.#port = undefined;
    clearInterval(this.#presenceTimer);
    this.#heldByPrinter = false;
    for (const wake of [...this.#resumeWaiters]) wake();
    this.#resumeWaiters.clear();
    this.ended(closeError);
  }

  #mapOpenError(error: Error): TransportError | DisconnectedError {
    const text = error.message;
    if (/ENOENT|No such file|cannot find/i.test(text)) {
      return new DeviceNotFoundError(`${this.description}: no such serial port`, { cause: error });
    }
    if (/EACCES|Permission denied|Access denied/i.test(text)) {
      return new AccessDeniedError(`${this.description}: permission denied; add the user to the port's group ` + `(usually: sudo usermod -aG dialout "$USER", then log in again)`, {
        cause: error,
      });
    }
    if (/Cannot lock port|Resource temporarily unavailable|EBUSY/i.test(text)) {
      return new TransportError(`${this.description}: port is in use by another process`, { cause: error });
    }
    return new DisconnectedError(`${this.description}: open failed: ${text}`, { cause: error });
  }

  #mapIoError(error: Error): DisconnectedError {
    return new DisconnectedError(`${this.description}: write failed: ${error.message}`, { cause: error });
  }
}
