/**
 * What a fresh link is asked before it is used: which DLE EOT n the printer answers, whether it
 * answers GS r and GS ( H, how it frames ASB (DESIGN.md "Confirmation"; escpos-status.md §0).
 * What is learned goes into the `Printer`'s dialect, so the next connection asks nothing twice
 * and a missing feature costs its timeout once per printer, not once per connection.
 */
import { OfflineError } from '../errors.js';
import { delay, settleWithin, type Clock } from './clock.js';
import type { Connection } from './connection.js';
import { ALL_REALTIME_N, isEpsonMaker, type PrinterDialect } from './dialect.js';
import { asDisconnected } from './job-errors.js';
import { ReplyTimeoutError } from './reply-queue.js';
import { concatBytes, enableAsb, printerInfo, processIdRequest, realtimeStatus, TRANSMIT_PAPER_STATUS, type ProcessIdCounter } from './requests.js';
import type { RealtimeStatusN } from './status.js';
import type { StatusTracker } from './status-tracker.js';
import type { ConfirmationMode, PrinterStatus } from './types.js';

export interface ProbeSettings {
  clock: Clock;
  /** Wait per probe request: each DLE EOT n, GS r, GS ( H. */
  timeoutMs: number;
  /** How long to keep counting one-byte replies after an ASB enable (learning its framing). */
  settleMs: number;
  asbMask: number;
  /** `auto` probes; a mode forces it. */
  confirmation: 'auto' | ConfirmationMode;
  status: StatusTracker;
  processIds: ProcessIdCounter;
  /** What is known of this printer; the probe fills in what it learns. Shared by its connections. */
  dialect: PrinterDialect;
}

export class ConnectionProbe {
  constructor(private readonly settings: ProbeSettings) {}

  async run(connection: Connection): Promise<void> {
    const { confirmation, dialect } = this.settings;
    if (connection.transport.bidirectional === false) {
      connection.answersStatus = false;
      connection.mode = 'none';
      return;
    }
    const status = await this.readStatus(connection);
    connection.answersStatus = status !== undefined;
    if (confirmation !== 'auto') {
      connection.mode = confirmation;
      await this.enableAsb(connection);
      return;
    }
    if (status === undefined) {
      // No DLE EOT answered: only a printer that answers nothing at all is one-way.
      if (dialect.transmitStatus !== false) await this.probeConfirmation(connection);
      if (connection.mode !== 'gs-r') connection.mode = 'none';
      return;
    }
    // GS ( H and GS r are answered in order, so an offline printer would look like one without
    // them: probe once it is online (at the latest before the next job).
    if (status.online) await this.probeConfirmation(connection);
    else await this.enableAsb(connection);
  }

  /**
   * The printer's status from the DLE EOT n it answers; undefined when it answers none. The
   * first time, each n is asked on its own and a silence is remembered.
   */
  private async readStatus(connection: Connection): Promise<PrinterStatus | undefined> {
    const { dialect, timeoutMs, status } = this.settings;
    if (dialect.realtimeStatus === undefined) {
      const answered = await this.answeredRealtimeN(connection);
      // Silence everywhere may be a printer switched off: nothing is remembered from it.
      if (answered.length === 0) return undefined;
      dialect.realtimeStatus = answered;
    }
    if (dialect.realtimeStatus.length === 0) return undefined;
    connection.realtimeAnswered = dialect.realtimeStatus;
    try {
      return await status.query(connection, timeoutMs);
    } catch (error) {
      if (error instanceof OfflineError) return undefined;
      throw error;
    }
  }

  /**
   * Which DLE EOT n the printer answers. All four go out at once first (Epson allows up to 8
   * real-time commands in a row, HPRT TP809 up to 4): four replies settle it in one round trip,
   * none in one timeout. Only a partial answer is sorted out n by n, each silence costing its
   * timeout once per printer.
   */
  private async answeredRealtimeN(connection: Connection): Promise<RealtimeStatusN[]> {
    const { clock, timeoutMs } = this.settings;
    const pending = ALL_REALTIME_N.map(() => connection.realtime.expect(timeoutMs, { tombstone: false }));
    await settleWithin(clock, connection.writeRealtime(concatBytes(ALL_REALTIME_N.map((n) => realtimeStatus(n)))), timeoutMs);
    const replies = await Promise.allSettled(pending.map((reply) => reply.promise));
    for (const reply of replies) {
      if (reply.status === 'rejected' && !(reply.reason instanceof ReplyTimeoutError)) throw asDisconnected(reply.reason, false);
    }
    const count = replies.filter((reply) => reply.status === 'fulfilled').length;
    if (count === 0 || count === ALL_REALTIME_N.length) return count === 0 ? [] : [...ALL_REALTIME_N];
    const answered: RealtimeStatusN[] = [];
    for (const n of ALL_REALTIME_N) {
      try {
        await connection.queryRealtime(n, timeoutMs, true);
        answered.push(n);
      } catch (error) {
        if (!(error instanceof ReplyTimeoutError)) throw asDisconnected(error, false);
      }
    }
    return answered;
  }

  /**
   * Which confirmation the printer gives, then ASB on. GS r first, together with GS I 66 (maker)
   * while GS ( H support is unknown: GS ( H is asked only of a printer the dialect or its maker
   * says is an Epson, so a clone that does not parse `GS (` lengths never prints the probe as text.
   * Both are answered in order, so a printer still busy with an earlier job may answer late: a
   * late process ID still upgrades the mode, and only a GS r answered before the ID proves GS ( H
   * is missing.
   */
  async probeConfirmation(connection: Connection, beforeJob = false): Promise<void> {
    const { dialect } = this.settings;
    let maker: string | undefined;
    if (dialect.transmitStatus === undefined || dialect.processId === undefined) {
      maker = await this.askTransmitStatus(connection, dialect.processId === undefined);
    }
    const tryProcessId = dialect.processId === true || (dialect.processId === undefined && isEpsonMaker(maker));
    if (tryProcessId && (await this.askProcessId(connection))) dialect.processId = true;
    else if (dialect.processId === undefined && dialect.transmitStatus === true && !tryProcessId) {
      dialect.processId = false; // not an Epson: GS ( H is never sent to it
    }
    if (connection.mode !== 'process-id') {
      // No in-order answer at all may be a printer still busy with an earlier job: asked again
      // before the first job, and only then taken as no confirmation.
      const silent = dialect.transmitStatus === undefined && !beforeJob;
      connection.mode = dialect.transmitStatus === true ? 'gs-r' : silent ? 'unknown' : 'none';
    }
    connection.infoBarrier = dialect.printerInfo;
    await this.enableAsb(connection);
  }

  /** GS r 1 (after GS I 66 when `withMaker`); returns the maker if it came. */
  private async askTransmitStatus(connection: Connection, withMaker: boolean): Promise<string | undefined> {
    const { clock, timeoutMs, dialect } = this.settings;
    let maker: string | undefined;
    const info = withMaker ? connection.info.expect() : undefined;
    void info?.promise.then(
      (text) => (maker = text.trim()),
      () => {},
    );
    const reply = connection.bytes.expect(timeoutMs);
    const request = concatBytes([withMaker ? printerInfo(66) : new Uint8Array(0), TRANSMIT_PAPER_STATUS]);
    await settleWithin(clock, connection.write(request), timeoutMs);
    const answered = await reply.promise.then(
      () => true,
      () => false,
    );
    if (maker !== undefined) dialect.printerInfo = maker;
    if (answered) {
      dialect.transmitStatus = true;
      // GS I 66 comes before GS r or never: the printer ignored it, so no late reply can follow.
      info?.cancel();
    } else {
      info?.abandon();
      // An in-order reply came but GS r's did not: the printer has no GS r.
      if (maker !== undefined) dialect.transmitStatus = false;
    }
    return maker;
  }

  /** GS ( H with a fresh ID; on silence, GS r tells a missing GS ( H from a busy printer. */
  private async askProcessId(connection: Connection): Promise<boolean> {
    const { clock, timeoutMs, dialect } = this.settings;
    const id = this.settings.processIds.next();
    const confirmed = connection.expectProcessId(id);
    void confirmed.promise.then(() => {
      connection.mode = 'process-id';
      dialect.processId = true;
    });
    await settleWithin(clock, connection.write(processIdRequest(id)), timeoutMs);
    if ((await settleWithin(clock, confirmed.promise, timeoutMs)) !== undefined) return true;
    if (dialect.transmitStatus === false) return false;
    const barrier = connection.bytes.expect(timeoutMs);
    await settleWithin(clock, connection.write(TRANSMIT_PAPER_STATUS), timeoutMs);
    const barrierAnswered = await barrier.promise.then(
      () => true,
      () => false,
    );
    if (barrierAnswered && connection.mode !== 'process-id') {
      dialect.transmitStatus = true;
      dialect.processId = false;
    }
    return connection.mode === 'process-id';
  }

  /**
   * GS a for this link, as the dialect allows. The first time, with GS r as a barrier: the ASB
   * frame is due when GS a is executed, before GS r's reply. A framed ASB arrives as a frame; a
   * printer that sends four `00` bytes instead (escpos-netprinter) shows up as five one-byte
   * replies where one was asked for, and gets ASB off: its frames say nothing and would be taken
   * for GS r replies, confirming a job that has not been processed.
   */
  private async enableAsb(connection: Connection): Promise<void> {
    const { clock, timeoutMs, settleMs, asbMask, dialect } = this.settings;
    if (asbMask === 0 || dialect.asb === 'zeros') {
      connection.asbMask = 0;
      return;
    }
    connection.asbMask = asbMask;
    if (dialect.asb !== undefined || dialect.transmitStatus !== true) {
      await settleWithin(clock, connection.write(enableAsb(asbMask)), timeoutMs);
      return;
    }
    const plainBefore = connection.plainBytes;
    const framesBefore = connection.asbFrames;
    const barrier = connection.bytes.expect(timeoutMs);
    await settleWithin(clock, connection.write(concatBytes([enableAsb(asbMask), TRANSMIT_PAPER_STATUS])), timeoutMs);
    const answered = await barrier.promise.then(
      () => true,
      () => false,
    );
    if (!answered) return;
    await delay(clock, settleMs);
    if (connection.asbFrames > framesBefore) dialect.asb = 'framed';
    else if (connection.plainBytes - plainBefore >= 5) {
      dialect.asb = 'zeros';
      connection.asbMask = 0;
      await settleWithin(clock, connection.write(enableAsb(0)), timeoutMs);
    } else dialect.asb = 'none';
  }
}
