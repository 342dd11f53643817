/**
 * The public virtual printer: a `PrinterModel` plus its links (TCP data port, pseudo-terminal,
 * JSON-lines control port) and fault injection. Usable without any server through
 * `receive()` and `onReply()`.
 */
import { EventEmitter } from 'node:events';
import { ControlServer } from './control.js';
import type { Journal, Receipt } from './journal.js';
import { PrinterModel, type PrinterModelOptions, type PrinterSnapshot, type ReplyKind } from './printer-model.js';
import { PtyLink, type PtyLinkOptions } from './pty.js';
import { renderText } from './render-text.js';
import { TcpDataServer } from './tcp-server.js';

export interface VirtualPrinterOptions extends PrinterModelOptions {
  /** Close an idle printing TCP connection after this long (Epson network boards: 5 min). 0 = never. */
  idleTimeoutMs?: number;
  /** Serial-side flow control on the pseudo-terminal: `xonxoff` sends XOFF/XON at the buffer thresholds. */
  flowControl?: 'none' | 'xonxoff';
}

export interface ListenOptions {
  /** TCP data port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Also serve a pseudo-terminal (needs `socat`). */
  pty?: boolean;
  /** Also serve the JSON-lines control port. */
  control?: boolean;
  controlPort?: number;
}

export interface ListenResult {
  uri: string;
  port: number;
  ptyPath?: string;
  controlPort?: number;
}

export interface VirtualPrinterEvents {
  receipt: [receipt: Receipt];
  data: [bytes: Uint8Array];
  status: [snapshot: PrinterSnapshot];
  reply: [bytes: Uint8Array, kind: ReplyKind | 'garbage'];
}

export class VirtualPrinter extends EventEmitter<VirtualPrinterEvents> {
  readonly model: PrinterModel;
  private tcp: TcpDataServer | undefined;
  private pty: PtyLink | undefined;
  private control: ControlServer | undefined;

  constructor(readonly options: VirtualPrinterOptions = {}) {
    super();
    this.model = new PrinterModel(options);
    this.model.on('receipt', (receipt) => this.emit('receipt', receipt));
    this.model.on('data', (bytes) => this.emit('data', bytes));
    this.model.on('status', (snapshot) => this.emit('status', snapshot));
    this.model.on('reply', (bytes, kind) => this.emit('reply', bytes, kind));
    // Without a TCP port the host is "always there" (memory or pty): greet it as soon as power is back.
    this.model.on('power', (on) => {
      if (on && !this.tcp) this.model.hostReady();
    });
  }

  get journal(): Journal {
    return this.model.journal;
  }

  get state(): PrinterSnapshot {
    return this.model.snapshot();
  }

  async listen(options: ListenOptions = {}): Promise<ListenResult> {
    const host = options.host ?? '127.0.0.1';
    this.tcp = new TcpDataServer(this.model, { host, port: options.port ?? 0, idleTimeoutMs: this.options.idleTimeoutMs ?? 0 });
    const port = await this.tcp.listen();
    const result: ListenResult = { uri: `tcp://${host}:${port}`, port };
    if (options.pty) {
      const ptyOptions: PtyLinkOptions = { flowControl: this.options.flowControl ?? 'none' };
      this.pty = new PtyLink(this.model, ptyOptions);
      result.ptyPath = await this.pty.open();
    }
    if (options.control) {
      this.control = new ControlServer(this, { host, port: options.controlPort ?? 0 });
      result.controlPort = await this.control.listen();
    }
    return result;
  }

  async close(): Promise<void> {
    await Promise.all([this.tcp?.close(), this.pty?.close(), this.control?.close()]);
    this.tcp = this.pty = this.control = undefined;
    this.model.dispose();
  }

  /** Feed bytes as if they came over a link; returns how many the receive buffer accepted. */
  receive(bytes: Uint8Array): number {
    return this.model.receive(bytes);
  }

  /**
   * Resolves true once everything received has printed (GS r can be answered before that), or
   * false after `timeoutMs` (e.g. stopped offline with data waiting).
   */
  async whenIdle(timeoutMs = 10_000): Promise<boolean> {
    if (this.model.idle) return true;
    return new Promise((resolve) => {
      const check = () => {
        if (!this.model.idle) return;
        done(true);
      };
      const done = (idle: boolean) => {
        clearTimeout(timer);
        this.model.off('flow', check);
        resolve(idle);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.model.on('flow', check);
    });
  }

  /** Observe every byte the printer sends; returns an unsubscribe function. */
  onReply(callback: (bytes: Uint8Array) => void): () => void {
    const listener = (bytes: Uint8Array) => callback(bytes);
    this.on('reply', listener);
    return () => this.off('reply', listener);
  }

  renderText(receipt?: Receipt, columns = 48): string {
    const receipts = receipt ? [receipt] : this.journal.receipts;
    return receipts.map((r) => renderText(r, columns)).join('\n');
  }

  // ---------------------------------------------------------------- faults

  paperNearEnd(): void {
    this.model.paperNearEnd();
  }
  paperOut(options?: { mode?: 'wait' | 'discard' }): void {
    this.model.paperOut(options);
  }
  loadPaper(): void {
    this.model.loadPaper();
  }
  openCover(): void {
    this.model.openCover();
  }
  closeCover(): void {
    this.model.closeCover();
  }
  jamCutter(options?: { when?: 'now' | 'next-cut' }): void {
    this.model.jamCutter(options);
  }
  clearCutter(): void {
    this.model.clearCutter();
  }
  overheat(ms: number): void {
    this.model.overheat(ms);
  }
  unrecoverable(): void {
    this.model.unrecoverable();
  }
  setDrawerPin(high: boolean): void {
    this.model.setDrawerPin(high);
  }
  powerCycle(options?: { offMs?: number }): void {
    this.model.powerCycle(options);
  }
  hang(ms: number): void {
    this.model.hang(ms);
  }
  /** Drop the current TCP client (the printer keeps its buffer and goes on printing). */
  disconnect(): void {
    this.tcp?.disconnect();
  }
  /** Send bytes that mean nothing to the host, on every link. */
  injectGarbage(bytes: Uint8Array): void {
    this.tcp?.send(bytes);
    this.pty?.send(bytes);
    this.emit('reply', bytes, 'garbage');
  }
}
