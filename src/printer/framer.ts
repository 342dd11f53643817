/**
 * The one reader of the printer's byte stream. ESC/POS printers mix several kinds of reply on
 * the same line; the "transmission status identification" table (escpos-status.md §1.1) tells
 * them apart by bit patterns. This framer is a pure byte-at-a-time state machine: it never
 * throws, keeps at most `maxBlockLength` bytes, and gives the same replies however the input
 * is chunked. It resynchronises on its own: a broken ASB frame, a block that runs too long or
 * holds a control byte is reported as garbage and the byte that broke it is read afresh.
 */

export type Reply =
  | { type: 'xon' }
  | { type: 'xoff' }
  /** One DLE EOT reply byte (`0xx1xx10`). Which n it answers is known only to the requester. */
  | { type: 'realtime-status'; value: number }
  /** A complete 4-byte Automatic Status Back frame. */
  | { type: 'asb'; bytes: [number, number, number, number] }
  /** `37 22 d1 d2 d3 d4 00`: GS ( H fn 48 process ID response. */
  | { type: 'process-id'; id: string }
  /** `37 25 00`: DLE DC4 fn 8 (clear buffers) response. */
  | { type: 'clear-response' }
  /** `37 23 cause… 00`: GS ( H fn 49 offline response. */
  | { type: 'offline-response'; cause: Uint8Array }
  /** `5F text 00`: GS I printer information B (maker, model, serial, firmware, language). */
  | { type: 'printer-info'; text: string }
  /** Any other `header … NUL` block (0x35, 0x37 with another identifier, 0x3B, 0x3D). */
  | { type: 'block'; header: number; data: Uint8Array }
  /** A one-byte GS r / GS I reply (`0xx0xxxx`); the requester knows which one is outstanding. */
  | { type: 'byte'; value: number }
  /** Bytes that fit no reply form, or a frame broken off; reported so they can be logged. */
  | { type: 'garbage'; bytes: Uint8Array };

export const XON = 0x11;
export const XOFF = 0x13;
const NUL = 0x00;
const BLOCK_HEADERS: ReadonlySet<number> = new Set([0x35, 0x37, 0x3b, 0x3d, 0x5f]);
const PROCESS_ID = 0x22;
const OFFLINE_RESPONSE = 0x23;
const CLEAR_RESPONSE = 0x25;

export const isRealtimeStatusByte = (b: number): boolean => (b & 0x93) === 0x12;
export const isAsbFirstByte = (b: number): boolean => (b & 0x93) === 0x10;
/** Pattern `0xx0xxxx`: ASB bytes 2–4 and one-byte GS r / GS I replies. */
export const isPlainByte = (b: number): boolean => (b & 0x90) === 0;

export interface ReplyFramerOptions {
  /** Longest `header … NUL` payload kept before the block is dropped as garbage (default 256). */
  maxBlockLength?: number;
}

type State = 'idle' | 'asb' | 'block';

export class ReplyFramer {
  private readonly maxBlockLength: number;
  private state: State = 'idle';
  private readonly asb: number[] = [];
  private header = 0;
  private readonly block: Uint8Array;
  private blockLength = 0;

  constructor(options: ReplyFramerOptions = {}) {
    this.maxBlockLength = Math.max(8, Math.floor(options.maxBlockLength ?? 256));
    this.block = new Uint8Array(this.maxBlockLength);
  }

  /** True between replies: no partial frame is held. */
  get idle(): boolean {
    return this.state === 'idle';
  }

  /** Bytes held for an unfinished frame (never more than `maxBlockLength + 1`). */
  get buffered(): number {
    if (this.state === 'asb') return this.asb.length;
    if (this.state === 'block') return 1 + this.blockLength;
    return 0;
  }

  /** Forgets any partial frame, e.g. when a new connection starts. */
  reset(): void {
    this.state = 'idle';
    this.asb.length = 0;
    this.blockLength = 0;
  }

  push(bytes: Uint8Array): Reply[] {
    const out: Reply[] = [];
    for (let i = 0; i < bytes.length; i++) this.feed(bytes[i]! & 0xff, out);
    return out;
  }

  private feed(b: number, out: Reply[]): void {
    // XON/XOFF are exact values and may interrupt ASB frames and blocks (§1.1).
    if (b === XON) {
      out.push({ type: 'xon' });
      return;
    }
    if (b === XOFF) {
      out.push({ type: 'xoff' });
      return;
    }
    if (this.state === 'asb') {
      if (isPlainByte(b)) {
        this.asb.push(b);
        if (this.asb.length === 4) {
          const [b1, b2, b3, b4] = this.asb as [number, number, number, number];
          out.push({ type: 'asb', bytes: [b1, b2, b3, b4] });
          this.reset();
        }
        return;
      }
      // A broken frame: report what we held, then read this byte afresh.
      out.push({ type: 'garbage', bytes: Uint8Array.from(this.asb) });
      this.reset();
    } else if (this.state === 'block') {
      if (b === NUL) {
        out.push(this.finishBlock());
        this.reset();
        return;
      }
      if (b < 0x20) {
        // Block payloads are text-like (IDs 0x20–0x7E, causes 0x40–0x7F, ASCII names): a control
        // byte such as a DLE EOT reply means the "header" was garbage. Drop it, read this byte afresh.
        out.push({ type: 'garbage', bytes: this.heldBlock() });
        this.reset();
        this.feedIdle(b, out);
        return;
      }
      if (this.blockLength < this.maxBlockLength) {
        this.block[this.blockLength++] = b;
      } else {
        // An endless block: drop it and resynchronise on the following bytes.
        out.push({ type: 'garbage', bytes: Uint8Array.of(...this.heldBlock(), b) });
        this.reset();
      }
      return;
    }
    this.feedIdle(b, out);
  }

  private feedIdle(b: number, out: Reply[]): void {
    if (isRealtimeStatusByte(b)) {
      out.push({ type: 'realtime-status', value: b });
    } else if (isAsbFirstByte(b)) {
      this.state = 'asb';
      this.asb.push(b);
    } else if (BLOCK_HEADERS.has(b)) {
      this.state = 'block';
      this.header = b;
      this.blockLength = 0;
    } else if (isPlainByte(b)) {
      out.push({ type: 'byte', value: b });
    } else {
      out.push({ type: 'garbage', bytes: Uint8Array.of(b) });
    }
  }

  private heldBlock(): Uint8Array {
    const held = new Uint8Array(this.blockLength + 1);
    held[0] = this.header;
    held.set(this.block.subarray(0, this.blockLength), 1);
    return held;
  }

  private finishBlock(): Reply {
    const data = this.block.slice(0, this.blockLength);
    if (this.header === 0x5f) return { type: 'printer-info', text: latin1(data) };
    if (this.header === 0x37) {
      const identifier = data[0];
      if (identifier === PROCESS_ID && data.length === 5 && data.subarray(1).every(isIdChar)) {
        return { type: 'process-id', id: latin1(data.subarray(1)) };
      }
      if (identifier === CLEAR_RESPONSE && data.length === 1) return { type: 'clear-response' };
      if (identifier === OFFLINE_RESPONSE) return { type: 'offline-response', cause: data.slice(1) };
    }
    return { type: 'block', header: this.header, data };
  }
}

/** Process ID characters are printable ASCII, 0x20–0x7E (GS ( H fn 48). */
export const isIdChar = (b: number): boolean => b >= 0x20 && b <= 0x7e;

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}
