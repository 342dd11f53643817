/**
 * Real-time commands inside other commands' data, for printer models that execute them there:
 * "the status is transmitted whenever the data sequence 10 04 n is received", inside `ESC *`
 * image data too (Epson TM-T88III and TM-T85 DLE EOT notes; Citizen CBM1000 and HPRT TP809
 * say the same). Wraps the parser: bytes go through it unchanged, and each DLE EOT / DLE ENQ /
 * DLE DC4 met while the parser is inside a command is reported as well, in stream order.
 */
import { DLE, lookupCommand, type CommandSpec } from './command-table.js';
import type { EscPosParser, ParsedCommand, ParsedOp } from './parser.js';

export type ScannedItem = { op: ParsedOp } | { embedded: ParsedCommand };

/** DLE EOT, DLE ENQ, DLE DC4. */
const REALTIME_SECOND_BYTES: ReadonlySet<number> = new Set([0x04, 0x05, 0x14]);

export class EmbeddedRealtimeScanner {
  private head: number[] = [];
  private spec: CommandSpec | undefined;
  /** Whether the DLE that started `head` came while the parser was inside another command. */
  private inData = false;

  constructor(private readonly parser: EscPosParser) {}

  /** Forget a half-seen sequence (buffer clear, power off). */
  reset(): void {
    this.head = [];
    this.spec = undefined;
  }

  scan(bytes: Uint8Array): ScannedItem[] {
    const out: ScannedItem[] = [];
    let from = 0;
    const parseUpTo = (end: number) => {
      for (const op of this.parser.push(bytes.subarray(from, end))) out.push({ op });
      from = end;
    };
    const startAt = (i: number) => {
      parseUpTo(i); // the parser's state just before this DLE says whether it is data
      this.inData = this.parser.pendingBytes > 0;
      this.head = [DLE];
    };
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (this.head.length === 0) {
        if (b === DLE) startAt(i);
        continue;
      }
      this.head.push(b);
      if (this.head.length === 2) {
        this.spec = REALTIME_SECOND_BYTES.has(b) ? lookupCommand(DLE, b) : undefined;
        if (!this.spec) {
          this.head = [];
          if (b === DLE) startAt(i);
          continue;
        }
      }
      const size = this.spec!.size(Uint8Array.from(this.head));
      if (typeof size === 'number' && this.head.length >= size) {
        const command = Uint8Array.from(this.head);
        this.head = [];
        parseUpTo(i + 1);
        if (this.inData) {
          out.push({ embedded: { type: 'command', name: this.spec!.name, bytes: command, size: command.length, realtime: true, known: true } });
        }
      }
    }
    parseUpTo(bytes.length);
    return out;
  }
}
