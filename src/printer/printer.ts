/**
 * The printer as the spool uses it: one transport, probed once per connection, with status,
 * identity and confirmed printing (DESIGN.md "Confirmation"; escpos-status.md §0).
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  ConfirmTimeoutError,
  DisconnectedError,
  OfflineError,
  OneWayError,
  PaperEndError,
  PrinterError,
  TransportClosedError,
} from '../errors.js';
import type { Transport } from '../transport/interface.js';
import { systemClock, type Clock } from './clock.js';
import { Connection } from './connection.js';
import { asDisconnected, withJob } from './job-errors.js';
import { ReplyTimeoutError } from './reply-queue.js';
import {
  ASB_MASK,
  INITIALIZE,
  RECOVER_CLEARING_BUFFERS,
  TRANSMIT_PAPER_STATUS,
  concatBytes,
  enableAsb,
  frameJob,
  ID_ALPHABET,
  processIdAt,
  processIdRequest,
} from './requests.js';
import { decodeAsb, decodeRealtimeStatus, gsrPaperEnd, isJobFault, sameStatus, statusFault } from './status.js';
import type {
  ConfirmationMode,
  PrinterEvents,
  PrinterIdentity,
  PrinterLink,
  PrinterStatus,
  PrintOptions,
  PrintResult,
} from './types.js';

export interface PrinterTimeouts {
  /** Per DLE EOT / GS I request once the printer is known to answer (default 1000 ms). */
  status?: number;
  /** Default wait for a job's confirmation after its last byte was accepted (default 30000 ms). */
  confirm?: number;
  /** Per probe at connect: first DLE EOT, GS ( H, GS r (default 1500 ms). */
  probe?: number;
  /** Quiet time that ends the discarding of stale input after opening (default 100 ms). */
  drain?: number;
}

export interface PrinterOptions {
  /** The link, or a factory called for every (re)connect. */
  transport: Transport | (() => Transport);
  /** `auto` (default) probes GS ( H, then GS r; a mode forces it. */
  confirmation?: 'auto' | ConfirmationMode;
  timeouts?: PrinterTimeouts;
  /** Backoff between reconnect attempts after the link drops; `false` turns reconnecting off. */
  reconnect?: { initialMs?: number; maxMs?: number } | false;
  /** DLE EOT polling while connected, so `lastStatus` stays fresh without ASB; 0 turns it off (default 3000). */
  pollIntervalMs?: number;
  /**
   * A job skips its DLE EOT pre-flight when the printer sends ASB and its status (an ASB frame,
   * a DLE EOT reply or a confirmed job) is this recent and fault-free (default 1000 ms; 0: always
   * check). A fault the skipped check would have caught fails the job in doubt instead (marked).
   */
  statusFreshMs?: number;
  /** GS a items to enable (default 0x0F: drawer, online, error, paper). */
  asbMask?: number;
  clock?: Clock;
  /** First process-ID counter value (default random), for reproducible tests. */
  processIdSeed?: number;
}

const ID_SPACE = ID_ALPHABET ** 4;
const IDENTITY_FIELDS: readonly [65 | 66 | 67 | 68 | 69, keyof PrinterIdentity][] = [
  [66, 'maker'],
  [67, 'model'],
  [68, 'serial'],
  [65, 'firmware'],
  [69, 'language'],
];

/** What a job in flight needs to hear about: a fault in the printer or the link dropping. */
interface ActiveJob {
  connection: Connection;
  fail(error: PrinterError | JobFault): void;
}

/** A fault status seen while a job was printing. */
class JobFault {
  constructor(readonly status: PrinterStatus) {}
}

export class Printer implements PrinterLink {
  private readonly makeTransport: () => Transport;
  private readonly clock: Clock;
  private readonly timeouts: Required<PrinterTimeouts>;
  private readonly reconnectPolicy: { initialMs: number; maxMs: number } | false;
  private readonly pollIntervalMs: number;
  private readonly asbMask: number;
  private readonly emitter = new EventEmitter();
  private connection: Connection | undefined;
  private status_: PrinterStatus | undefined;
  /** When `status_` was last known to be current. */
  private statusSeenAt = Number.NEGATIVE_INFINITY;
  private readonly statusFreshMs: number;
  private idCounter: number;
  private statusChain: Promise<unknown> = Promise.resolve();
  private printChain: Promise<unknown> = Promise.resolve();
  private activeJob: ActiveJob | undefined;
  private opening: Promise<void> | undefined;
  private closedByUser = false;
  private backoffMs = 0;
  private reconnectTimer: unknown;
  private pollTimer: unknown;

  constructor(private readonly options: PrinterOptions) {
    const transport = options.transport;
    this.makeTransport = typeof transport === 'function' ? transport : () => transport;
    this.clock = options.clock ?? systemClock;
    this.timeouts = { status: 1000, confirm: 30_000, probe: 1500, drain: 100, ...options.timeouts };
    this.reconnectPolicy = options.reconnect === false ? false : { initialMs: 500, maxMs: 30_000, ...options.reconnect };
    this.pollIntervalMs = options.pollIntervalMs ?? 3000;
    this.statusFreshMs = options.statusFreshMs ?? 1000;
    this.asbMask = options.asbMask ?? ASB_MASK;
    this.idCounter = options.processIdSeed ?? randomInt(ID_SPACE);
  }

  get lastStatus(): PrinterStatus | undefined {
    return this.status_;
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  get confirmation(): ConfirmationMode | 'unknown' {
    return this.connection?.mode ?? 'unknown';
  }

  on<E extends keyof PrinterEvents>(event: E, listener: PrinterEvents[E]): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<E extends keyof PrinterEvents>(event: E, listener: PrinterEvents[E]): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** Opens and probes the link; after `close()` it opens it again. */
  async connect(): Promise<void> {
    if (this.connection) return;
    this.closedByUser = false;
    await this.openOnce();
    this.backoffMs = 0;
  }

  async status(): Promise<PrinterStatus> {
    const connection = this.requireConnection();
    if (connection.answersStatus === false) {
      throw new OneWayError('printer does not answer status requests (one-way link)', { mayHavePrinted: false });
    }
    return this.queryStatus(connection, this.timeouts.status);
  }

  async identify(): Promise<PrinterIdentity> {
    const connection = this.requireConnection();
    if (connection.answersStatus === false) {
      throw new OneWayError('printer does not answer GS I (one-way link)', { mayHavePrinted: false });
    }
    // GS I is processed in sequence, so a stopped printer withholds the answer: say why now
    // instead of waiting out one timeout per field.
    if (this.lastStatus && statusFault(this.lastStatus)) {
      const fault = statusFault(await this.status(), { mayHavePrinted: false });
      if (fault) throw fault;
    }
    const identity: PrinterIdentity = {};
    for (const [n, field] of IDENTITY_FIELDS) {
      try {
        const text = (await connection.queryInfo(n, this.timeouts.status)).trim();
        if (text) identity[field] = text;
      } catch (error) {
        if (!(error instanceof ReplyTimeoutError)) throw asDisconnected(error, false);
      }
    }
    return identity;
  }

  print(bytes: Uint8Array, options: PrintOptions = {}): Promise<PrintResult> {
    const run = this.printChain.then(() => this.printOne(bytes, options));
    this.printChain = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closedByUser = true;
    this.clock.clearTimeout(this.reconnectTimer);
    this.clock.clearTimeout(this.pollTimer);
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    const error = new DisconnectedError('printer link closed', { cause: new TransportClosedError(), mayHavePrinted: true });
    this.activeJob?.fail(error);
    connection.dispose(error);
    await connection.transport.close();
  }

  // ------------------------------------------------------------------ connection

  private requireConnection(): Connection {
    if (!this.connection) throw new DisconnectedError('printer is not connected', { mayHavePrinted: false });
    return this.connection;
  }

  /** One opening at a time: `connect()` and a reconnect timer may race. */
  private openOnce(): Promise<void> {
    this.opening ??= this.openConnection().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async openConnection(): Promise<void> {
    const transport = this.makeTransport();
    try {
      await transport.open();
    } catch (error) {
      throw asDisconnected(error, false);
    }
    const connection: Connection = new Connection(
      transport,
      this.clock,
      {
        asb: (frame) => {
          connection.asbSeen = true;
          if (connection === this.connection) this.observe(decodeAsb(frame));
        },
        closed: (error) => this.onLinkClosed(connection, error),
      },
      Math.max(this.timeouts.status, this.timeouts.probe),
    );
    try {
      await connection.drain(this.timeouts.drain);
      await this.probe(connection);
    } catch (error) {
      connection.dispose(asDisconnected(error, false));
      await transport.close().catch(() => {});
      throw asDisconnected(error, false);
    }
    if (connection.closed) throw new DisconnectedError('printer link dropped while connecting', { mayHavePrinted: false });
    if (this.closedByUser) {
      connection.dispose(new DisconnectedError('printer link closed'));
      await transport.close().catch(() => {});
      throw new DisconnectedError('printer link was closed while connecting', { mayHavePrinted: false });
    }
    this.connection = connection;
    this.schedulePoll();
    this.emitter.emit('connected');
  }

  /** DLE EOT 1 says whether the printer answers at all; then ASB on; then the confirmation mode. */
  private async probe(connection: Connection): Promise<void> {
    const forced = this.options.confirmation ?? 'auto';
    if (connection.transport.bidirectional === false) {
      connection.answersStatus = false;
      connection.mode = 'none';
      return;
    }
    let status: PrinterStatus;
    try {
      status = await this.queryStatus(connection, this.timeouts.probe);
    } catch (error) {
      if (!(error instanceof OfflineError)) throw error;
      connection.answersStatus = false;
      connection.mode = 'none';
      return;
    }
    connection.answersStatus = true;
    await this.within(connection.write(enableAsb(this.asbMask)), this.timeouts.probe);
    if (forced !== 'auto') connection.mode = forced;
    // GS ( H and GS r are answered in order, so an offline printer would look like one without
    // them: probe once it is online (at the latest before the next job).
    else if (status.online) await this.probeConfirmation(connection);
  }

  /**
   * GS ( H first; if its ID does not come back in time, GS r. Both are answered in order, so a
   * printer still busy with an earlier job (a reconnect mid-print) may answer late: a late
   * answer still upgrades the mode, and GS r answered without the ID proves GS ( H is missing.
   */
  private async probeConfirmation(connection: Connection): Promise<void> {
    const id = this.nextProcessId();
    const confirmed = connection.expectProcessId(id);
    void confirmed.promise.then(() => {
      connection.mode = 'process-id';
    });
    await this.within(connection.write(processIdRequest(id)), this.timeouts.probe);
    if ((await this.within(confirmed.promise, this.timeouts.probe)) !== undefined) return;

    const paperStatus = connection.bytes.expect();
    paperStatus.promise.then(
      () => {
        if (connection.mode !== 'process-id') connection.mode = 'gs-r';
      },
      () => {},
    );
    await this.within(connection.write(TRANSMIT_PAPER_STATUS), this.timeouts.probe);
    await this.within(paperStatus.promise, this.timeouts.probe);
    if (connection.mode === 'unknown') connection.mode = 'none';
  }

  private onLinkClosed(connection: Connection, error: Error | undefined): void {
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.clock.clearTimeout(this.pollTimer);
    const dropped = asDisconnected(error ?? new DisconnectedError('printer link closed'), true);
    this.activeJob?.fail(dropped);
    this.emitter.emit('disconnected', error);
    if (!this.closedByUser && this.reconnectPolicy) this.scheduleReconnect(this.reconnectPolicy);
  }

  private scheduleReconnect(policy: { initialMs: number; maxMs: number }): void {
    this.backoffMs = this.backoffMs === 0 ? policy.initialMs : Math.min(this.backoffMs * 2, policy.maxMs);
    this.reconnectTimer = this.clock.setTimeout(() => {
      if (this.closedByUser || this.connection) return;
      this.openOnce().then(
        () => {
          this.backoffMs = 0;
        },
        () => {
          if (!this.closedByUser) this.scheduleReconnect(policy);
        },
      );
    }, this.backoffMs);
  }

  private schedulePoll(): void {
    if (this.pollIntervalMs <= 0) return;
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = this.clock.setTimeout(() => {
      const connection = this.connection;
      if (!connection) return;
      const poll = connection.answersStatus ? this.queryStatus(connection, this.timeouts.status) : Promise.resolve();
      poll.catch(() => {}).finally(() => {
        if (connection === this.connection) this.schedulePoll();
      });
    }, this.pollIntervalMs);
  }

  // ------------------------------------------------------------------ status

  /** DLE EOT 1–4, one at a time; one query set at a time per printer. */
  private queryStatus(connection: Connection, timeoutMs: number): Promise<PrinterStatus> {
    const run = this.statusChain.then(async () => {
      const replies: number[] = [];
      for (const n of [1, 2, 3, 4] as const) {
        try {
          replies.push(await connection.queryRealtime(n, timeoutMs));
        } catch (error) {
          if (error instanceof ReplyTimeoutError) {
            throw new OfflineError(`printer did not answer DLE EOT ${n} within ${timeoutMs} ms`, { mayHavePrinted: false });
          }
          throw asDisconnected(error, false);
        }
      }
      const status = decodeRealtimeStatus(replies[0]!, replies[1]!, replies[2]!, replies[3]!);
      if (connection === this.connection || this.connection === undefined) this.observe(status);
      return status;
    });
    this.statusChain = run.catch(() => {});
    return run;
  }

  private observe(status: PrinterStatus): void {
    const previous = this.status_;
    this.status_ = status;
    this.statusSeenAt = this.clock.now();
    if (!sameStatus(previous, status)) this.emitter.emit('status', status, previous);
    if (isJobFault(status)) this.activeJob?.fail(new JobFault(status));
  }

  // ------------------------------------------------------------------ printing

  private async printOne(bytes: Uint8Array, options: PrintOptions): Promise<PrintResult> {
    const jobId = options.jobId;
    const connection = this.connection;
    if (!connection) throw new DisconnectedError('printer is not connected', { jobId, mayHavePrinted: false });

    if (connection.answersStatus && !this.knownReady(connection)) {
      const status = await this.queryStatus(connection, this.timeouts.status).catch((error: unknown) => {
        throw withJob(error, jobId, false);
      });
      const fault = statusFault(status, { jobId, mayHavePrinted: false });
      if (fault) throw fault;
      if (connection.mode === 'unknown') {
        await this.probeConfirmation(connection).catch((error: unknown) => {
          throw withJob(error, jobId, false);
        });
      }
    }
    if (connection.mode === 'none') return this.sendUnconfirmed(connection, bytes, options);

    let failJob!: (reason: PrinterError | JobFault) => void;
    const failure = new Promise<never>((_, reject) => (failJob = reject));
    failure.catch(() => {});
    this.activeJob = { connection, fail: (reason) => failJob(reason) };

    const processId = connection.mode === 'process-id' ? this.nextProcessId() : undefined;
    const idReply = processId === undefined ? undefined : connection.expectProcessId(processId);
    const byteReply = processId === undefined ? connection.bytes.expect() : undefined;
    const payload = frameJob(bytes, this.asbMask, processId === undefined ? TRANSMIT_PAPER_STATUS : processIdRequest(processId));
    const timeoutMs = options.confirmTimeoutMs ?? this.timeouts.confirm;
    let timer: unknown;
    const deadline = (message: string) =>
      new Promise<never>((_, reject) => {
        this.clock.clearTimeout(timer);
        timer = this.clock.setTimeout(() => reject(new ConfirmTimeoutError(message, { jobId, mayHavePrinted: true })), timeoutMs);
      });
    try {
      // A link that stops taking bytes (a hung printer behind a full buffer) gets the same time.
      await Promise.race([connection.write(payload), failure, deadline('the printer stopped accepting the job')]);
      options.onSent?.(payload.length);
      const timedOut = deadline('printer did not confirm the job in time');
      if (idReply) {
        const id = await Promise.race([idReply.promise, failure, timedOut]);
        // The printer ran through the whole job (re-enabling ASB on the way): nothing changed
        // that ASB did not announce.
        this.statusSeenAt = this.clock.now();
        return { guarantee: 'printed', processId: id, bytesSent: payload.length };
      }
      const paper = await Promise.race([byteReply!.promise, failure, timedOut]);
      if (gsrPaperEnd(paper)) throw new JobFault({ ...(this.status_ ?? okStatus()), online: false, paperEnd: true });
      // GS r says every byte was processed; it does not say nothing went wrong on the way.
      const after = await this.queryStatus(connection, this.timeouts.status).catch(() => undefined);
      if (after && isJobFault(after)) throw new JobFault(after);
      return { guarantee: 'processed', bytesSent: payload.length };
    } catch (reason) {
      if (reason instanceof JobFault) {
        await this.clearAfterFault(connection);
        throw statusFault(reason.status, { jobId, mayHavePrinted: true }) ?? new PaperEndError(undefined, { jobId });
      }
      throw withJob(reason, jobId, true);
    } finally {
      this.clock.clearTimeout(timer);
      idReply?.cancel();
      byteReply?.abandon();
      this.activeJob = undefined;
    }
  }

  /**
   * Whether a pre-flight DLE EOT would only repeat what is known: the printer sends ASB on this
   * link (so a fault would have been announced) and was seen ready within `statusFreshMs`.
   */
  private knownReady(connection: Connection): boolean {
    const status = this.status_;
    return (
      connection.asbSeen &&
      connection.mode !== 'unknown' &&
      status !== undefined &&
      statusFault(status) === undefined &&
      this.clock.now() - this.statusSeenAt < this.statusFreshMs
    );
  }

  private async sendUnconfirmed(connection: Connection, bytes: Uint8Array, options: PrintOptions): Promise<PrintResult> {
    if (!options.allowUnconfirmed) {
      // Nothing is written: an unconfirmable copy printed now would be a silent duplicate later.
      throw new OneWayError(undefined, { jobId: options.jobId, mayHavePrinted: false });
    }
    const payload = frameJob(bytes, this.asbMask, new Uint8Array(0));
    await connection.write(payload).catch((error: unknown) => {
      throw withJob(error, options.jobId, true);
    });
    options.onSent?.(payload.length);
    return { guarantee: 'sent', bytesSent: payload.length };
  }

  /**
   * A fault stopped the job mid-receipt: clear the printer's buffers so the rest does not print
   * after the fault is fixed (DLE DC4 fn 8, or DLE ENQ 2 where that is not answered), then
   * ESC @ and ASB again. The printer may be too stuck to answer; the fault is reported anyway.
   */
  private async clearAfterFault(connection: Connection): Promise<void> {
    if (connection.closed) return;
    try {
      await connection.clearBuffers(this.timeouts.status);
    } catch {
      await this.within(connection.writeRealtime(RECOVER_CLEARING_BUFFERS), this.timeouts.status);
    }
    await this.within(connection.write(concatBytes([INITIALIZE, enableAsb(this.asbMask)])), this.timeouts.status);
  }

  /** The 4-character ID for the next GS ( H: a counter over the printer's lifetime, never reused across connections. */
  private nextProcessId(): string {
    const id = processIdAt(this.idCounter);
    this.idCounter = (this.idCounter + 1) % ID_SPACE;
    return id;
  }

  /** Resolves with the value, or undefined after `ms` or on rejection. */
  private within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
    let timer: unknown;
    return Promise.race([
      promise.catch(() => undefined),
      new Promise<undefined>((resolve) => (timer = this.clock.setTimeout(() => resolve(undefined), ms))),
    ]).finally(() => this.clock.clearTimeout(timer));
  }
}

function okStatus(): PrinterStatus {
  return decodeRealtimeStatus(0x12, 0x12, 0x12, 0x12);
}
