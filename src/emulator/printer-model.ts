/**
 * The printer itself, without any link: receive buffer, parser, print buffer and engine with a
 * speed, status, replies and faults (types in model-types.ts). Bytes are parsed on receipt;
 * real-time commands (DLE EOT, DLE ENQ, DLE DC4) run at once, everything else waits in the
 * receive buffer until it is processed in sequence (while online and the print buffer has room),
 * so "processed" lags "received" and "printed" lags "processed". The receive buffer bounds
 * unprocessed bytes, not whole commands: the bytes of a command still arriving leave it as they
 * are processed (a raster image bigger than the buffer streams through). Links only move bytes.
 */
import { EventEmitter } from 'node:events';
import { realClock, type Clock } from './clock.js';
import { Interpreter } from './interpreter.js';
import { Journal, type InterruptionCause } from './journal.js';
import type { PrinterModelEvents, PrinterModelOptions, PrinterSnapshot, ReplyKind } from './model-types.js';
import { EmbeddedRealtimeScanner } from './embedded-realtime.js';
import { EscPosParser, type ParsedCommand, type ParsedOp } from './parser.js';
import { PrintEngine } from './print-engine.js';
import { ReplyChannel } from './reply-channel.js';
import { CLEAR_KEY, CLEAR_RESPONSE, DEFAULT_IDENTITY, printerInfoReply, processIdReply, type PrinterIdentity } from './replies.js';
import { asbFrame, isOffline, realtimeStatus, transmitStatus, type PrinterCondition } from './status.js';

export type { PrinterModelEvents, PrinterModelOptions, PrinterSnapshot, ReplyKind } from './model-types.js';

/** Assumed print buffer size: Epson does not publish it; a few lines are enough to let GS r run ahead of printing. */
const DEFAULT_PRINT_BUFFER_LINES = 8;

export class PrinterModel extends EventEmitter<PrinterModelEvents> {
  readonly journal = new Journal();
  readonly identity: PrinterIdentity;
  readonly capacity: number;
  readonly condition: PrinterCondition;
  paperOutMode: 'wait' | 'discard' = 'wait';

  private readonly clock: Clock;
  private readonly parser: EscPosParser;
  /** Set for models that execute real-time commands inside data. */
  private readonly embedded: EmbeddedRealtimeScanner | undefined;
  private readonly interpreter: Interpreter;
  private queue: QueuedOp[] = [];
  private queueHead = 0;
  /** Unprocessed bytes: queued commands plus the part of an unfinished command not yet processed. */
  private bufferedBytes = 0;
  /** Bytes of the parser's unfinished command already processed (they left the receive buffer). */
  private streamedBytes = 0;
  private readonly engine: PrintEngine;
  private pumping = false;
  private powered = true;
  private powerTimer: unknown;
  private hangTimer: unknown;
  private overheatTimer: unknown;
  private readonly replies: ReplyChannel;
  private cutterJammed = false;
  private coverCausedError = false;

  constructor(readonly options: PrinterModelOptions = {}) {
    super();
    this.identity = { ...DEFAULT_IDENTITY, ...definedOnly(options) };
    this.capacity = options.receiveBuffer ?? 4096;
    this.clock = options.clock ?? realClock;
    this.parser = new EscPosParser(undefined, { unknownCommands: options.unknownCommands ?? [] });
    this.embedded = options.realtimeInData ? new EmbeddedRealtimeScanner(this.parser) : undefined;
    this.condition = {
      drawerPinHigh: options.drawerPinHigh ?? false,
      coverOpen: false,
      paperNearEnd: false,
      paperOut: false,
      paperStopped: false,
      recoverableError: false,
      cutterError: false,
      unrecoverableError: false,
      autoRecoverableError: false,
    };
    this.replies = new ReplyChannel(this.condition, options.asbOnPowerOn ?? 0, {
      canSend: () => !this.options.oneWay && this.powered,
      holding: () => this.hangTimer !== undefined,
      send: (bytes, kind) => this.emit('reply', kind === 'asb' && options.asbFraming === 'zeros' ? new Uint8Array(4) : bytes, kind),
    });
    this.engine = new PrintEngine(this.journal, this.clock, options, options.printBufferLines ?? DEFAULT_PRINT_BUFFER_LINES, {
      canPrint: () => this.canPrint,
      receipt: (receipt) => this.emit('receipt', receipt),
      cutJammed: () => {
        this.cutterJammed = true;
        this.condition.cutterError = true;
        this.statusChanged();
      },
      stopReached: (cause) => this.stopAtPaperEnd(cause),
      finished: () => this.pump(),
    });
    this.interpreter = new Interpreter(
      {
        print: (unit) => this.engine.enqueue(unit),
        transmitStatus: (n) => this.sendInOrder(transmitStatus(n, this.condition)),
        printerInfo: (n) => {
          const reply = printerInfoReply(n, this.identity);
          if (reply) this.reply(reply, 'in-order');
        },
        enableAsb: (mask) => this.replies.enableAsb(mask),
        processId: (id) => {
          // Due "when the printing is completed" of the data before it: a marker in the print buffer.
          if (this.options.processId !== false) this.engine.enqueueMarker(() => this.reply(processIdReply(id), 'process-id'));
        },
        setOfflineResponse: (mode) => {
          if (this.options.processId !== false) this.replies.offlineResponse = mode;
        },
        unknown: (name, bytes) => this.journal.recordUnknown(name, bytes),
        initialize: () => this.replies.initialize(),
      },
      { pictureDetail: options.pictureDetail ?? false },
    );
  }

  // ------------------------------------------------------------------ receiving

  get freeBytes(): number {
    return Math.max(0, this.capacity - this.bufferedBytes);
  }

  /** Everything received has been processed and printed. */
  get idle(): boolean {
    return this.bufferedBytes === 0 && this.engine.idle;
  }

  /** False while powered off, hung, or with a full receive buffer: links stop reading. */
  get acceptsData(): boolean {
    return this.powered && this.hangTimer === undefined && this.freeBytes > 0;
  }

  /**
   * Take bytes from the link. Returns how many were accepted (up to the free buffer space);
   * the link keeps the rest (TCP/pty backpressure) or drops it (serial with XON/XOFF).
   * While powered off everything is swallowed.
   */
  receive(chunk: Uint8Array): number {
    if (!this.powered) return chunk.length;
    const accepted = Math.min(chunk.length, this.freeBytes);
    if (accepted === 0) return 0;
    const bytes = chunk.subarray(0, accepted);
    this.emit('data', bytes);
    this.bufferedBytes += accepted;
    const items = this.embedded ? this.embedded.scan(bytes) : this.parser.push(bytes).map((op) => ({ op }));
    for (const item of items) {
      if ('embedded' in item) {
        this.executeRealtime(item.embedded); // its bytes stay counted as the surrounding command's
        continue;
      }
      const op = item.op;
      // Only the first op can end a command that was streaming; for the others streamedBytes is 0.
      const unprocessed = op.size - this.streamedBytes;
      this.streamedBytes = 0;
      if (op.type === 'command' && op.realtime) {
        this.bufferedBytes -= unprocessed;
        this.executeRealtime(op);
      } else if (this.condition.paperStopped && this.paperOutMode === 'discard') {
        this.bufferedBytes -= unprocessed;
      } else {
        this.queue.push({ op, unprocessed });
      }
    }
    this.pump();
    return accepted;
  }

  // ------------------------------------------------------------------ engine

  private get canPrint(): boolean {
    return this.powered && !isOffline(this.condition);
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        this.engine.run();
        if (!this.canPrint || !this.engine.hasRoom) break;
        const queued = this.queue[this.queueHead];
        if (!queued) {
          this.processUnfinishedCommand();
          break;
        }
        this.queueHead++;
        this.bufferedBytes -= queued.unprocessed;
        this.engine.addCost(queued.unprocessed);
        this.interpreter.execute(queued.op);
      }
      if (this.queueHead > 1024 || this.queueHead === this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
    } finally {
      this.pumping = false;
    }
    this.emit('flow');
  }

  /** Everything before it is processed: the bytes of the command still arriving are processed as they come. */
  private processUnfinishedCommand(): void {
    const fresh = this.parser.streamableBytes - this.streamedBytes;
    if (fresh <= 0) return;
    this.streamedBytes += fresh;
    this.bufferedBytes -= fresh;
    this.engine.addCost(fresh);
  }

  private stopAtPaperEnd(cause: InterruptionCause): void {
    this.condition.paperStopped = true;
    if (this.journal.receiptInProgress) this.journal.interrupt(cause);
    if (this.paperOutMode === 'discard') this.clearBuffers();
    this.statusChanged();
  }

  /** Clear receive and print buffers: queued data (and its process IDs) is dropped unprinted. */
  private clearBuffers(): void {
    this.queue = [];
    this.queueHead = 0;
    this.bufferedBytes = 0;
    this.streamedBytes = 0;
    this.parser.reset();
    this.embedded?.reset();
    this.interpreter.clearBuffers();
    this.engine.clear();
    const receipt = this.journal.end('cleared');
    if (receipt) this.emit('receipt', receipt);
    this.emit('flow');
  }

  // ------------------------------------------------------------------ real-time commands

  private executeRealtime(op: ParsedCommand): void {
    const b = op.bytes;
    const n = b[2] ?? 0;
    if (op.name === 'DLE EOT') {
      if (!(this.options.realtimeStatus ?? [1, 2, 3, 4]).includes(n)) return;
      const status = realtimeStatus(n, this.condition);
      if (status !== undefined) this.reply(Uint8Array.of(status), 'realtime');
    } else if (op.name === 'DLE ENQ') {
      this.recover(n);
    } else if (n === 8 && CLEAR_KEY.every((byte, i) => b[3 + i] === byte)) {
      // Clears the buffers and, like DLE ENQ 2, recovers from a recoverable error whose cause is
      // gone (Epson DLE DC4 fn 8 on the TM-U590 and TM-L90, issue 20).
      this.clearBuffers();
      this.clearRecoverableError();
      this.reply(CLEAR_RESPONSE, 'clear-response');
      this.statusChanged();
      this.pump();
    } else if (n === 1 && !isOffline(this.condition)) {
      const t = Math.min(8, Math.max(1, b[4] ?? 1)) * 100;
      this.journal.add({ kind: 'drawer', pin: (b[3] ?? 0) === 1 ? 5 : 2, onMs: t, offMs: t, realtime: true });
    } else if (n === 7 && b[3] === 1) {
      this.reply(asbFrame(this.condition), 'realtime');
    }
  }

  /** DLE ENQ 1 resumes from the start of the interrupted line, 2 clears first; both only for recoverable errors whose cause is gone. */
  private recover(n: number): void {
    if (n !== 1 && n !== 2) return;
    if (!this.clearRecoverableError()) return;
    if (n === 2) this.clearBuffers();
    this.statusChanged();
    this.pump();
  }

  /** Clears a recoverable or cutter error once its cause is gone; false when there was none to clear. */
  private clearRecoverableError(): boolean {
    const c = this.condition;
    if (!c.recoverableError && !c.cutterError) return false;
    if (this.cutterJammed || (c.recoverableError && c.coverOpen)) return false;
    c.recoverableError = false;
    c.cutterError = false;
    this.coverCausedError = false;
    return true;
  }

  // ------------------------------------------------------------------ replies and status

  private sendInOrder(byte: number | undefined): void {
    if (byte !== undefined) this.reply(Uint8Array.of(byte), 'in-order');
  }

  private reply(bytes: Uint8Array, kind: ReplyKind): void {
    this.replies.reply(bytes, kind);
  }

  /** Call after every state change: emits `status`, ASB frames and the offline response. */
  private statusChanged(): void {
    if (this.replies.conditionChanged()) this.emit('status', this.snapshot());
  }

  snapshot(): PrinterSnapshot {
    return {
      ...this.condition,
      online: this.powered && !isOffline(this.condition),
      powered: this.powered,
      hung: this.hangTimer !== undefined,
      asbMask: this.replies.asbMask,
      bufferedBytes: this.bufferedBytes,
      freeBytes: this.freeBytes,
      printing: this.engine.busy,
      kanjiMode: this.interpreter.settings.kanjiMode,
      codeTable: this.interpreter.settings.codeTable,
    };
  }

  /** A host became able to receive (connected, or power came back on a direct link): send the power-on ASB frame once. */
  hostReady(): void {
    if (this.powered) this.replies.greet();
  }

  // ------------------------------------------------------------------ faults

  paperNearEnd(): void {
    this.condition.paperNearEnd = true;
    if (this.interpreter.settings.nearEndStop) this.requestPaperStop('paper-near-end');
    this.statusChanged();
  }

  /** Paper runs out: printing stops after the current line; `discard` also drops buffered data. */
  paperOut(options: { mode?: 'wait' | 'discard' } = {}): void {
    this.paperOutMode = options.mode ?? 'wait';
    this.condition.paperOut = true;
    this.condition.paperNearEnd = true;
    this.requestPaperStop('paper-out');
    this.statusChanged();
  }

  private requestPaperStop(cause: InterruptionCause): void {
    if (!this.engine.stopAfterCurrent(cause)) this.stopAtPaperEnd(cause);
  }

  /** A new roll: printing resumes by itself (the rest of a split receipt prints on the new roll). */
  loadPaper(): void {
    Object.assign(this.condition, { paperOut: false, paperNearEnd: false, paperStopped: false });
    this.engine.cancelStop();
    this.statusChanged();
    this.pump();
  }

  openCover(): void {
    this.condition.coverOpen = true;
    if (this.engine.busy) {
      this.engine.abort('cover-open');
      this.coverCausedError = true;
      if (this.options.coverOpenRecovery === 'recoverable') this.condition.recoverableError = true;
      else this.condition.autoRecoverableError = true;
    }
    this.statusChanged();
  }

  closeCover(): void {
    const c = this.condition;
    c.coverOpen = false;
    if (this.coverCausedError && c.autoRecoverableError && this.overheatTimer === undefined) {
      c.autoRecoverableError = false;
      this.coverCausedError = false;
    }
    // Opening and closing the cover after removing jammed paper clears a cutter error, as on TM printers.
    if (c.cutterError && !this.cutterJammed) c.cutterError = false;
    this.statusChanged();
    this.pump();
  }

  /** `now`: the cutter jams at once (printing stops); `next-cut`: the next cut jams. */
  jamCutter(options: { when?: 'now' | 'next-cut' } = {}): void {
    if (options.when === 'next-cut') {
      this.engine.jamOnNextCut = true;
      return;
    }
    this.cutterJammed = true;
    this.engine.abort('cutter-jam');
    this.condition.cutterError = true;
    this.statusChanged();
  }

  /** The jam is removed; the error stays until DLE ENQ 1/2 or a cover open/close. */
  clearCutter(): void {
    this.cutterJammed = false;
    this.engine.jamOnNextCut = false;
  }

  /** Head overheat for `ms`: printing pauses after the current line and resumes by itself. */
  overheat(ms: number): void {
    if (this.overheatTimer !== undefined) this.clock.clearTimeout(this.overheatTimer);
    this.condition.autoRecoverableError = true;
    this.statusChanged();
    this.overheatTimer = this.clock.setTimeout(() => {
      this.overheatTimer = undefined;
      if (!(this.coverCausedError && this.condition.coverOpen)) this.condition.autoRecoverableError = false;
      this.statusChanged();
      this.pump();
    }, ms);
  }

  unrecoverable(): void {
    this.engine.abort('unrecoverable');
    this.condition.unrecoverableError = true;
    this.statusChanged();
  }

  setDrawerPin(high: boolean): void {
    this.condition.drawerPinHigh = high;
    this.statusChanged();
  }

  /** Power off for `offMs`: buffers, settings and errors are lost; paper and cover stay as they are. */
  powerCycle(options: { offMs?: number } = {}): void {
    if (!this.powered) return;
    this.powerOff();
    this.powerTimer = this.clock.setTimeout(() => this.powerOn(), options.offMs ?? 1000);
  }

  private powerOff(): void {
    const receipt = this.journal.end('power-off');
    if (receipt) this.emit('receipt', receipt);
    this.clearBuffers();
    for (const timer of [this.hangTimer, this.overheatTimer]) if (timer !== undefined) this.clock.clearTimeout(timer);
    this.hangTimer = this.overheatTimer = undefined;
    this.replies.powerOff();
    this.powered = false;
    Object.assign(this.condition, { recoverableError: false, cutterError: false, unrecoverableError: false, autoRecoverableError: false });
    this.cutterJammed = this.coverCausedError = false;
    this.engine.jamOnNextCut = false;
    this.interpreter.powerOn();
    this.emit('power', false);
  }

  private powerOn(): void {
    this.powerTimer = undefined;
    this.powered = true;
    this.condition.paperStopped = this.condition.paperOut;
    this.replies.powerOn(this.options.asbOnPowerOn ?? 0);
    this.emit('power', true);
    this.emit('status', this.snapshot());
    this.emit('flow');
  }

  /** Stop reading and answering for `ms`; block replies due meanwhile are held, latest only. */
  hang(ms: number): void {
    if (this.hangTimer !== undefined) this.clock.clearTimeout(this.hangTimer);
    this.hangTimer = this.clock.setTimeout(() => {
      this.hangTimer = undefined;
      this.replies.releaseHeld();
      this.emit('flow');
    }, ms);
    this.emit('flow');
  }

  /** Stop every timer (the model is being discarded). */
  dispose(): void {
    for (const timer of [this.hangTimer, this.overheatTimer, this.powerTimer]) {
      if (timer !== undefined) this.clock.clearTimeout(timer);
    }
    this.engine.clear();
    this.removeAllListeners();
  }
}

interface QueuedOp {
  op: ParsedOp;
  /** Its bytes still in the receive buffer (less than its size when it streamed in part). */
  unprocessed: number;
}

function definedOnly(options: PrinterModelOptions): Partial<PrinterIdentity> {
  const keys = ['maker', 'model', 'serial', 'firmware', 'language', 'modelId', 'typeId', 'romVersionId'] as const;
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}
