/**
 * Text to printer bytes. Every character goes through the table the profile has for it:
 * ASCII as is, East Asian wide characters in Kanji mode (FS & + GB18030) on GB18030 profiles,
 * everything else through the current ESC t table if it has it, otherwise the first table in
 * profile order that does. ESC t / FS & / FS . are emitted only when the choice changes.
 */
import * as cmd from './commands.js';
import { gb18030Bytes, isPrintableAscii, singleByte } from './codepages.js';
import type { CodeTable, PrinterProfile } from './profiles.js';
import type { CommandSink, Warnings } from './sink.js';
import { charWidth } from './width.js';

function hex(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

/** Code table and Kanji mode as the printer has them; `undefined` = unknown (after raw bytes). */
export interface CharsetState {
  table: number | undefined;
  kanji: boolean | undefined;
}

export class TextEncoder {
  constructor(
    private readonly profile: PrinterProfile,
    readonly state: CharsetState = { table: undefined, kanji: undefined },
  ) {}

  /** Whether the profile can print `cp` at all. */
  canPrint(cp: number): boolean {
    return isPrintableAscii(cp) || this.tableFor(cp) !== undefined || this.gbFor(cp) !== undefined;
  }

  /**
   * Makes `text` printable on this profile: NFC, tab → space, `\n` kept when `keepNewlines`;
   * other control characters and characters no table has become `?` (zero-width marks are
   * dropped), each with a warning.
   */
  sanitize(text: string, path: string, warnings: Warnings, keepNewlines = true): string {
    let out = '';
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0)!;
      if (cp === 0x0a) out += keepNewlines ? '\n' : ' ';
      else if (cp === 0x09) out += ' ';
      else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
        warnings.add({
          code: 'CONTROL_CHARACTER',
          path,
          char: ch,
          message: `control character ${hex(cp)} printed as "?" (text can never form printer commands)`,
        });
        out += '?';
      } else if (this.canPrint(cp)) out += ch;
      else {
        const zeroWidth = charWidth(cp) === 0;
        warnings.add({
          code: 'UNENCODABLE',
          path,
          char: ch,
          message: `"${ch}" (${hex(cp)}) is in no character table of ${this.profile.name}; ${zeroWidth ? 'dropped' : 'printed as "?"'}`,
        });
        if (!zeroWidth) out += '?';
      }
    }
    return out;
  }

  /** Emits sanitized `text` (no newlines) with the table switches it needs. */
  write(text: string, sink: CommandSink): void {
    let run: number[] = [];
    const flush = (): void => {
      if (run.length > 0) sink.emit('text', Uint8Array.from(run));
      run = [];
    };
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (isPrintableAscii(cp)) {
        run.push(cp);
        continue;
      }
      const gb = charWidth(cp) === 2 ? this.gbFor(cp) : undefined;
      if (gb) {
        this.enterKanji(sink, flush);
        run.push(...gb);
        continue;
      }
      const current = this.currentTable();
      const table = current && singleByte(current.encoding, cp) !== undefined ? current : this.tableFor(cp);
      if (table) {
        if (this.profile.gb18030 && this.state.kanji !== false) {
          flush();
          sink.emit('FS .', cmd.kanjiModeOff());
          this.state.kanji = false;
        }
        if (this.state.table !== table.escT) {
          flush();
          sink.emit('ESC t', cmd.codeTable(table.escT));
          this.state.table = table.escT;
        }
        run.push(singleByte(table.encoding, cp)!);
        continue;
      }
      const fallback = this.gbFor(cp);
      if (fallback) {
        this.enterKanji(sink, flush);
        run.push(...fallback);
        continue;
      }
      run.push(0x3f); // unreachable for sanitized text; never let a byte through unchecked
    }
    flush();
  }

  /** Puts the printer in a known state: Kanji mode off (GB18030 profiles) and the default table. */
  selectDefaults(sink: CommandSink): void {
    if (this.profile.gb18030) {
      sink.emit('FS .', cmd.kanjiModeOff());
      this.state.kanji = false;
    }
    const first = this.profile.codeTables[0]!;
    sink.emit('ESC t', cmd.codeTable(first.escT));
    this.state.table = first.escT;
  }

  private enterKanji(sink: CommandSink, flush: () => void): void {
    if (this.state.kanji === true) return;
    flush();
    sink.emit('FS &', cmd.kanjiModeOn());
    this.state.kanji = true;
  }

  private currentTable(): CodeTable | undefined {
    return this.profile.codeTables.find((t) => t.escT === this.state.table);
  }

  private tableFor(cp: number): CodeTable | undefined {
    return this.profile.codeTables.find((t) => singleByte(t.encoding, cp) !== undefined);
  }

  private gbFor(cp: number): Uint8Array | undefined {
    return this.profile.gb18030 ? gb18030Bytes(cp) : undefined;
  }
}
