/** Where the encoder puts its output: bytes (`encode`) or an inspectable command list (`encodeCommands`). */
import { ByteWriter } from './writer.js';

/** One emitted command or run of text; `type` names it (`ESC t`, `text`, `GS k`, ...). */
export interface EncodedCommand {
  type: string;
  payload: Uint8Array;
}

export type EncodeWarningCode =
  | 'UNENCODABLE'
  | 'CONTROL_CHARACTER'
  | 'BARCODE_TOO_LONG'
  | 'QR_TOO_LONG'
  | 'UNSUPPORTED'
  | 'IMAGE_INVALID';

export interface EncodeWarning {
  code: EncodeWarningCode;
  /** JSON path of the block (and field) concerned, e.g. `content[4].text`. */
  path: string;
  /** The character replaced, for UNENCODABLE / CONTROL_CHARACTER. */
  char?: string;
  message: string;
}

export interface CommandSink {
  emit(type: string, payload: Uint8Array): void;
}

export class BytesSink implements CommandSink {
  readonly writer = new ByteWriter(4096);
  emit(_type: string, payload: Uint8Array): void {
    this.writer.write(payload);
  }
}

export class CommandListSink implements CommandSink {
  readonly commands: EncodedCommand[] = [];
  emit(type: string, payload: Uint8Array): void {
    this.commands.push({ type, payload });
  }
}

/** Collects warnings, once per (code, path, char). */
export class Warnings {
  readonly list: EncodeWarning[] = [];
  private readonly seen = new Set<string>();

  add(warning: EncodeWarning): void {
    const key = `${warning.code}\u0000${warning.path}\u0000${warning.char ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(warning);
  }
}
