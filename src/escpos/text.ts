/**
 * Text to printer bytes. Every character goes through the table the profile has for it:
 * ASCII as is, East Asian wide characters in Kanji mode (FS & + GB18030) on GB18030 profiles,
 * everything else through the current ESC t table if it has it, otherwise the first table in
 * profile order that does. ESC t / FS & / FS . are emitted only when the choice changes.
 */
import * as fixed from './fixed.js';
import { gb18030Bytes, isPrintableAscii, singleByte } from './codepages.js';
import type { CodeTable, PrinterProfile } from './profiles.js';
import type { CommandSink, Warnings } from './sink.js';
import { charWidth } from './width.js';

/** Text that every table prints as is, one byte per character, one column each. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const PRINTABLE_ASCII_LINES = /^[\x20-\x7e\n]*$/;

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
    // Printable ASCII is already NFC and printable everywhere.
    if (PRINTABLE_ASCII.test(text) || (keepNewlines && PRINTABLE_ASCII_LINES.test(text))) return text;
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

  /** Emits sanitized `text` (no newlines) as one text run, with the table switches it needs. */
  write(text: string, sink: CommandSink): void {
    if (PRINTABLE_ASCII.test(text)) {
      sink.text(text);
      return;
    }
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (isPrintableAscii(cp)) {
        sink.textByte(cp);
        continue;
      }
      const gb = charWidth(cp) === 2 ? this.gbFor(cp) : undefined;
      if (gb) {
        this.enterKanji(sink);
        sink.textBytes(gb);
        continue;
      }
      const current = this.currentTable();
      const table = current && singleByte(current.encoding, cp) !== undefined ? current : this.tableFor(cp);
      if (table) {
        if (this.profile.gb18030 && this.state.kanji !== false) {
          sink.emit('FS .', fixed.KANJI_OFF);
          this.state.kanji = false;
        }
        if (this.state.table !== table.escT) {
          sink.emit('ESC t', fixed.codeTable(table.escT));
          this.state.table = table.escT;
        }
        sink.textByte(singleByte(table.encoding, cp)!);
        continue;
      }
      const fallback = this.gbFor(cp);
      if (fallback) {
        this.enterKanji(sink);
        sink.textBytes(fallback);
        continue;
      }
      sink.textByte(0x3f); // unreachable for sanitized text; never let a byte through unchecked
    }
  }

  /** Puts the printer in a known state: Kanji mode off (GB18030 profiles) and the default table. */
  selectDefaults(sink: CommandSink): void {
    if (this.profile.gb18030) {
      sink.emit('FS .', fixed.KANJI_OFF);
      this.state.kanji = false;
    }
    const first = this.profile.codeTables[0]!;
    sink.emit('ESC t', fixed.codeTable(first.escT));
    this.state.table = first.escT;
  }

  private enterKanji(sink: CommandSink): void {
    if (this.state.kanji === true) return;
    sink.emit('FS &', fixed.KANJI_ON);
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
