/**
 * An in-process transport and the virtual far end it talks to, shipped to users for their
 * tests (modelled on serialport's binding-mock): `MemoryTransport.createPrinter('mem0', …)`
 * registers a far end; `new MemoryTransport('mem0')` or `openTransport('memory:mem0')` connects
 * to it. The far end records every accepted byte, can answer, pause (backpressure) and drop.
 */
import { DeviceNotFoundError, DisconnectedError, TransportClosedError, TransportError } from '../errors.js';
import type { Transport } from './interface.js';
import { Listeners, TransportBase, concatBytes, copyBytes } from './link.js';

export interface MemoryPrinterOptions {
  /** Send every accepted chunk straight back (default false). */
  echo?: boolean;
  /** Called with every accepted chunk; the bytes it returns are sent back to the host. */
  replies?: (written: Uint8Array) => Uint8Array | undefined;
  /** False models a write-only link: `bidirectional` is false and nothing is ever received (default true). */
  bidirectional?: boolean;
  /** Accept at most this many bytes per event-loop turn, so large writes resolve gradually (default: all). */
  acceptBytesPerWrite?: number;
}

/** The printer's side of a memory link. */
export class MemoryPrinter {
  /** False makes `open()` fail with `DisconnectedError` (the printer is switched off). */
  connectable = true;
  #chunks: Uint8Array[] = [];
  #paused = false;
  #connection: MemoryTransport | undefined;
  readonly #acceptListeners = new Listeners<[]>();

  constructor(
    readonly name: string,
    readonly options: MemoryPrinterOptions = {},
  ) {}

  /** Every byte accepted from the host since creation or `reset()`, in order. */
  get recording(): Uint8Array {
    if (this.#chunks.length > 1) this.#chunks = [concatBytes(this.#chunks)];
    return this.#chunks[0] ?? new Uint8Array(0);
  }

  get isConnected(): boolean {
    return this.#connection !== undefined;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Sends bytes to the host. Throws if no transport is connected or the link is write-only. */
  emitData(bytes: Uint8Array | readonly number[]): void {
    const connection = this.#connection;
    if (connection === undefined) throw new TransportError(`memory printer "${this.name}" has no open transport`);
    if (this.options.bidirectional === false) throw new TransportError(`memory printer "${this.name}" is write-only`);
    connection.deliver(Uint8Array.from(bytes));
  }

  /** Simulates the link dropping (cable pulled): the transport closes with `error`. */
  drop(error: Error = new DisconnectedError(`memory printer "${this.name}" dropped the link`)): void {
    this.#connection?.dropped(error);
  }

  /** Stops accepting bytes: writes stay pending until `resume()` (a full receive buffer). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#acceptListeners.emit();
  }

  /** Resolves once the recording holds at least `length` bytes. */
  waitForBytes(length: number): Promise<Uint8Array> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.recording.length < length) return false;
        unsubscribe();
        resolve(this.recording);
        return true;
      };
      const unsubscribe = this.#acceptListeners.add(check);
      check();
    });
  }

  /** Clears the recording and un-pauses. */
  reset(): void {
    this.#chunks = [];
    this.resume();
  }

  /** @internal */
  attach(connection: MemoryTransport | undefined): void {
    this.#connection = connection;
  }

  /** @internal Called by the transport for every accepted chunk. */
  accept(chunk: Uint8Array): Uint8Array[] {
    this.#chunks.push(chunk);
    const answers: Uint8Array[] = [];
    if (this.options.echo) answers.push(copyBytes(chunk));
    const reply = this.options.replies?.(copyBytes(chunk));
    if (reply !== undefined && reply.length > 0) answers.push(copyBytes(reply));
    this.#acceptListeners.emit();
    return this.options.bidirectional === false ? [] : answers;
  }

  /** @internal */
  whenResumed(callback: () => void): () => void {
    const unsubscribe = this.#acceptListeners.add(() => {
      if (!this.#paused) {
        unsubscribe();
        callback();
      }
    });
    return unsubscribe;
  }
}

const registry = new Map<string, MemoryPrinter>();

export class MemoryTransport extends TransportBase implements Transport {
  readonly kind = 'memory' as const;
  readonly description: string;
  #printer: MemoryPrinter | undefined;
  #open = false;
  #queue: Array<{ bytes: Uint8Array; offset: number; resolve: () => void }> = [];
  #pumping = false;
  #cancelWait: (() => void) | undefined;

  /** Registers (or replaces) a virtual printer that `memory:NAME` transports connect to. */
  static createPrinter(name: string, options: MemoryPrinterOptions = {}): MemoryPrinter {
    registry.get(name)?.drop();
    const printer = new MemoryPrinter(name, options);
    registry.set(name, printer);
    return printer;
  }

  static getPrinter(name: string): MemoryPrinter | undefined {
    return registry.get(name);
  }

  /** Drops every connection and forgets every printer (call it in `afterEach`). */
  static reset(): void {
    for (const printer of registry.values()) printer.drop(new TransportClosedError('memory printers were reset'));
    registry.clear();
  }

  constructor(readonly name: string) {
    super();
    this.description = `memory:${name}`;
  }

  get bidirectional(): boolean | 'unknown' {
    const printer = this.#printer ?? registry.get(this.name);
    return printer === undefined ? 'unknown' : printer.options.bidirectional !== false;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** The far end this transport is (or was last) connected to. */
  get printer(): MemoryPrinter | undefined {
    return this.#printer;
  }

  /** Shortcut for `printer.recording`. */
  get recording(): Uint8Array {
    return this.#printer?.recording ?? new Uint8Array(0);
  }

  async open(): Promise<void> {
    if (this.#open) return;
    const printer = registry.get(this.name);
    if (printer === undefined) throw new DeviceNotFoundError(`no memory printer named "${this.name}"`);
    if (!printer.connectable) throw new DisconnectedError(`memory printer "${this.name}" is not reachable`);
    if (printer.isConnected) throw new TransportError(`memory printer "${this.name}" is already open`);
    this.#printer = printer;
    printer.attach(this);
    this.#open = true;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.#open) return Promise.reject(new DisconnectedError(`${this.description}: not open`));
    const copy = copyBytes(bytes);
    return this.pending.track((resolve) => {
      this.#queue.push({ bytes: copy, offset: 0, resolve });
      this.#schedulePump();
    });
  }

  async close(): Promise<void> {
    this.#shutDown(undefined);
  }

  /** @internal Bytes from the far end. */
  deliver(bytes: Uint8Array): void {
    // Asynchronous like a real link: a reply never arrives inside the write() call that caused it.
    setImmediate(() => {
      if (this.#open) this.dataListeners.emit(bytes);
    });
  }

  /** @internal */
  dropped(error: Error): void {
    this.#shutDown(error);
  }

  #shutDown(error: Error | undefined): void {
    if (!this.#open) return;
    this.#open = false;
    this.#printer?.attach(undefined);
    this.#cancelWait?.();
    this.#cancelWait = undefined;
    this.#queue = [];
    this.ended(error);
  }

  #schedulePump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    setImmediate(() => {
      this.#pumping = false;
      this.#pump();
    });
  }

  /** Moves queued bytes to the far end, one `acceptBytesPerWrite` slice per event-loop turn. */
  #pump(): void {
    const printer = this.#printer;
    const head = this.#queue[0];
    if (!this.#open || printer === undefined || head === undefined) return;
    if (printer.paused) {
      this.#cancelWait ??= printer.whenResumed(() => {
        this.#cancelWait = undefined;
        this.#schedulePump();
      });
      return;
    }
    const limit = printer.options.acceptBytesPerWrite ?? Number.POSITIVE_INFINITY;
    const end = Math.min(head.bytes.length, head.offset + limit);
    const chunk = head.bytes.subarray(head.offset, end);
    head.offset = end;
    if (head.offset >= head.bytes.length) {
      this.#queue.shift();
      head.resolve();
    }
    for (const answer of printer.accept(chunk)) this.deliver(answer);
    if (this.#queue.length > 0) this.#schedulePump();
  }
}
