/**
 * A one-way USB printer's line status (USB printer class GET_PORT_STATUS, read by the
 * transport) as a `PrinterStatus`: the three lines say paper empty, selected (online) and
 * error, nothing about the cover or the cutter.
 */
import type { PortStatus } from '../transport/interface.js';
import { readyStatus } from './status.js';
import type { PrinterStatus } from './types.js';

export function printerStatusFromPort(port: PortStatus): PrinterStatus {
  return {
    ...readyStatus(),
    online: port.selected && !port.paperEmpty && !port.error,
    paperEnd: port.paperEmpty,
    // An error line without paper-out is an unnamed fault a person must look at.
    recoverableError: port.error && !port.paperEmpty,
  };
}
