/**
 * Port-9100-style data server: one connection prints at a time; later connections are
 * accepted but not read until the earlier ones close (Epson UB-E02: "other users wait").
 * Replies go back on the printing connection. Reading stops while the printer cannot take data.
 */
import net from 'node:net';
import type { PrinterModel } from './printer-model.js';

export interface TcpDataServerOptions {
  host?: string;
  port?: number;
  /** Close the printing connection after this long without data (UB-E02: 5 minutes). 0 = never. */
  idleTimeoutMs?: number;
}

export class TcpDataServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private active: net.Socket | undefined;
  private readonly waiting: net.Socket[] = [];

  constructor(
    private readonly model: PrinterModel,
    private readonly options: TcpDataServerOptions = {},
  ) {
    model.on('reply', (bytes) => this.send(bytes));
    model.on('flow', () => this.resumeIfPossible());
    model.on('power', (on) => {
      if (!on) this.dropAll();
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Bytes from the printer to the host on the printing connection (dropped when there is none). */
  send(bytes: Uint8Array): void {
    if (this.active && !this.active.destroyed) this.active.write(bytes);
  }

  /** Drop the printing connection (cable pulled); the next waiting one takes over. */
  disconnect(): void {
    this.active?.destroy();
  }

  get connected(): boolean {
    return this.active !== undefined;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private dropAll(): void {
    for (const socket of [...this.waiting, ...(this.active ? [this.active] : [])]) socket.destroy();
    this.waiting.length = 0;
  }

  private accept(socket: net.Socket): void {
    socket.pause();
    socket.on('error', () => socket.destroy());
    if (!this.model.snapshot().powered) {
      socket.destroy();
      return;
    }
    if (this.active) {
      this.waiting.push(socket);
      socket.once('close', () => {
        const index = this.waiting.indexOf(socket);
        if (index >= 0) this.waiting.splice(index, 1);
      });
      return;
    }
    this.activate(socket);
  }

  private activate(socket: net.Socket): void {
    this.active = socket;
    socket.setNoDelay(true);
    if (this.options.idleTimeoutMs) socket.setTimeout(this.options.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const accepted = this.model.acceptsData ? this.model.receive(chunk) : 0;
      if (accepted < chunk.length) {
        socket.pause();
        socket.unshift(chunk.subarray(accepted));
        // Room may have come back while the chunk was taken (its bytes were processed at once).
        this.resumeIfPossible();
      }
    });
    socket.once('close', () => {
      if (this.active !== socket) return;
      this.active = undefined;
      const next = this.waiting.shift();
      if (next) this.activate(next);
    });
    this.model.hostReady();
    this.resumeIfPossible();
  }

  private resumeIfPossible(): void {
    const socket = this.active;
    if (socket && !socket.destroyed && socket.isPaused() && this.model.acceptsData) socket.resume();
  }
}
