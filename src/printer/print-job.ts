/**
 * One job from bytes to a `PrintResult`: the pre-flight status check, the framing with its
 * confirmation request, the wait for the confirmation, and clearing the printer after a fault
 * stopped the job mid-receipt (DESIGN.md "Confirmation"; escpos-status.md §0).
 */
import { ConfirmTimeoutError, DisconnectedError, OneWayError, PaperEndError, type PrinterError } from '../errors.js';
import { settleWithin, type Clock } from './clock.js';
import type { Connection } from './connection.js';
import { withJob } from './job-errors.js';
import type { ConnectionProbe } from './probe.js';
import { concatBytes, enableAsb, frameJob, INITIALIZE, printerInfo, processIdRequest, RECOVER_CLEARING_BUFFERS, TRANSMIT_PAPER_STATUS, type ProcessIdCounter } from './requests.js';
import { gsrPaperEnd, isJobFault, readyStatus, statusFault } from './status.js';
import type { StatusTracker } from './status-tracker.js';
import type { PrinterStatus, PrintOptions, PrintResult } from './types.js';

export interface JobSettings {
  clock: Clock;
  /** Wait per DLE EOT request. */
  statusTimeoutMs: number;
  /** Default wait for a job's confirmation after its last byte was accepted. */
  confirmTimeoutMs: number;
  /** A job skips its pre-flight DLE EOT when the printer sends ASB and was seen ready this recently. */
  statusFreshMs: number;
  status: StatusTracker;
  probe: ConnectionProbe;
  processIds: ProcessIdCounter;
}

/** A fault status seen while a job was printing. */
class JobFault {
  constructor(readonly status: PrinterStatus) {}
}

/** How the job in flight hears about a fault in the printer or the link dropping. */
type FailActiveJob = (reason: PrinterError | JobFault) => void;

/** Runs jobs one at a time (the caller serializes them) and lets outside events fail the one in flight. */
export class JobRunner {
  private failActive: FailActiveJob | undefined;

  constructor(private readonly settings: JobSettings) {}

  /** The link dropped or was closed: the job in flight fails with `error`. */
  interrupt(error: PrinterError): void {
    this.failActive?.(error);
  }

  /** A status arrived: a fault that stops the printer mid-receipt fails the job in flight. */
  statusSeen(status: PrinterStatus): void {
    if (isJobFault(status)) this.failActive?.(new JobFault(status));
  }

  async run(connection: Connection | undefined, bytes: Uint8Array, options: PrintOptions): Promise<PrintResult> {
    const { clock, status } = this.settings;
    const jobId = options.jobId;
    if (!connection) throw new DisconnectedError('printer is not connected', { transactionId: jobId, mayHavePrinted: false });
    if (connection.mode === 'none' && !options.allowUnconfirmed && connection.transport.bidirectional !== false) {
      // One-way only because the printer answered nothing on this link so far: it may have been
      // off or hung when connected. Asked again before the job is refused as ONE_WAY.
      connection.mode = 'unknown';
      await this.settings.probe.run(connection).catch((error: unknown) => {
        throw withJob(error, jobId, false);
      });
    }

    if (connection.answersStatus && !this.knownReady(connection)) {
      const current = await status.query(connection, this.settings.statusTimeoutMs).catch((error: unknown) => {
        throw withJob(error, jobId, false);
      });
      const fault = statusFault(current, { transactionId: jobId, mayHavePrinted: false });
      if (fault) throw fault;
      if (connection.mode === 'unknown') {
        await this.settings.probe.probeConfirmation(connection, true).catch((error: unknown) => {
          throw withJob(error, jobId, false);
        });
      }
    }
    if (connection.mode === 'none') return this.sendUnconfirmed(connection, bytes, options);

    let failJob!: FailActiveJob;
    const failure = new Promise<never>((_, reject) => (failJob = reject));
    failure.catch(() => {});
    this.failActive = (reason) => failJob(reason);

    const processId = connection.mode === 'process-id' ? this.settings.processIds.next() : undefined;
    const idReply = processId === undefined ? undefined : connection.expectProcessId(processId);
    const byteReply = processId === undefined ? connection.bytes.expect() : undefined;
    // A stray one-byte reply looks like GS r's: where the printer answers GS I 66, its block
    // (asked right after GS r, so answered after it) is what confirms the job.
    const maker = processId === undefined ? connection.infoBarrier : undefined;
    let infoReply = maker === undefined ? undefined : connection.info.expect();
    const payload = frameJob(
      bytes,
      connection.asbMask,
      processId !== undefined ? processIdRequest(processId) : concatBytes([TRANSMIT_PAPER_STATUS, infoReply ? printerInfo(66) : new Uint8Array(0)]),
    );
    const timeoutMs = options.confirmTimeoutMs ?? this.settings.confirmTimeoutMs;
    let timer: unknown;
    /** The printer answered the clear after a fault: replies to this job's requests will never come. */
    let repliesDiscarded = false;
    const deadline = (message: string) =>
      new Promise<never>((_, reject) => {
        clock.clearTimeout(timer);
        timer = clock.setTimeout(() => reject(new ConfirmTimeoutError(message, { transactionId: jobId, mayHavePrinted: true })), timeoutMs);
      });
    try {
      // A link that stops taking bytes (a hung printer behind a full buffer) gets the same time,
      // and the link is told so its own wait (USB: the bulk OUT transfer) ends with the job's.
      await Promise.race([connection.write(payload, { timeoutMs }), failure, deadline('the printer stopped accepting the job')]);
      options.onSent?.(payload.length);
      const timedOut = deadline('printer did not confirm the job in time');
      if (idReply) {
        const id = await Promise.race([idReply.promise, failure, timedOut]);
        // The printer ran through the whole job (re-enabling ASB on the way): nothing changed
        // that ASB did not announce.
        status.markCurrent();
        return { guarantee: 'printed', processId: id, bytesSent: payload.length };
      }
      const paper = await Promise.race([byteReply!.promise, failure, timedOut]);
      // A block with other text is a stray: the real one is still to come.
      while (infoReply && (await Promise.race([infoReply.promise, failure, timedOut])).trim() !== maker) {
        connection.dropped.stale++;
        infoReply = connection.info.expect();
      }
      // The byte may be a stray one where the block confirmed the job: the DLE EOT check below
      // (which confirms a fault by asking twice) decides then.
      if (gsrPaperEnd(paper) && !(infoReply && connection.answersStatus)) {
        throw new JobFault({ ...(status.lastStatus ?? readyStatus()), online: false, paperEnd: true });
      }
      // GS r says every byte was processed; it does not say nothing went wrong on the way.
      const after = connection.answersStatus ? await status.query(connection, this.settings.statusTimeoutMs).catch(() => undefined) : undefined;
      if (after && isJobFault(after)) throw new JobFault(after);
      return { guarantee: 'processed', bytesSent: payload.length };
    } catch (reason) {
      if (reason instanceof JobFault) {
        repliesDiscarded = await this.clearAfterFault(connection);
        throw statusFault(reason.status, { transactionId: jobId, mayHavePrinted: true }) ?? new PaperEndError(undefined, { transactionId: jobId });
      }
      throw withJob(reason, jobId, true);
    } finally {
      clock.clearTimeout(timer);
      idReply?.cancel();
      if (repliesDiscarded) {
        byteReply?.cancel();
        infoReply?.cancel();
      } else {
        // A reply may still come: its place in line swallows it instead of the next job's.
        byteReply?.abandon();
        infoReply?.abandon();
      }
      this.failActive = undefined;
    }
  }

  /**
   * Whether a pre-flight DLE EOT would only repeat what is known: the printer sends ASB on this
   * link (so a fault would have been announced) and was seen ready within `statusFreshMs`.
   */
  private knownReady(connection: Connection): boolean {
    return connection.asbSeen && connection.mode !== 'unknown' && this.settings.status.readyWithin(this.settings.statusFreshMs);
  }

  private async sendUnconfirmed(connection: Connection, bytes: Uint8Array, options: PrintOptions): Promise<PrintResult> {
    if (!options.allowUnconfirmed) {
      // Nothing is written: an unconfirmable copy printed now would be a silent duplicate later.
      throw new OneWayError(undefined, { transactionId: options.jobId, mayHavePrinted: false });
    }
    const payload = frameJob(bytes, connection.asbMask, new Uint8Array(0));
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
   * True when DLE DC4 fn 8 was answered: that answer comes after every reply sent before it, so
   * the requests it discarded will never be answered.
   */
  private async clearAfterFault(connection: Connection): Promise<boolean> {
    const { clock, statusTimeoutMs } = this.settings;
    const asbMask = connection.asbMask;
    if (connection.closed) return false;
    let answered = true;
    try {
      await connection.clearBuffers(statusTimeoutMs);
    } catch {
      answered = false;
      await settleWithin(clock, connection.writeRealtime(RECOVER_CLEARING_BUFFERS), statusTimeoutMs);
    }
    await settleWithin(clock, connection.write(concatBytes([INITIALIZE, enableAsb(asbMask)])), statusTimeoutMs);
    return answered;
  }
}
