/**
 * What the printer layer promises the spool above it. The spool only sees these types,
 * so tests can swap a real `Printer` for any object that keeps the same promises.
 */
import type { ListenerErrorReport } from '../safe-emitter.js';

/** Decoded printer state, from DLE EOT 1–4 or an ASB frame. Field names are part of the CLI's JSON. */
export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  /** Printing stopped by the paper end (or near-end, if the printer is set to stop there). */
  paperEnd: boolean;
  paperNearEnd: boolean;
  cutterError: boolean;
  /** Recoverable (mechanical) error, cleared with DLE ENQ once the cause is removed. */
  recoverableError: boolean;
  unrecoverableError: boolean;
  /** Head overheat and the like: clears by itself. */
  autoRecoverableError: boolean;
  /**
   * Drawer kick-out connector pin 3 LOW: the drawer is open. Pin 3 HIGH (also a TM with no drawer,
   * idle `0x16`) reads as closed, as receiptio and receipt-printer-status read it.
   */
  drawerOpen: boolean;
  waitingForRecovery: boolean;
  /** Paper being fed by the FEED button. */
  feeding: boolean;
  /**
   * Fields the printer did not report (it answers only some DLE EOT n): they read false and are
   * not faults. Absent when every field is known.
   */
  unknown?: readonly StatusField[];
}

/** The boolean fields of a status. */
export type StatusField = Exclude<keyof PrinterStatus, 'unknown'>;

export interface PrinterIdentity {
  maker?: string;
  model?: string;
  serial?: string;
  firmware?: string;
  /** GS I 69 font/language, e.g. "CHINA GB18030". */
  language?: string;
}

/**
 * Which guarantee a confirmation reached:
 * - `printed`: the printer returned the process ID sent after the job (GS ( H fn 48): the paper came out.
 * - `processed`: the printer answered an in-sequence GS r after the job: it processed every byte,
 *   no fault was reported, but it never said "printed" (models without GS ( H).
 * - `sent`: the link accepted the bytes; the printer cannot answer (one-way link). Nothing is known.
 */
export type Guarantee = 'printed' | 'processed' | 'sent';

export type ConfirmationMode = 'process-id' | 'gs-r' | 'none';

export interface PrintResult {
  guarantee: Guarantee;
  /** The 4-character process ID that came back, for `printed`. */
  processId?: string;
  bytesSent: number;
}

export interface PrintOptions {
  /** The job's id for errors and logs. */
  jobId?: string;
  /** How long to wait for the confirmation after the last byte was accepted (ms). */
  confirmTimeoutMs?: number;
  /** Accept a one-way link and resolve with `sent` instead of failing with `ONE_WAY`. */
  allowUnconfirmed?: boolean;
  /**
   * Called once the link has accepted every byte of the job, before the confirmation wait: from
   * here on the job may be on paper. The spool records its `confirming` state here.
   */
  onSent?: (bytesSent: number) => void;
}

export interface PrinterEvents {
  /** Status changed (from ASB, polling or a query). */
  status: (status: PrinterStatus, previous: PrinterStatus | undefined) => void;
  /** The link came up (after a first open or a reconnect). */
  connected: () => void;
  /** The link went down; the printer layer keeps trying to reconnect. */
  disconnected: (error: Error | undefined) => void;
  /** A listener of one of these events threw; it was ignored (safe-emitter.ts). */
  'listener-error': (report: ListenerErrorReport) => void;
}

/**
 * The printer as the spool uses it. `Printer` in `./printer.ts` is the real one; tests may
 * provide their own. Every method rejects with a `PrinterError` subclass carrying a stable code.
 */
export interface PrinterLink {
  /** Opens the link and probes the printer (status, confirmation support). */
  connect(): Promise<void>;
  /** Real-time status via DLE EOT 1–4. */
  status(): Promise<PrinterStatus>;
  /** Maker/model/serial/firmware via GS I. */
  identify(): Promise<PrinterIdentity>;
  /**
   * Sends one complete job (already encoded, starting with ESC @) and waits for its confirmation.
   * On a fault mid-job the printer's buffers are cleared and the error has `mayHavePrinted: true`.
   */
  print(bytes: Uint8Array, options?: PrintOptions): Promise<PrintResult>;
  /** The last known status, without I/O (undefined before the first observation). */
  readonly lastStatus: PrinterStatus | undefined;
  readonly connected: boolean;
  readonly confirmation: ConfirmationMode | 'unknown';
  on<E extends keyof PrinterEvents>(event: E, listener: PrinterEvents[E]): this;
  off<E extends keyof PrinterEvents>(event: E, listener: PrinterEvents[E]): this;
  close(): Promise<void>;
}
