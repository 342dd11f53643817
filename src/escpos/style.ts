/**
 * The printer's character and barcode settings as the encoder believes them to be. A command
 * is emitted only when the wanted value differs; `undefined` means unknown (no ESC @ yet, or
 * raw bytes were sent), which forces the next command out.
 */
import type { Align, TextStyle } from '../document/types.js';
import * as cmd from './commands.js';
import * as fixed from './fixed.js';
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

/**
 * The full style a block asks for, its own settings over the defaults, written into `out` (the
 * encoder reuses one object per receipt); `align` is given because rows are always left-aligned.
 */
export function resolveStyleInto(out: PrintStyle, style: TextStyle, align: Align): PrintStyle {
  const size = style.size;
  out.align = align;
  out.bold = style.bold === true;
  out.underline = style.underline === 2 ? 2 : style.underline === true || style.underline === 1 ? 1 : 0;
  out.inverse = style.inverse === true;
  out.width = typeof size === 'object' ? clampSize(size.width) : clampSize(size ?? 1);
  out.height = typeof size === 'object' ? clampSize(size.height) : clampSize(size ?? 1);
  out.font = style.font === 'B' ? 'B' : 'A';
  return out;
}

export class StyleTracker {
  private readonly style: Known<PrintStyle> = unknownStyle();
  private barcode: Known<BarcodeSettings> = { height: undefined, width: undefined, hri: undefined };

  constructor(
    private readonly sink: CommandSink,
    /** Kanji underline (FS -) follows ESC - on GB18030 printers. */
    private readonly kanji: boolean,
  ) {}

  /** After ESC @: Epson's power-on defaults (barcode height 162, width 3, no HRI). */
  initialized(): void {
    Object.assign(this.style, DEFAULT_STYLE);
    this.barcode = { height: 162, width: 3, hri: 'none' };
  }

  /** After raw bytes: nothing is known any more. */
  forget(): void {
    Object.assign(this.style, unknownStyle());
    this.barcode = { height: undefined, width: undefined, hri: undefined };
  }

  /** Emits what differs from `want` and remembers it (field by field: `want` may be reused by the caller). */
  apply(want: PrintStyle): void {
    const s = this.style;
    const out = this.sink;
    if (s.align !== want.align) out.emit('ESC a', fixed.justify(want.align));
    if (s.font !== want.font) out.emit('ESC M', fixed.FONT[want.font]);
    if (s.width !== want.width || s.height !== want.height) out.emit('GS !', fixed.characterSize(want.width, want.height));
    if (s.bold !== want.bold) out.emit('ESC E', want.bold ? fixed.EMPHASIZED_ON : fixed.EMPHASIZED_OFF);
    if (s.underline !== want.underline) {
      out.emit('ESC -', fixed.UNDERLINE[want.underline]);
      if (this.kanji) out.emit('FS -', fixed.KANJI_UNDERLINE[want.underline]);
    }
    if (s.inverse !== want.inverse) out.emit('GS B', want.inverse ? fixed.REVERSE_ON : fixed.REVERSE_OFF);
    s.align = want.align;
    s.font = want.font;
    s.width = want.width;
    s.height = want.height;
    s.bold = want.bold;
    s.underline = want.underline;
    s.inverse = want.inverse;
  }

  align(align: Align): void {
    if (this.style.align !== align) this.sink.emit('ESC a', fixed.justify(align));
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
