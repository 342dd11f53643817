/**
 * The one contract every printer link implements (tcp, serial, usb, file, memory).
 * It moves bytes and nothing else: it never interprets them, never retries on its own
 * and never says "printed". Printing semantics live in `src/printer`.
 */

export type TransportKind = 'tcp' | 'serial' | 'usb' | 'file' | 'memory';

export interface Transport {
  readonly kind: TransportKind;
  /** Human-readable target for logs and errors, e.g. `tcp://127.0.0.1:9100`. Never contains secrets. */
  readonly description: string;
  /**
   * Whether the link can carry replies from the printer: `true` (it can; whether the printer
   * answers is for the printer layer to find out), `false` (USB protocol 1, a write-only file),
   * or `'unknown'` before `open()` has settled it.
   */
  readonly bidirectional: boolean | 'unknown';
  readonly isOpen: boolean;

  /**
   * Opens the link. Rejects with a `TransportError` subclass (`DEVICE_NOT_FOUND`,
   * `ACCESS_DENIED`, ...) or `DisconnectedError`. A transport may be opened again after it
   * closed (that is how the printer layer reconnects).
   */
  open(): Promise<void>;

  /**
   * Queues bytes and resolves when the link has accepted them (backpressure: the socket
   * drained, the serial driver took them, the USB transfer completed). Accepted is not printed.
   * Rejects with `DisconnectedError` if the link drops, and with `TransportClosedError`
   * (`canceled: true`) if `close()` is called while the write is pending.
   */
  write(bytes: Uint8Array, options?: WriteOptions): Promise<void>;

  /**
   * Optional. Writes past the link's own flow-control hold (serial XON/XOFF), for ESC/POS
   * real-time commands (DLE EOT, DLE ENQ, DLE DC4) that a printer executes even while it has
   * said XOFF. Transports without such a hold omit it; callers then use `write()`.
   */
  writeRealtime?(bytes: Uint8Array): Promise<void>;

  /**
   * Optional. The printer's line status read outside the data stream (USB printer class
   * GET_PORT_STATUS): works on one-way links and while the printer refuses data, so a
   * one-way USB printer can still report paper out.
   */
  queryPortStatus?(): Promise<PortStatus>;

  /** Subscribes to bytes from the printer, in arrival order. Returns the unsubscribe function. */
  onData(listener: (bytes: Uint8Array) => void): () => void;

  /**
   * Subscribes to the link closing: `error` is undefined after `close()`, and set
   * (usually a `DisconnectedError`) when the link dropped. Returns the unsubscribe function.
   */
  onClose(listener: (error?: Error) => void): () => void;

  /** Closes the link; pending writes reject with `TransportClosedError`. Idempotent. */
  close(): Promise<void>;
}

/** Settings common to every transport, from URI query parameters or code. */
export interface TransportOptions {
  /** Connect/open timeout in ms (default 5000). */
  openTimeoutMs?: number;
}

/** Per-write settings. */
export interface WriteOptions {
  /**
   * How long the link may wait for the printer to take these bytes (e.g. the job's remaining
   * time): a printer holds data back while its buffer is full or its paper is out. Transports
   * without such a wait ignore it.
   */
  timeoutMs?: number;
}

/** The three status lines a USB printer reports on GET_PORT_STATUS. */
export interface PortStatus {
  /** Bit 5, PaperEmpty. */
  paperEmpty: boolean;
  /** Bit 4, Select: the printer is online. */
  selected: boolean;
  /** Bit 3 clear (NotError low): the printer reports an error. */
  error: boolean;
  /** The status byte as received. */
  raw: number;
}
