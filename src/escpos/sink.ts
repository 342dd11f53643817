/** Where the encoder puts its output: bytes (`encode`) or an inspectable command list (`encodeCommands`). */
import { ByteWriter } from './writer.js';

/** One emitted command or run of text; `type` names it (`ESC t`, `text`, `GS k`, ...). */
export interface EncodedCommand {
  type: string;
  payload: Uint8Array;
}

export type EncodeWarningCode = 'UNENCODABLE' | 'CONTROL_CHARACTER' | 'BARCODE_TOO_LONG' | 'QR_TOO_LONG' | 'UNSUPPORTED' | 'IMAGE_INVALID';

export interface EncodeWarning {
  code: EncodeWarningCode;
  /** JSON path of the block (and field) concerned, e.g. `content[4].text`. */
  path: string;
  /** The character replaced, for UNENCODABLE / CONTROL_CHARACTER. */
  char?: string;
  message: string;
}

/**
 * Text goes in as a run (`text`, `textByte`, `textBytes`) that the next `emit` ends, so printing
 * a line costs no intermediate arrays. A payload may be a shared constant: a sink that keeps
 * payloads must copy them.
 */
export interface CommandSink {
  emit(type: string, payload: Uint8Array): void;
  /** Appends `latin1[start, end)`, character codes 0–255 (in practice printable ASCII), to the text run. */
  text(latin1: string, start?: number, end?: number): void;
  textByte(byte: number): void;
  textBytes(bytes: Uint8Array): void;
  /** Appends `count` copies of `byte` (padding, rule lines). */
  textRepeat(byte: number, count: number): void;
}

export class BytesSink implements CommandSink {
  constructor(readonly writer = new ByteWriter(4096)) {}
  emit(_type: string, payload: Uint8Array): void {
    this.writer.write(payload);
  }
  text(latin1: string, start?: number, end?: number): void {
    this.writer.writeLatin1(latin1, start, end);
  }
  textByte(byte: number): void {
    this.writer.writeByte(byte);
  }
  textBytes(bytes: Uint8Array): void {
    this.writer.write(bytes);
  }
  textRepeat(byte: number, count: number): void {
    this.writer.repeat(byte, count);
  }
}

export class CommandListSink implements CommandSink {
  private readonly list: EncodedCommand[] = [];
  private run = new ByteWriter(64);

  /** The commands so far, the current text run included. */
  get commands(): EncodedCommand[] {
    this.endRun();
    return this.list;
  }
  emit(type: string, payload: Uint8Array): void {
    this.endRun();
    this.list.push({ type, payload: payload.slice() });
  }
  text(latin1: string, start?: number, end?: number): void {
    this.run.writeLatin1(latin1, start, end);
  }
  textByte(byte: number): void {
    this.run.writeByte(byte);
  }
  textBytes(bytes: Uint8Array): void {
    this.run.write(bytes);
  }
  textRepeat(byte: number, count: number): void {
    this.run.repeat(byte, count);
  }
  private endRun(): void {
    if (this.run.size === 0) return;
    this.list.push({ type: 'text', payload: this.run.toBytes() });
    this.run = new ByteWriter(64);
  }
}

/** Collects warnings, once per (code, path, char). */
export class Warnings {
  readonly list: EncodeWarning[] = [];
  /** Made on the first warning: most receipts have none. */
  private seen: Set<string> | undefined;

  add(warning: EncodeWarning): void {
    const key = `${warning.code}\u0000${warning.path}\u0000${warning.char ?? ''}`;
    const seen = (this.seen ??= new Set());
    if (seen.has(key)) return;
    seen.add(key);
    this.list.push(warning);
  }
}
