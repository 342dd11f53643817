/**
 * The few request bytes the printer link sends on its own (escpos-status.md §1.2–1.7).
 * Kept here rather than in the encoder: these are the link's protocol, not receipt content.
 */

/** `10 04 n`: DLE EOT real-time status, n = 1..4. */
export const realtimeStatus = (n: 1 | 2 | 3 | 4): Uint8Array => Uint8Array.of(0x10, 0x04, n);

/** `1D 61 n`: enable Automatic Status Back for the items in `mask` (0x0F: drawer, online, error, paper). */
export const enableAsb = (mask: number): Uint8Array => Uint8Array.of(0x1d, 0x61, mask & 0xff);
export const ASB_MASK = 0x0f;

/** `1D 28 48 06 00 30 30 d1 d2 d3 d4`: GS ( H fn 48, process ID response request. */
export function processIdRequest(id: string): Uint8Array {
  if (!/^[\x20-\x7e]{4}$/.test(id)) throw new RangeError(`process ID must be 4 characters 0x20–0x7E: ${JSON.stringify(id)}`);
  return Uint8Array.of(0x1d, 0x28, 0x48, 0x06, 0x00, 0x30, 0x30, ...[...id].map((c) => c.charCodeAt(0)));
}

/** `1D 72 31`: GS r 1, paper sensor status, answered after everything before it was processed. */
export const TRANSMIT_PAPER_STATUS = Uint8Array.of(0x1d, 0x72, 0x31);

/** `1D 49 n`: GS I printer information B (65 firmware, 66 maker, 67 model, 68 serial, 69 language). */
export const printerInfo = (n: 65 | 66 | 67 | 68 | 69): Uint8Array => Uint8Array.of(0x1d, 0x49, n);

/** `10 14 08 01 03 14 01 06 02 08`: DLE DC4 fn 8, clear receive and print buffers; reply `37 25 00`. */
export const CLEAR_BUFFERS = Uint8Array.of(0x10, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08);

/** `10 05 02`: DLE ENQ 2, recover after clearing the buffers (printers without DLE DC4 fn 8). */
export const RECOVER_CLEARING_BUFFERS = Uint8Array.of(0x10, 0x05, 0x02);

/** `1B 40`: ESC @, initialise (turns ASB off). */
export const INITIALIZE = Uint8Array.of(0x1b, 0x40);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Frames a job for confirmed printing. ESC @ turns ASB off, so when the job starts with it,
 * `GS a` goes right after it (faults while the job prints are pushed at once); `GS a` is sent
 * again after the body (a job may contain further ESC @) and the confirmation request last.
 */
export function frameJob(job: Uint8Array, asbMask: number, confirmation: Uint8Array): Uint8Array {
  const asb = enableAsb(asbMask);
  const startsWithInit = job.length >= 2 && job[0] === 0x1b && job[1] === 0x40;
  if (!startsWithInit) return concatBytes(job, asb, confirmation);
  return concatBytes(INITIALIZE, asb, job.subarray(2), asb, confirmation);
}
