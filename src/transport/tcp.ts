/**
 * Raw TCP (port 9100, "JetDirect") transport: one socket per transport object, keep-alive
 * and no Nagle delay, writes that resolve when the kernel took the bytes, and every way the
 * connection can end reported once through `onClose`.
 */
import * as net from 'node:net';
import { DisconnectedError, TransportClosedError } from '../errors.js';
import type { Transport, TransportOptions } from './interface.js';
import { TransportBase, copyBytes } from './link.js';

export interface TcpTransportOptions extends TransportOptions {
  host: string;
  port?: number;
  /** TCP keep-alive so a silently vanished printer is noticed (default true). */
  keepAlive?: boolean;
  /** Idle time before the first keep-alive probe (default 10000 ms). */
  keepAliveInitialDelayMs?: number;
  /** The socket factory (the syscall as a parameter); default `net.connect`. */
  connect?: (options: net.NetConnectOpts) => net.Socket;
}

const DEFAULT_OPEN_TIMEOUT_MS = 5000;

export class TcpTransport extends TransportBase implements Transport {
  readonly kind = 'tcp' as const;
  readonly bidirectional = true;
  readonly description: string;
  readonly host: string;
  readonly port: number;
  readonly #options: TcpTransportOptions;
  #socket: net.Socket | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: TcpTransportOptions) {
    super();
    this.#options = options;
    this.host = options.host;
    this.port = options.port ?? 9100;
    this.description = `tcp://${net.isIPv6(this.host) ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get isOpen(): boolean {
    return this.#socket !== undefined;
  }

  open(): Promise<void> {
    if (this.#socket !== undefined) return Promise.resolve();
    return this.openOnce(() => this.#connect());
  }

  #connect(): Promise<void> {
    const timeoutMs = this.#options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    const connect = this.#options.connect ?? net.connect;
    return new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: this.host,
        port: this.port,
        noDelay: true,
        keepAlive: this.#options.keepAlive ?? true,
        keepAliveInitialDelay: this.#options.keepAliveInitialDelayMs ?? 10_000,
      });
      const timer = setTimeout(() => {
        fail(new DisconnectedError(`${this.description}: connect timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        socket.removeListener('connect', onConnect);
        socket.destroy();
        reject(error);
      };
      const onError = (error: Error) => fail(this.#mapError(error, 'connect'));
      const onConnect = () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        this.#adopt(socket);
        resolve();
      };
      socket.once('connect', onConnect);
      socket.once('error', onError);
    });
  }

  #adopt(socket: net.Socket): void {
    this.#socket = socket;
    let lastError: Error | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket === socket) this.dataListeners.emit(copyBytes(chunk));
    });
    socket.on('error', (error) => {
      lastError = error;
    });
    // With allowHalfOpen off, the peer's FIN ends our side too and 'close' follows.
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const error = lastError === undefined ? new DisconnectedError(`${this.description}: the printer closed the connection`) : this.#mapError(lastError, 'connection');
      this.ended(error);
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return Promise.reject(new DisconnectedError(`${this.description}: not connected`));
    const copy = copyBytes(bytes);
    return this.pending.track((resolve, reject) => {
      // The callback fires once the bytes are handed to the kernel, i.e. after any backpressure.
      socket.write(copy, (error) => (error ? reject(this.#mapError(error, 'write')) : resolve()));
    });
  }

  async close(): Promise<void> {
    // A close() during open() closes what that open() produces.
    const opening = this.openInProgress;
    if (opening) await opening;
    const socket = this.#socket;
    if (socket === undefined) return this.#closing;
    this.#socket = undefined;
    this.pending.rejectAll(new TransportClosedError());
    this.#closing = new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      // Bytes already accepted stay in the kernel's send buffer and are still delivered.
      socket.destroy();
    }).finally(() => {
      this.#closing = undefined;
      this.closeListeners.emit(undefined);
    });
    return this.#closing;
  }

  #mapError(error: Error, during: string): DisconnectedError {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === undefined ? error.message : (ERROR_REASONS[code] ?? `${code}: ${error.message}`);
    return new DisconnectedError(`${this.description}: ${during} failed: ${reason}`, { cause: error });
  }
}

const ERROR_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the printer on, and is this its raw-print port?)',
  ETIMEDOUT: 'timed out (printer unreachable)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the printer',
  EPIPE: 'connection broken',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS unavailable)',
};
