/**
 * Text to printer bytes. Every character goes through the table the profile has for it:
 * ASCII as is, East Asian wide characters in Kanji mode (FS & + GB18030) on GB18030 profiles,
 * everything else through the current ESC t table if it has it, otherwise the first table in
 * profile order that does. ESC t / FS & / FS . are emitted only when the choice changes.
 */
import * as fixed from './fixed.js';
import { gb18030Bytes, isPrintableAscii, reverseMap } from './codepages.js';
import type { CodeTable, PrinterProfile } from './profiles.js';
import type { CommandSink, Warnings } from './sink.js';
import { charWidth } from './width.js';

/** Text that every table prints as is, one byte per character, one column each. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const PRINTABLE_ASCII_LINES = /^[\x20-\x7e\n]*$/;

/**
 * UTF-16 units that NFC leaves alone in any string made only of them: no decomposition, combining
 * class 0, never the second half of a composition (checked in text.test.ts). Text made of these
 * needs no normalize() call.
 */
export function isNfcInert(unit: number): boolean {
  return (
    unit < 0x0300 ||
    (unit >= 0x4e00 && unit <= 0x9fff) || // CJK unified ideographs
    (unit >= 0x3000 && unit <= 0x3029) || // CJK symbols and punctuation (0x302a–0x302f are combining)
    (unit >= 0xff01 && unit <= 0xff60) || // fullwidth ASCII variants
    (unit >= 0xffe0 && unit <= 0xffe6) // fullwidth signs
  );
}

function hex(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

/** Code table and Kanji mode as the printer has them; `undefined` = unknown (after raw bytes). */
export interface CharsetState {
  table: number | undefined;
  kanji: boolean | undefined;
}

/** Per-character answers for one profile's tables, looked up once per character and kept. */
class Charsets {
  private readonly maps: (Map<number, number> | undefined)[];
  /** canPrint answers for the BMP: 0 not asked yet, 1 yes, 2 no (typed: no hashing per character). */
  private readonly printableBmp = new Uint8Array(0x10000);
  private readonly printableAstral = new Map<number, boolean>();
  private readonly firstTable = new Map<number, number>();

  constructor(
    readonly tables: readonly CodeTable[],
    readonly gb18030: boolean,
  ) {
    this.maps = tables.map(() => undefined);
  }

  /** The byte for `cp` in table `index`, or undefined. */
  byte(index: number, cp: number): number | undefined {
    if (isPrintableAscii(cp)) return cp;
    return (this.maps[index] ??= reverseMap(this.tables[index]!.encoding)).get(cp);
  }

  /** Index of the first table (profile order) that has `cp`, or -1. */
  tableFor(cp: number): number {
    let index = this.firstTable.get(cp);
    if (index === undefined) {
      index = this.tables.findIndex((_, i) => this.byte(i, cp) !== undefined);
      this.firstTable.set(cp, index);
    }
    return index;
  }

  /** Index of the first table selected by ESC t `escT`, or -1. */
  indexOf(escT: number | undefined): number {
    return escT === undefined ? -1 : this.tables.findIndex((t) => t.escT === escT);
  }

  gb(cp: number): Uint8Array | undefined {
    return this.gb18030 ? gb18030Bytes(cp) : undefined;
  }

  canPrint(cp: number): boolean {
    if (cp <= 0xffff) {
      const known = this.printableBmp[cp];
      if (known !== 0) return known === 1;
      const can = this.lookUpPrintable(cp);
      this.printableBmp[cp] = can ? 1 : 2;
      return can;
    }
    let can = this.printableAstral.get(cp);
    if (can === undefined) this.printableAstral.set(cp, (can = this.lookUpPrintable(cp)));
    return can;
  }

  private lookUpPrintable(cp: number): boolean {
    return isPrintableAscii(cp) || this.tableFor(cp) >= 0 || this.gb(cp) !== undefined;
  }
}

/**
 * Keyed by the table list, which copies of a profile share (`{ ...profile }`), and the GB18030
 * flag. Table lists are data, treated as immutable: a profile given a new list gets new answers.
 */
const charsetsByTables = new WeakMap<readonly CodeTable[], { gb18030?: Charsets; plain?: Charsets }>();

function charsetsFor(profile: PrinterProfile): Charsets {
  let byFlag = charsetsByTables.get(profile.codeTables);
  if (!byFlag) charsetsByTables.set(profile.codeTables, (byFlag = {}));
  const gb18030 = Boolean(profile.gb18030);
  return gb18030 ? (byFlag.gb18030 ??= new Charsets(profile.codeTables, true)) : (byFlag.plain ??= new Charsets(profile.codeTables, false));
}

export class TextEncoder {
  private readonly charsets: Charsets;

  constructor(
    private readonly profile: PrinterProfile,
    readonly state: CharsetState = { table: undefined, kanji: undefined },
  ) {
    this.charsets = charsetsFor(profile);
  }

  /** Whether the profile can print `cp` at all. */
  canPrint(cp: number): boolean {
    return this.charsets.canPrint(cp);
  }

  /**
   * Makes `text` printable on this profile: NFC, tab → space, `\n` kept when `keepNewlines`;
   * other control characters and characters no table has become `?` (zero-width marks are
   * dropped), each with a warning.
   */
  sanitize(text: string, path: string, warnings: Warnings, keepNewlines = true): string {
    // Printable ASCII is already NFC and printable everywhere.
    if (PRINTABLE_ASCII.test(text) || (keepNewlines && PRINTABLE_ASCII_LINES.test(text))) return text;
    if (this.printsAsIs(text)) return text;
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

  /** True when sanitize() would return `text` unchanged: NFC-inert, no control characters, all printable. */
  private printsAsIs(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x20 && unit <= 0x7e) continue;
      if (unit < 0xa0 || !isNfcInert(unit) || !this.charsets.canPrint(unit)) return false;
    }
    return true;
  }

  /** Emits sanitized `text` (no newlines) as one text run, with the table switches it needs. */
  write(text: string, sink: CommandSink): void {
    if (PRINTABLE_ASCII.test(text)) {
      sink.text(text);
      return;
    }
    const charsets = this.charsets;
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i)!;
      if (isPrintableAscii(cp)) {
        // A run of ASCII (padding, digits) prints the same in every mode and table: one copy.
        let end = i + 1;
        while (end < text.length && isPrintableAscii(text.charCodeAt(end))) end++;
        sink.text(text, i, end);
        i = end;
        continue;
      }
      i += cp > 0xffff ? 2 : 1;
      const gb = charWidth(cp) === 2 ? charsets.gb(cp) : undefined;
      if (gb) {
        this.enterKanji(sink);
        sink.textBytes(gb);
        continue;
      }
      const current = charsets.indexOf(this.state.table);
      const table = current >= 0 && charsets.byte(current, cp) !== undefined ? current : charsets.tableFor(cp);
      if (table >= 0) {
        if (this.profile.gb18030 && this.state.kanji !== false) {
          sink.emit('FS .', fixed.KANJI_OFF);
          this.state.kanji = false;
        }
        const escT = charsets.tables[table]!.escT;
        if (this.state.table !== escT) {
          sink.emit('ESC t', fixed.codeTable(escT));
          this.state.table = escT;
        }
        sink.textByte(charsets.byte(table, cp)!);
        continue;
      }
      const fallback = charsets.gb(cp);
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
}
