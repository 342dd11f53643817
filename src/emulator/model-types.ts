/** Options, snapshot, reply kinds and events of the printer model. */
import type { Clock } from './clock.js';
import type { Receipt } from './journal.js';
import type { PrinterIdentity } from './replies.js';
import type { PrinterCondition } from './status.js';

export interface PrinterModelOptions extends Partial<PrinterIdentity> {
  /** Receive buffer capacity in bytes (TM-T88: 4 KB). */
  receiveBuffer?: number;
  /** Print speed; `Infinity` or 0 means instant. Both limits add up. Default: instant. */
  bytesPerSecond?: number;
  linesPerSecond?: number;
  /**
   * Print buffer in lines (default 8, an assumption): processed data waits here for the engine,
   * so GS r / GS I are answered before the lines ahead of them have all printed. 0 = none.
   */
  printBufferLines?: number;
  /** False: a model without GS ( H, which ignores it. */
  processId?: boolean;
  /** The DLE EOT n this model answers (default 1–4). Clones answer subsets: MOB-58 1 and 4, P80C only 2. */
  realtimeStatus?: readonly number[];
  /**
   * True: DLE EOT / DLE ENQ / DLE DC4 are executed even inside another command's data, as the
   * TM-T88III, TM-T85, Citizen CBM1000 and HPRT TP809 manuals say.
   */
  realtimeInData?: boolean;
  /** `zeros`: ASB frames go out as `00 00 00 00`, as gilbertfl/escpos-netprinter sends them. */
  asbFraming?: 'epson' | 'zeros';
  /** Command families the model does not parse, e.g. `['GS (']`: their bytes print as text. */
  unknownCommands?: readonly string[];
  /** True: a send-only printer that never answers anything. */
  oneWay?: boolean;
  /** Cover opened while printing: `auto` resumes on close (Msw 8-8), `recoverable` needs DLE ENQ 1/2. */
  coverOpenRecovery?: 'auto' | 'recoverable';
  /** GS a mask in effect after power-on (memory switch); 0 = ASB off until the host enables it. */
  asbOnPowerOn?: number;
  drawerPinHigh?: boolean;
  clock?: Clock;
  /** Keep in the journal what a picture of each receipt needs (src/preview draws it); see InterpreterOptions. */
  pictureDetail?: boolean;
}

/** Reply kinds; the three block kinds are held (latest only) while the printer cannot send. */
export type ReplyKind = 'realtime' | 'asb' | 'in-order' | 'process-id' | 'offline-response' | 'clear-response';
export const HELD_KINDS: readonly ReplyKind[] = ['process-id', 'offline-response', 'clear-response'];

export interface PrinterSnapshot extends PrinterCondition {
  online: boolean;
  powered: boolean;
  hung: boolean;
  asbMask: number;
  /** Bytes waiting in the receive buffer. */
  bufferedBytes: number;
  freeBytes: number;
  printing: boolean;
  kanjiMode: boolean;
  codeTable: number;
}

export interface PrinterModelEvents {
  reply: [bytes: Uint8Array, kind: ReplyKind];
  receipt: [receipt: Receipt];
  data: [bytes: Uint8Array];
  status: [snapshot: PrinterSnapshot];
  /** Power went off (`false`) or came back (`true`). */
  power: [on: boolean];
  /** Buffer space or the ability to read changed: links re-check `acceptsData`. */
  flow: [];
}
