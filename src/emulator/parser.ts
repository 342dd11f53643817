/**
 * Incremental ESC/POS parser. Bytes arrive in arbitrary chunks; a command may be split
 * anywhere. Each `push` returns the operations completed by that chunk, in stream order.
 * It never throws: unknown commands are skipped (2 bytes: prefix and command byte) and
 * reported as `known: false`, absurd lengths simply consume the stream as a printer would.
 */
import { isCommandPrefix, lookupCommand, unknownCommandName, type CommandSpec } from './command-table.js';

export type ParsedOp =
  /** Printable bytes (0x20–0xFF), still encoded: decoding depends on the printer's state. */
  | { readonly type: 'text'; readonly bytes: Uint8Array; readonly size: number }
  /** A single control byte outside any command: LF, HT, CR, FF, CAN, or an ignored one. */
  | { readonly type: 'control'; readonly byte: number; readonly size: number }
  | ParsedCommand;

export interface ParsedCommand {
  readonly type: 'command';
  readonly name: string;
  /** The command's bytes. For payloads over `keepLimit` only the header is kept. */
  readonly bytes: Uint8Array;
  /** Bytes the command occupied in the stream (and in the receive buffer). */
  readonly size: number;
  readonly realtime: boolean;
  readonly known: boolean;
  /** A NUL-terminated command that hit the length cap before its NUL. */
  readonly truncated?: boolean;
}

/** Payloads up to this size are kept whole (2D codes, barcodes); bigger ones (images) are skipped. */
const DEFAULT_KEEP_LIMIT = 70_000;
/** GS k form A and ESC D are short; a missing NUL must not swallow the stream forever. */
const NUL_TERMINATED_CAP = 512;

type Mode =
  | { kind: 'idle' }
  | { kind: 'head'; spec: CommandSpec | undefined; head: number[] }
  | { kind: 'body'; spec: CommandSpec; buffer: Uint8Array; filled: number }
  | { kind: 'skip'; spec: CommandSpec; header: Uint8Array; total: number; remaining: number }
  | { kind: 'nul'; spec: CommandSpec; bytes: number[] };

export interface EscPosParserOptions {
  /**
   * Command families this printer does not know, by name (e.g. `GS (` on a clone that does not
   * parse `GS (` lengths): their two bytes are skipped as unknown and the rest reads as text.
   */
  unknownCommands?: readonly string[];
}

export class EscPosParser {
  private mode: Mode = { kind: 'idle' };
  private readonly unknownCommands: ReadonlySet<string>;

  constructor(
    private readonly keepLimit = DEFAULT_KEEP_LIMIT,
    options: EscPosParserOptions = {},
  ) {
    this.unknownCommands = new Set(options.unknownCommands ?? []);
  }

  /** Bytes of an unfinished command held by the parser. */
  get pendingBytes(): number {
    switch (this.mode.kind) {
      case 'idle':
        return 0;
      case 'head':
        return this.mode.head.length;
      case 'body':
        return this.mode.filled;
      case 'skip':
        return this.mode.total - this.mode.remaining;
      case 'nul':
        return this.mode.bytes.length;
    }
  }

  /**
   * Bytes of an unfinished non-real-time command whose length is known: the printer may process
   * them before the command ends (image data streams into the image buffer). 0 otherwise.
   */
  get streamableBytes(): number {
    const mode = this.mode;
    if (mode.kind === 'idle' || mode.kind === 'head' || mode.spec.realtime) return 0;
    return this.pendingBytes;
  }

  /** Forget a half-received command (buffer clear, power off). */
  reset(): void {
    this.mode = { kind: 'idle' };
  }

  push(chunk: Uint8Array): ParsedOp[] {
    const ops: ParsedOp[] = [];
    let i = 0;
    while (i < chunk.length) {
      const mode = this.mode;
      if (mode.kind === 'idle') {
        i = this.readIdle(chunk, i, ops);
      } else if (mode.kind === 'head') {
        mode.head.push(chunk[i++]!);
        this.advanceHead(mode, ops);
      } else if (mode.kind === 'body') {
        const take = Math.min(chunk.length - i, mode.buffer.length - mode.filled);
        mode.buffer.set(chunk.subarray(i, i + take), mode.filled);
        mode.filled += take;
        i += take;
        if (mode.filled === mode.buffer.length) this.finish(ops, mode.spec, mode.buffer, mode.buffer.length);
      } else if (mode.kind === 'skip') {
        const take = Math.min(chunk.length - i, mode.remaining);
        mode.remaining -= take;
        i += take;
        if (mode.remaining === 0) this.finish(ops, mode.spec, mode.header, mode.total);
      } else {
        const byte = chunk[i++]!;
        mode.bytes.push(byte);
        if (byte === 0) {
          this.finish(ops, mode.spec, Uint8Array.from(mode.bytes), mode.bytes.length);
        } else if (mode.bytes.length >= NUL_TERMINATED_CAP) {
          this.finish(ops, mode.spec, Uint8Array.from(mode.bytes), mode.bytes.length, true);
        }
      }
    }
    return ops;
  }

  private readIdle(chunk: Uint8Array, start: number, ops: ParsedOp[]): number {
    let i = start;
    while (i < chunk.length && chunk[i]! >= 0x20) i++;
    if (i > start) ops.push({ type: 'text', bytes: chunk.slice(start, i), size: i - start });
    if (i >= chunk.length) return i;
    const byte = chunk[i]!;
    if (isCommandPrefix(byte)) {
      this.mode = { kind: 'head', spec: undefined, head: [byte] };
    } else {
      ops.push({ type: 'control', byte, size: 1 });
    }
    return i + 1;
  }

  private advanceHead(mode: Extract<Mode, { kind: 'head' }>, ops: ParsedOp[]): void {
    const head = mode.head;
    if (head.length === 2) {
      const spec = lookupCommand(head[0]!, head[1]!);
      mode.spec = spec && !this.unknownCommands.has(spec.name) ? spec : undefined;
      if (!mode.spec) {
        this.mode = { kind: 'idle' };
        ops.push({
          type: 'command',
          name: unknownCommandName(head[0]!, head[1]!),
          bytes: Uint8Array.from(head),
          size: 2,
          realtime: false,
          known: false,
        });
        return;
      }
    }
    const spec = mode.spec;
    if (!spec) return;
    const size = spec.size(Uint8Array.from(head));
    if (size === 'nul') {
      this.mode = { kind: 'nul', spec, bytes: head };
      return;
    }
    if (typeof size !== 'number') return; // needs more header bytes
    if (size <= head.length) {
      this.finish(ops, spec, Uint8Array.from(head), head.length);
    } else if (size <= this.keepLimit) {
      const buffer = new Uint8Array(size);
      buffer.set(head);
      this.mode = { kind: 'body', spec, buffer, filled: head.length };
    } else {
      this.mode = { kind: 'skip', spec, header: Uint8Array.from(head), total: size, remaining: size - head.length };
    }
  }

  private finish(ops: ParsedOp[], spec: CommandSpec, bytes: Uint8Array, size: number, truncated = false): void {
    this.mode = { kind: 'idle' };
    ops.push({
      type: 'command',
      name: commandName(spec, bytes),
      bytes,
      size,
      realtime: spec.realtime ?? false,
      known: true,
      ...(truncated ? { truncated } : {}),
    });
  }
}

/** `GS (` and friends are named with their function letter: `GS ( k`, `GS ( H`, `GS v 0`. */
function commandName(spec: CommandSpec, bytes: Uint8Array): string {
  const third = bytes[2];
  if (third === undefined) return spec.name;
  if (spec.name.endsWith('(') || spec.name === 'GS 8' || spec.name === 'GS v') {
    return `${spec.name} ${String.fromCharCode(third)}`;
  }
  return spec.name;
}
