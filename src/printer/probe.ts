/**
 * What a fresh link is asked before it is used: whether the printer answers at all, ASB on, and
 * which confirmation the printer gives (DESIGN.md "Confirmation"; escpos-status.md §0).
 */
import { OfflineError } from '../errors.js';
import { settleWithin, type Clock } from './clock.js';
import type { Connection } from './connection.js';
import { enableAsb, processIdRequest, TRANSMIT_PAPER_STATUS, type ProcessIdCounter } from './requests.js';
import type { StatusTracker } from './status-tracker.js';
import type { ConfirmationMode, PrinterStatus } from './types.js';

export interface ProbeSettings {
  clock: Clock;
  /** Wait per probe: first DLE EOT, GS ( H, GS r. */
  timeoutMs: number;
  asbMask: number;
  /** `auto` probes GS ( H, then GS r; a mode forces it. */
  confirmation: 'auto' | ConfirmationMode;
  status: StatusTracker;
  processIds: ProcessIdCounter;
}

export class ConnectionProbe {
  constructor(private readonly settings: ProbeSettings) {}

  /** DLE EOT 1 says whether the printer answers at all; then ASB on; then the confirmation mode. */
  async run(connection: Connection): Promise<void> {
    const { clock, timeoutMs, confirmation } = this.settings;
    if (connection.transport.bidirectional === false) {
      connection.answersStatus = false;
      connection.mode = 'none';
      return;
    }
    let status: PrinterStatus;
    try {
      status = await this.settings.status.query(connection, timeoutMs);
    } catch (error) {
      if (!(error instanceof OfflineError)) throw error;
      connection.answersStatus = false;
      connection.mode = 'none';
      return;
    }
    connection.answersStatus = true;
    await settleWithin(clock, connection.write(enableAsb(this.settings.asbMask)), timeoutMs);
    if (confirmation !== 'auto') connection.mode = confirmation;
    // GS ( H and GS r are answered in order, so an offline printer would look like one without
    // them: probe once it is online (at the latest before the next job).
    else if (status.online) await this.probeConfirmation(connection);
  }

  /**
   * GS ( H first; if its ID does not come back in time, GS r. Both are answered in order, so a
   * printer still busy with an earlier job (a reconnect mid-print) may answer late: a late
   * answer still upgrades the mode, and GS r answered without the ID proves GS ( H is missing.
   */
  async probeConfirmation(connection: Connection): Promise<void> {
    const { clock, timeoutMs } = this.settings;
    const id = this.settings.processIds.next();
    const confirmed = connection.expectProcessId(id);
    void confirmed.promise.then(() => {
      connection.mode = 'process-id';
    });
    await settleWithin(clock, connection.write(processIdRequest(id)), timeoutMs);
    if ((await settleWithin(clock, confirmed.promise, timeoutMs)) !== undefined) return;

    const paperStatus = connection.bytes.expect();
    paperStatus.promise.then(
      () => {
        if (connection.mode !== 'process-id') connection.mode = 'gs-r';
      },
      () => {},
    );
    await settleWithin(clock, connection.write(TRANSMIT_PAPER_STATUS), timeoutMs);
    await settleWithin(clock, paperStatus.promise, timeoutMs);
    if (connection.mode === 'unknown') connection.mode = 'none';
  }
}
