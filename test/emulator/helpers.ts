import { ManualClock } from '../../src/emulator/clock.js';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/virtual-printer.js';

export const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');
export const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');
export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const concat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

export const PROCESS_ID = (id: string) => concat(hex('1d 28 48 06 00 30 30'), ascii(id));
export const CUT = hex('1d 56 00');
export const CLEAR = hex('10 14 08 01 03 14 01 06 02 08');

/** An in-memory printer on a manual clock that records every reply as hex. */
export function memoryPrinter(options: VirtualPrinterOptions = {}) {
  const clock = new ManualClock();
  const printer = new VirtualPrinter({ clock, ...options });
  const replies: string[] = [];
  printer.onReply((bytes) => replies.push(toHex(bytes)));
  const send = (...parts: (Uint8Array | string)[]) => {
    for (const part of parts) {
      let bytes = typeof part === 'string' ? hex(part) : part;
      // Like a link with backpressure: offer the rest again while the buffer takes some.
      for (let taken = 1; bytes.length > 0 && taken > 0; bytes = bytes.subarray(taken)) taken = printer.receive(bytes);
    }
  };
  /** DLE EOT 1..4 replies as one hex string, e.g. `12121212`. */
  const eot = (): string => {
    const before = replies.length;
    send('10 04 01 10 04 02 10 04 03 10 04 04');
    return replies.splice(before).join('');
  };
  return { clock, printer, replies, send, eot };
}
