/**
 * From a printer URI to the library's `Printer`, and the profile to encode for.
 */
import { getProfile, profileForModel, type PrinterProfile } from '../escpos/profiles.js';
import type { Printer } from '../printer/printer.js';
import type { PrinterIdentity } from '../printer/types.js';
import type { PrinterTarget } from '../transport/uri.js';

export interface LinkOptions {
  /** Wait for a job's confirmation (ms). */
  confirmTimeoutMs?: number;
  /** Reconnect after the link drops (the worker wants it; one-shot commands do not). */
  reconnect?: boolean;
}

/**
 * A factory of `Printer`s for the target. The transports are loaded on demand: the serial and
 * USB bindings are native modules that commands without a printer never need.
 */
export async function printerLinkFactory(target: PrinterTarget, options: LinkOptions = {}): Promise<() => Printer> {
  // Loaded here, not at startup: commands that never open a printer never load the printer layer.
  const [{ createTransport }, { Printer }] = await Promise.all([import('../transport/open.js'), import('../printer/printer.js')]);
  return () =>
    new Printer({
      transport: () => createTransport(target),
      ...(options.confirmTimeoutMs === undefined ? {} : { timeouts: { confirm: options.confirmTimeoutMs } }),
      ...(options.reconnect === false ? { reconnect: false } : {}),
    });
}

/** The profile the flag or URI names, else the one for the model the printer reports. */
export function profileFor(identity: PrinterIdentity, chosen: PrinterProfile | undefined): PrinterProfile {
  if (chosen) return chosen;
  return identity.model ? profileForModel(identity.model, identity.language) : getProfile('generic-80');
}
