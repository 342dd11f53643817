/**
 * From a printer URI to the library's `Printer`, and the profile to encode for.
 */
import { getProfile, profileForModel, type PrinterProfile } from '../escpos/profiles.js';
import { Printer } from '../printer/printer.js';
import type { PrinterLink } from '../printer/types.js';
import type { Transport } from '../transport/interface.js';
import { TcpTransport } from '../transport/tcp.js';
import { CliError, EXIT_FAILURE } from './errors.js';
import type { PrinterTarget } from '../transport/uri.js';

export interface LinkOptions {
  /** Wait for a job's confirmation (ms). */
  confirmTimeoutMs?: number;
  /** Reconnect after the link drops (the worker wants it; one-shot commands do not). */
  reconnect?: boolean;
}

export function openPrinterLink(target: PrinterTarget, options: LinkOptions = {}): Printer {
  return new Printer({
    transport: () => createTransport(target),
    ...(options.confirmTimeoutMs === undefined ? {} : { timeouts: { confirm: options.confirmTimeoutMs } }),
    ...(options.reconnect === false ? { reconnect: false } : {}),
  });
}

/** The profile the flag or URI names, else the one for the model the printer reports. */
export async function profileFor(link: PrinterLink, chosen: PrinterProfile | undefined): Promise<PrinterProfile> {
  if (chosen) return chosen;
  const identity = await link.identify().catch(() => undefined);
  return identity?.model ? profileForModel(identity.model) : getProfile('generic-80');
}

// Interim until the transport layer's factory lands: TCP only.
function createTransport(target: PrinterTarget): Transport {
  if (target.kind === 'tcp') return new TcpTransport({ host: target.host, port: target.port });
  throw new CliError(`${target.kind} printers are not supported by this build yet; use tcp://HOST:PORT.`, EXIT_FAILURE);
}
