/**
 * The printer as the spool uses it: one transport, probed once per connection, with status,
 * identity and confirmed printing (DESIGN.md "Confirmation"; escpos-status.md §0).
 *
 * This class holds the lifecycle: connect (open, drain, probe), print (one job at a time),
 * link dropped (fail the job in flight, reconnect with backoff), close. The steps live beside it:
 * probe.ts (probe and confirmation mode), print-job.ts (the job path), status-tracker.ts (DLE EOT
 * and the last known status), status-poller.ts and reconnector.ts (timers while connected / after a drop).
 */
import { SafeEmitter } from '../safe-emitter.js';
import { DisconnectedError, OneWayError, TransportClosedError } from '../errors.js';
import type { Transport } from '../transport/interface.js';
import { systemClock, type Clock } from './clock.js';
import { Connection } from './connection.js';
import { asDisconnected } from './job-errors.js';
import { printerStatusFromPort } from './port-status.js';
import { JobRunner } from './print-job.js';
import type { PrinterDialect } from './dialect.js';
import { ConnectionProbe } from './probe.js';
import { Reconnector } from './reconnector.js';
import { ReplyTimeoutError } from './reply-queue.js';
import { ASB_MASK, ProcessIdCounter } from './requests.js';
import { decodeAsb, sameStatus, statusFault } from './status.js';
import type { StatusField } from './types.js';
import { StatusPoller } from './status-poller.js';
import { StatusTracker } from './status-tracker.js';
import type { ConfirmationMode, PrinterEvents, PrinterIdentity, PrinterLink, PrinterStatus, PrintOptions, PrintResult } from './types.js';

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
  /**
   * What is known of the printer (e.g. from its profile): which DLE EOT n it answers, GS ( H,
   * GS r, ASB framing. The probe learns the rest once and keeps it for this `Printer`'s life.
   */
  dialect?: PrinterDialect;
  clock?: Clock;
  /** First process-ID counter value (default random), for reproducible tests. */
  processIdSeed?: number;
}

const IDENTITY_FIELDS: readonly [65 | 66 | 67 | 68 | 69, keyof PrinterIdentity][] = [
  [66, 'maker'],
  [67, 'model'],
  [68, 'serial'],
  [65, 'firmware'],
  [69, 'language'],
];

export class Printer implements PrinterLink {
  private readonly makeTransport: () => Transport;
  private readonly clock: Clock;
  private readonly timeouts: Required<PrinterTimeouts>;
  private readonly emitter = new SafeEmitter();
  private readonly statusTracker: StatusTracker;
  private readonly probe: ConnectionProbe;
  private readonly jobs: JobRunner;
  private readonly poller: StatusPoller;
  private readonly reconnector: Reconnector | undefined;
  private connection: Connection | undefined;
  private printChain: Promise<unknown> = Promise.resolve();
  private opening: Promise<void> | undefined;
  private closedByUser = false;
  private readonly learned: PrinterDialect;
  private checkingAsb = false;
  private readonly stray = { stale: 0, garbage: 0, unconfirmedFaults: 0 };

  constructor(options: PrinterOptions) {
    const transport = options.transport;
    this.makeTransport = typeof transport === 'function' ? transport : () => transport;
    const clock = options.clock ?? systemClock;
    const timeouts = { status: 1000, confirm: 30_000, probe: 1500, drain: 100, ...options.timeouts };
    const asbMask = options.asbMask ?? ASB_MASK;
    const processIds = new ProcessIdCounter(options.processIdSeed);
    const currentConnection = () => this.connection;
    this.clock = clock;
    this.timeouts = timeouts;
    this.learned = { ...options.dialect };

    const status = new StatusTracker(clock, {
      currentConnection,
      recorded: (current, previous) => {
        if (!sameStatus(previous, current)) this.emitter.emit('status', current, previous);
        this.jobs.statusSeen(current);
      },
    });
    const probe = new ConnectionProbe({
      clock,
      timeoutMs: timeouts.probe,
      settleMs: Math.max(20, timeouts.drain),
      asbMask,
      dialect: this.learned,
      confirmation: options.confirmation ?? 'auto',
      status,
      processIds,
    });
    this.statusTracker = status;
    this.probe = probe;
    this.jobs = new JobRunner({
      clock,
      statusTimeoutMs: timeouts.status,
      confirmTimeoutMs: timeouts.confirm,
      statusFreshMs: options.statusFreshMs ?? 1000,
      status,
      probe,
      processIds,
    });
    this.poller = new StatusPoller({
      clock,
      intervalMs: options.pollIntervalMs ?? 3000,
      timeoutMs: timeouts.status,
      status,
      currentConnection,
    });
    this.reconnector =
      options.reconnect === false
        ? undefined
        : new Reconnector(
            clock,
            { initialMs: 500, maxMs: 30_000, ...options.reconnect },
            { open: () => this.openOnce(), closedByUser: () => this.closedByUser, connected: () => this.connected },
          );
  }

  get lastStatus(): PrinterStatus | undefined {
    return this.statusTracker.lastStatus;
  }

  get connected(): boolean {
    return this.connection !== undefined;
  }

  get confirmation(): ConfirmationMode | 'unknown' {
    return this.connection?.mode ?? 'unknown';
  }

  /** What the probes learned of the printer so far (a copy). */
  get dialect(): PrinterDialect {
    return { ...this.learned };
  }

  /**
   * Stray replies over this printer's life: `stale` bytes no request was waiting for, `garbage`
   * that fits no reply form, and faults one reading showed that the next did not confirm.
   */
  get diagnostics(): { stale: number; garbage: number; unconfirmedFaults: number } {
    const live = this.connection?.dropped ?? { stale: 0, garbage: 0, unconfirmedFaults: 0 };
    return {
      stale: this.stray.stale + live.stale,
      garbage: this.stray.garbage + live.garbage,
      unconfirmedFaults: this.stray.unconfirmedFaults + live.unconfirmedFaults,
    };
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
    this.reconnector?.reset();
  }

  async status(): Promise<PrinterStatus> {
    const connection = this.requireConnection();
    if (connection.answersStatus === false) {
      // One-way USB printers still report paper and online lines on the control pipe.
      const queryPortStatus = connection.transport.queryPortStatus?.bind(connection.transport);
      if (queryPortStatus) {
        const status = printerStatusFromPort(await queryPortStatus());
        this.statusTracker.record(status);
        return status;
      }
      throw new OneWayError('printer does not answer status requests (one-way link)', { mayHavePrinted: false });
    }
    return this.statusTracker.query(connection, this.timeouts.status);
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

  /** Jobs run one at a time, in call order, each on the link that is up when its turn comes. */
  print(bytes: Uint8Array, options: PrintOptions = {}): Promise<PrintResult> {
    const run = this.printChain.then(() => this.jobs.run(this.connection, bytes, options));
    this.printChain = run.catch(() => {});
    return run;
  }

  async close(): Promise<void> {
    this.closedByUser = true;
    this.reconnector?.cancel();
    this.poller.stop();
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    this.keepStrayCounts(connection);
    const error = new DisconnectedError('printer link closed', { cause: new TransportClosedError(), mayHavePrinted: true });
    this.jobs.interrupt(error);
    connection.dispose(error);
    await connection.transport.close();
  }

  private keepStrayCounts(connection: Connection): void {
    this.stray.stale += connection.dropped.stale;
    this.stray.garbage += connection.dropped.garbage;
    this.stray.unconfirmedFaults += connection.dropped.unconfirmedFaults;
  }

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
          if (connection === this.connection) this.asbReceived(connection, decodeAsb(frame));
        },
        closed: (error) => this.onLinkClosed(connection, error),
      },
      Math.max(this.timeouts.status, this.timeouts.probe),
    );
    try {
      await connection.drain(this.timeouts.drain);
      await this.probe.run(connection);
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
    this.poller.start();
    this.emitter.emit('connected');
  }

  /**
   * An ASB frame. A fault it shows for the first time is believed once DLE EOT confirms the
   * printer is offline (fields the printer's DLE EOT does not cover are taken from the frame);
   * without DLE EOT, or when the query fails, the frame is believed as it is.
   */
  private asbReceived(connection: Connection, status: PrinterStatus): void {
    if (!connection.answersStatus || !this.statusTracker.isNewFault(status)) {
      this.statusTracker.record(status);
      return;
    }
    // One check at a time: it reads the printer as it is now, which covers frames arriving meanwhile.
    if (this.checkingAsb) return;
    this.checkingAsb = true;
    const check = this.statusTracker.query(connection, this.timeouts.status);
    void check.finally(() => (this.checkingAsb = false)).catch(() => {});
    check.then(
      (checked) => {
        if (checked.online && statusFault(checked) === undefined) {
          connection.dropped.unconfirmedFaults++;
          return;
        }
        const unknown: readonly StatusField[] = checked.unknown ?? [];
        if (unknown.length === 0) return; // recorded by the query itself
        const merged: PrinterStatus = { ...checked };
        for (const field of unknown) merged[field] = status[field];
        delete merged.unknown;
        if (connection === this.connection) this.statusTracker.record(merged);
      },
      () => {
        if (connection === this.connection) this.statusTracker.record(status);
      },
    );
  }

  private onLinkClosed(connection: Connection, error: Error | undefined): void {
    if (connection !== this.connection) return;
    this.keepStrayCounts(connection);
    this.connection = undefined;
    this.poller.stop();
    this.jobs.interrupt(asDisconnected(error ?? new DisconnectedError('printer link closed'), true));
    this.emitter.emit('disconnected', error);
    if (!this.closedByUser) this.reconnector?.schedule();
  }
}
