/**
 * The printer's character and barcode settings as the encoder believes them to be. A command
 * is emitted only when the wanted value differs; `undefined` means unknown (no ESC @ yet, or
 * raw bytes were sent), which forces the next command out.
 */
import type { Align, TextStyle } from '../document/types.js';
import * as cmd from './commands.js';
import type { CommandSink } from './sink.js';

export interface PrintStyle {
  align: Align;
  bold: boolean;
  underline: 0 | 1 | 2;
  inverse: boolean;
  width: number;
  height: number;
  font: 'A' | 'B';
}

export interface BarcodeSettings {
  height: number;
  width: number;
  hri: 'none' | 'above' | 'below' | 'both';
}

type Known<T> = { [K in keyof T]: T[K] | undefined };

/** ESC @ resets these to their power-on values. */
export const DEFAULT_STYLE: PrintStyle = {
  align: 'left',
  bold: false,
  underline: 0,
  inverse: false,
  width: 1,
  height: 1,
  font: 'A',
};

function clampSize(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(8, Math.max(1, Math.round(n))) : 1;
}

/** The full style a block asks for: its own settings over the defaults. */
export function resolveStyle(style: TextStyle): PrintStyle {
  const size = style.size;
  const width = typeof size === 'object' ? clampSize(size.width) : clampSize(size ?? 1);
  const height = typeof size === 'object' ? clampSize(size.height) : clampSize(size ?? 1);
  const underline = style.underline === 2 ? 2 : style.underline === true || style.underline === 1 ? 1 : 0;
  return {
    align: style.align ?? 'left',
    bold: style.bold === true,
    underline,
    inverse: style.inverse === true,
    width,
    height,
    font: style.font === 'B' ? 'B' : 'A',
  };
}

export class StyleTracker {
  private style: Known<PrintStyle> = unknownStyle();
  private barcode: Known<BarcodeSettings> = { height: undefined, width: undefined, hri: undefined };

  constructor(
    private readonly sink: CommandSink,
    /** Kanji underline (FS -) follows ESC - on GB18030 printers. */
    private readonly kanji: boolean,
  ) {}

  /** After ESC @: Epson's power-on defaults (barcode height 162, width 3, no HRI). */
  initialized(): void {
    this.style = { ...DEFAULT_STYLE };
    this.barcode = { height: 162, width: 3, hri: 'none' };
  }

  /** After raw bytes: nothing is known any more. */
  forget(): void {
    this.style = unknownStyle();
    this.barcode = { height: undefined, width: undefined, hri: undefined };
  }

  apply(want: PrintStyle): void {
    const s = this.style;
    const out = this.sink;
    if (s.align !== want.align) out.emit('ESC a', cmd.justify(want.align));
    if (s.font !== want.font) out.emit('ESC M', cmd.font(want.font));
    if (s.width !== want.width || s.height !== want.height) out.emit('GS !', cmd.characterSize(want.width, want.height));
    if (s.bold !== want.bold) out.emit('ESC E', cmd.emphasized(want.bold));
    if (s.underline !== want.underline) {
      out.emit('ESC -', cmd.underline(want.underline));
      if (this.kanji) out.emit('FS -', cmd.kanjiUnderline(want.underline));
    }
    if (s.inverse !== want.inverse) out.emit('GS B', cmd.reverse(want.inverse));
    this.style = { ...want };
  }

  align(align: Align): void {
    if (this.style.align !== align) this.sink.emit('ESC a', cmd.justify(align));
    this.style.align = align;
  }

  barcodeSettings(want: BarcodeSettings): void {
    const b = this.barcode;
    if (b.hri !== want.hri) this.sink.emit('GS H', cmd.hriPosition(want.hri));
    if (b.height !== want.height) this.sink.emit('GS h', cmd.barcodeHeight(want.height));
    if (b.width !== want.width) this.sink.emit('GS w', cmd.barcodeWidth(want.width));
    this.barcode = { ...want };
  }
}

function unknownStyle(): Known<PrintStyle> {
  return { align: undefined, bold: undefined, underline: undefined, inverse: undefined, width: undefined, height: undefined, font: undefined };
}
