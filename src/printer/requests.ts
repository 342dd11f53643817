/**
 * The request bytes the printer link sends on its own (escpos-status.md §1.2–1.7), built by the
 * encoder's command builders, and how a job is framed for confirmed printing.
 */
import { randomInt } from 'node:crypto';
import { clearBuffers, concatBytes, enableAsb, initialize, recover, transmitStatus } from '../escpos/commands.js';

export { concatBytes, enableAsb, printerInfo, processIdRequest, realtimeStatus } from '../escpos/commands.js';

/** GS a items enabled by default: drawer, online/offline, error, roll paper (0x0F). */
export const ASB_MASK = 0x0f;
/** `1D 72 31`: GS r 1, answered once everything before it was processed. */
export const TRANSMIT_PAPER_STATUS = transmitStatus(49);
/** `10 14 08 01 03 14 01 06 02 08`: DLE DC4 fn 8; reply `37 25 00`. */
export const CLEAR_BUFFERS = clearBuffers();
/** `10 05 02`: DLE ENQ 2, recover after clearing the buffers (printers without DLE DC4 fn 8). */
export const RECOVER_CLEARING_BUFFERS = recover(2);
/** `1B 40`: ESC @ (turns ASB off). */
export const INITIALIZE = initialize();

/** Process IDs use the characters 0x30–0x7E (accepted by `processIdRequest`; no spaces in logs). */
export const ID_FIRST_CHAR = 0x30;
export const ID_ALPHABET = 0x7e - ID_FIRST_CHAR + 1;
const ID_SPACE = ID_ALPHABET ** 4;

/**
 * Frames a job for confirmed printing. ESC @ turns ASB off, so when the job starts with it,
 * `GS a` goes right after it (faults while the job prints are pushed at once); `GS a` is sent
 * again after the body (a job may contain further ESC @), and the confirmation request last.
 */
export function frameJob(job: Uint8Array, asbMask: number, confirmation: Uint8Array): Uint8Array {
  const asb = enableAsb(asbMask);
  const startsWithInit = job.length >= 2 && job[0] === 0x1b && job[1] === 0x40;
  if (!startsWithInit) return concatBytes([job, asb, confirmation]);
  return concatBytes([INITIALIZE, asb, job.subarray(2), asb, confirmation]);
}

/** The `n`th process ID (0 ≤ n < ID_ALPHABET⁴) as 4 characters. */
export function processIdAt(n: number): string {
  let id = '';
  for (let i = 0; i < 4; i++) {
    id = String.fromCharCode(ID_FIRST_CHAR + (n % ID_ALPHABET)) + id;
    n = Math.floor(n / ID_ALPHABET);
  }
  return id;
}

/** The IDs for GS ( H: a counter over the printer's lifetime, so an ID is never reused across connections. */
export class ProcessIdCounter {
  private counter: number;

  /** `seed`: the first counter value (0 ≤ seed < ID_ALPHABET⁴); random by default. */
  constructor(seed?: number) {
    this.counter = seed ?? randomInt(ID_SPACE);
  }

  next(): string {
    const id = processIdAt(this.counter);
    this.counter = (this.counter + 1) % ID_SPACE;
    return id;
  }
}
