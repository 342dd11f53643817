/**
 * Executes queued (non-real-time) commands in order: keeps the print settings, builds the
 * current line, and hands finished print units (a line, a feed, an image, a cut…) to the host,
 * which spends print time on them. Replies and status settings go through the host as well.
 */
import { decodeText } from './code-tables.js';
import type { ParsedOp } from './parser.js';
import type { Alignment, BarcodeItem, BarcodeSymbology, Font, JournalItem, Pdf417Settings, SymbolItem, TextSegment, TextStyle } from './journal.js';
import { barcodeText, symbolData } from './symbols.js';

export interface PrintUnit {
  items: JournalItem[];
  /** Print time in lines (text line = its height; feeds; images = dots / 24). */
  lines: number;
  /** This unit is a cut: it can jam. */
  cut: boolean;
}

export interface InterpreterHost {
  print(unit: PrintUnit): void;
  /** `GS I`, `GS r`: answered when processed. */
  transmitStatus(n: number): void;
  printerInfo(n: number): void;
  enableAsb(mask: number): void;
  processId(id: Uint8Array): void;
  setOfflineResponse(mode: number): void;
  unknown(name: string, bytes: Uint8Array): void;
  /** `ESC @`: the host drops ASB and the offline-response setting. */
  initialize(): void;
}

export interface PrintSettings {
  style: TextStyle;
  align: Alignment;
  codeTable: number;
  internationalSet: number;
  kanjiMode: boolean;
  /** ESC c 4: stop printing at paper near end. */
  nearEndStop: boolean;
  barcodeHeight: number;
  barcodeModuleWidth: number;
  tabStops: number[];
  /** ESC 2 / ESC 3 n, in dots. */
  lineSpacing: number;
  /** GS H, GS f. */
  hriPosition: NonNullable<BarcodeItem['hriPosition']>;
  hriFont: Font;
}

export interface InterpreterOptions {
  /**
   * Put in the journal what a picture of the receipt needs (line spacing, Kanji cells, HRI,
   * justification of barcodes and images, raster data, 2D symbol bytes and PDF417 settings).
   * Off by default: the journal keeps its plain shape.
   */
  pictureDetail?: boolean;
}

/** ESC 2: about 1/6 inch (TM-series default, in dots at 203 dpi). */
export const DEFAULT_LINE_SPACING = 30;
const HRI_POSITIONS = ['none', 'above', 'below', 'both'] as const;

export function defaultSettings(): PrintSettings {
  return {
    style: { bold: false, underline: 0, inverse: false, width: 1, height: 1, font: 'A', upsideDown: false },
    align: 'left',
    codeTable: 0,
    internationalSet: 0,
    kanjiMode: false,
    nearEndStop: false,
    barcodeHeight: 162,
    barcodeModuleWidth: 3,
    tabStops: [8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96],
    lineSpacing: DEFAULT_LINE_SPACING,
    hriPosition: 'none',
    hriFont: 'A',
  };
}

interface PendingSegment {
  style: TextStyle;
  bytes: number[];
  codeTable: number;
  internationalSet: number;
  kanjiMode: boolean;
}

const FORM_A: Record<number, BarcodeSymbology> = { 0: 'UPC-A', 1: 'UPC-E', 2: 'EAN13', 3: 'EAN8', 4: 'CODE39', 5: 'ITF', 6: 'CODABAR' };
const FORM_B: Record<number, BarcodeSymbology> = {
  65: 'UPC-A',
  66: 'UPC-E',
  67: 'EAN13',
  68: 'EAN8',
  69: 'CODE39',
  70: 'ITF',
  71: 'CODABAR',
  72: 'CODE93',
  73: 'CODE128',
};
const ALIGNMENTS: Record<number, Alignment> = { 0: 'left', 1: 'center', 2: 'right', 48: 'left', 49: 'center', 50: 'right' };
const FONTS: Record<number, Font> = { 0: 'A', 1: 'B', 2: 'C', 48: 'A', 49: 'B', 50: 'C' };

export class Interpreter {
  settings = defaultSettings();
  private segments: PendingSegment[] = [];
  private lineAlign: Alignment | undefined;
  private column = 0;
  /** An ESC * band is in the line: the LF that follows prints it, not an empty text line. */
  private graphicsInLine = false;
  /** Symbols stored with GS ( k fn 80, by cn. */
  private symbols = new Map<number, Uint8Array>();
  private qr: Pick<SymbolItem, 'model' | 'size' | 'errorCorrection'> = { model: 2, size: 3, errorCorrection: 'L' };
  private graphics: { width: number; height: number } | undefined;
  private pdf417: Pdf417Settings = { columns: 0, rows: 0, moduleWidth: 3, rowHeight: 3, errorCorrection: 1 };
  private readonly detail: boolean;

  constructor(
    private readonly host: InterpreterHost,
    options: InterpreterOptions = {},
  ) {
    this.detail = options.pictureDetail ?? false;
  }

  /** Justification of a barcode, symbol or image: ESC a counts at the start of a line. */
  private blockAlign(): { align?: Alignment } {
    return this.detail ? { align: this.lineAlign ?? this.settings.align } : {};
  }

  /** Forget everything (power off). */
  powerOn(): void {
    this.settings = defaultSettings();
    this.clearBuffers();
    this.symbols.clear();
    this.graphics = undefined;
  }

  /** Drop the line being built (buffer clear). Settings stay, as after DLE ENQ 2 / DLE DC4 fn 8. */
  clearBuffers(): void {
    this.segments = [];
    this.lineAlign = undefined;
    this.column = 0;
    this.graphicsInLine = false;
  }

  execute(op: ParsedOp): void {
    if (op.type === 'text') return this.addText(op.bytes);
    if (op.type === 'control') return this.control(op.byte);
    if (!op.known) return this.host.unknown(op.name, op.bytes);
    this.command(op.name, op.bytes);
  }

  private control(byte: number): void {
    switch (byte) {
      case 0x0a: // LF
        return this.printLine([], 0);
      case 0x09: {
        const next = this.settings.tabStops.find((stop) => stop > this.column);
        if (next !== undefined) this.addText(new Uint8Array(next - this.column).fill(0x20));
        return;
      }
      case 0x0d: // CR: ignored with auto line feed off (the default)
      case 0x0c: // FF, CAN: page mode only
      case 0x18:
        return;
      default:
        this.host.unknown(`control 0x${byte.toString(16).padStart(2, '0')}`, Uint8Array.of(byte));
    }
  }

  private addText(bytes: Uint8Array): void {
    const s = this.settings;
    const last = this.segments[this.segments.length - 1];
    if (this.lineAlign === undefined) this.lineAlign = s.align;
    const sameEncoding = last && last.codeTable === s.codeTable && last.internationalSet === s.internationalSet && last.kanjiMode === s.kanjiMode;
    if (last && sameEncoding && last.style === s.style) {
      for (const b of bytes) last.bytes.push(b);
    } else {
      const { codeTable, internationalSet, kanjiMode } = s;
      this.segments.push({ style: s.style, bytes: Array.from(bytes), codeTable, internationalSet, kanjiMode });
    }
    this.column += bytes.length;
  }

  /** Print the line buffer followed by `extra` items; an empty LF prints an empty line. */
  private printLine(extra: JournalItem[], extraLines: number, cut = false): void {
    const items: JournalItem[] = [];
    let lines = extraLines;
    const emptyLf = this.segments.length === 0 && extra.length === 0 && !this.graphicsInLine;
    if (this.segments.length > 0 || emptyLf) {
      const segments: TextSegment[] = this.segments.map((seg) => ({
        ...seg.style,
        text: decodeText(Uint8Array.from(seg.bytes), seg.codeTable, seg.kanjiMode, seg.internationalSet),
        ...(this.detail && seg.kanjiMode ? { kanji: true } : {}),
      }));
      items.push({
        kind: 'text',
        text: segments.map((seg) => seg.text).join(''),
        align: this.lineAlign ?? this.settings.align,
        segments,
        ...(this.detail ? { lineSpacing: this.settings.lineSpacing } : {}),
      });
      lines += Math.max(1, ...segments.map((seg) => seg.height));
    }
    this.clearBuffers();
    this.host.print({ items: [...items, ...extra], lines, cut });
  }

  private setStyle(change: Partial<TextStyle>): void {
    // A new object per change lets segments share a style by identity.
    this.settings.style = { ...this.settings.style, ...change };
  }

  private command(name: string, b: Uint8Array): void {
    const n = b[2] ?? 0;
    const s = this.settings;
    switch (name) {
      case 'ESC @':
        this.settings = defaultSettings();
        this.clearBuffers();
        return this.host.initialize();
      case 'ESC !':
        return this.setStyle({
          font: n & 1 ? 'B' : 'A',
          bold: (n & 8) !== 0,
          height: n & 16 ? 2 : 1,
          width: n & 32 ? 2 : 1,
          underline: n & 128 ? 1 : 0,
        });
      case 'ESC E':
      case 'ESC G':
        return this.setStyle({ bold: (n & 1) !== 0 });
      case 'ESC -':
        return this.setStyle({ underline: n === 2 || n === 50 ? 2 : n === 1 || n === 49 ? 1 : 0 });
      case 'GS B':
        return this.setStyle({ inverse: (n & 1) !== 0 });
      case 'GS !':
        return this.setStyle({ width: ((n >> 4) & 7) + 1, height: (n & 7) + 1 });
      case 'ESC M':
        return this.setStyle({ font: FONTS[n] ?? s.style.font });
      case 'ESC {':
        return this.setStyle({ upsideDown: (n & 1) !== 0 });
      case 'ESC a':
        s.align = ALIGNMENTS[n] ?? s.align;
        if (this.segments.length === 0) this.lineAlign = undefined; // valid only at the start of a line
        return;
      case 'ESC t':
        s.codeTable = n;
        return;
      case 'ESC R':
        if (n <= 17) s.internationalSet = n; // an undefined n leaves the set as it was
        return;
      case 'FS &':
        s.kanjiMode = true;
        return;
      case 'FS .':
        s.kanjiMode = false;
        return;
      case 'ESC c':
        if (n === 0x34) s.nearEndStop = ((b[3] ?? 0) & 0x03) !== 0;
        return;
      case 'ESC D':
        s.tabStops = Array.from(b.subarray(2, b.length - 1));
        return;
      case 'GS h':
        s.barcodeHeight = n;
        return;
      case 'GS w':
        s.barcodeModuleWidth = n;
        return;
      case 'GS H':
        s.hriPosition = HRI_POSITIONS[n & 3]!;
        return;
      case 'GS f':
        s.hriFont = n & 1 ? 'B' : 'A';
        return;
      case 'ESC 2':
        s.lineSpacing = DEFAULT_LINE_SPACING;
        return;
      case 'ESC 3':
        s.lineSpacing = n;
        return;
      case 'ESC d':
        return this.printLine([{ kind: 'feed', lines: n, ...(this.detail ? { lineSpacing: s.lineSpacing } : {}) }], n);
      case 'ESC J':
        return this.printLine([{ kind: 'feed', lines: n / 30, dots: n }], n / 30);
      case 'GS V': {
        const partial = n === 1 || n === 49 || n === 66 || n === 98 || n === 104;
        const feedDots = b.length > 3 ? (b[3] ?? 0) : 0;
        return this.printLine([{ kind: 'cut', type: partial ? 'partial' : 'full', feedDots }], 1 + feedDots / 30, true);
      }
      case 'ESC i':
      case 'ESC m':
        return this.printLine([{ kind: 'cut', type: 'partial', feedDots: 0 }], 1, true);
      case 'ESC p':
        return this.host.print({
          items: [{ kind: 'drawer', pin: n & 1 ? 5 : 2, onMs: (b[3] ?? 0) * 2, offMs: (b[4] ?? 0) * 2, realtime: false }],
          lines: 0,
          cut: false,
        });
      case 'GS k':
        return this.barcode(b);
      case 'GS v 0': {
        const width = ((b[4] ?? 0) + (b[5] ?? 0) * 256) * 8;
        const height = (b[6] ?? 0) + (b[7] ?? 0) * 256;
        const kept = this.detail && b.length === 8 + (width / 8) * height;
        const picture = kept ? { raster: Buffer.from(b.subarray(8)).toString('base64'), ...this.blockAlign() } : {};
        return this.printLine([{ kind: 'image', width, height, source: 'raster', ...picture }], height / 24);
      }
      case 'ESC *':
        return this.bitImageBand(b);
      case 'GS ( k':
        return this.symbol(b);
      case 'GS ( L':
      case 'GS 8 L':
        return this.graphicsCommand(name, b);
      case 'FS p':
        return this.printLine([{ kind: 'image', width: 0, height: 0, source: 'nv' }], 1);
      case 'GS ( H':
        return this.processIdCommand(b);
      case 'GS a':
        return this.host.enableAsb(n);
      case 'GS r':
        return this.host.transmitStatus(n);
      case 'GS I':
        return this.host.printerInfo(n);
      default:
        // Known commands whose effect this emulator does not model (spacing, margins, page mode…).
        return;
    }
  }

  private barcode(b: Uint8Array): void {
    const m = b[2] ?? 0;
    const formA = m <= 6;
    const data = formA ? b.subarray(3, b.length - 1) : b.subarray(4);
    const symbology = (formA ? FORM_A[m] : FORM_B[m]) ?? (`UNKNOWN-${m}` as const);
    const raw = Buffer.from(data).toString('latin1');
    const s = this.settings;
    const picture = this.detail ? { hriPosition: s.hriPosition, hriFont: s.hriFont, ...this.blockAlign() } : {};
    this.printLine(
      [{ kind: 'barcode', symbology, data: raw, text: barcodeText(symbology, data), height: s.barcodeHeight, moduleWidth: s.barcodeModuleWidth, ...picture }],
      s.barcodeHeight / 24,
    );
  }

  private bitImageBand(b: Uint8Array): void {
    const m = b[2] ?? 0;
    const width = (b[3] ?? 0) + (b[4] ?? 0) * 256;
    const height = m >= 32 ? 24 : 8;
    this.graphicsInLine = true;
    this.host.print({ items: [{ kind: 'image', width, height, source: 'bit-image' }], lines: height / 24, cut: false });
  }

  private symbol(b: Uint8Array): void {
    const cn = b[5] ?? 0;
    const fn = b[6] ?? 0;
    const arg = b[7] ?? 0;
    if (cn === 49 && fn === 65) this.qr.model = arg - 48;
    else if (cn === 49 && fn === 67) this.qr.size = arg;
    else if (cn === 49 && fn === 69) this.qr.errorCorrection = (['L', 'M', 'Q', 'H'] as const)[arg - 48] ?? 'L';
    else if (cn === 48 && fn >= 65 && fn <= 69) this.setPdf417(fn, arg, b[8] ?? 0);
    else if (fn === 80) this.symbols.set(cn, b.slice(7));
    else if (fn === 81) {
      const stored = this.symbols.get(cn);
      if (!stored) return;
      const item = symbolData(cn, stored, this.qr);
      if (!item) return;
      const picture = this.detail ? { raw: Buffer.from(stored.subarray(1)).toString('latin1'), ...(cn === 48 ? { pdf417: { ...this.pdf417 } } : {}), ...this.blockAlign() } : {};
      this.printLine([{ ...item, ...picture }], cn === 49 ? ((this.qr.size ?? 3) * 25) / 24 : 4);
    }
  }

  /** GS ( k cn 48: fn 65 columns, 66 rows, 67 module width, 68 row height, 69 error correction (m 48: level n − 48). */
  private setPdf417(fn: number, n: number, level: number): void {
    const p = this.pdf417;
    if (fn === 65) p.columns = n;
    else if (fn === 66) p.rows = n;
    else if (fn === 67) p.moduleWidth = n;
    else if (fn === 68) p.rowHeight = n;
    else if (n === 48 && level >= 48 && level <= 56) p.errorCorrection = level - 48;
  }

  /** GS ( L / GS 8 L: fn 112 stores raster graphics, fn 50 prints them, fn 69/85 print NV graphics. */
  private graphicsCommand(name: string, b: Uint8Array): void {
    const headerLength = name === 'GS 8 L' ? 7 : 5;
    const fn = b[headerLength + 1] ?? 0;
    if (fn === 112 || fn === 113) {
      const at = headerLength + 6; // m fn a bx by c, then xL xH yL yH
      this.graphics = { width: (b[at] ?? 0) + (b[at + 1] ?? 0) * 256, height: (b[at + 2] ?? 0) + (b[at + 3] ?? 0) * 256 };
    } else if ((fn === 50 || fn === 2) && this.graphics) {
      const { width, height } = this.graphics;
      this.graphics = undefined;
      this.printLine([{ kind: 'image', width, height, source: 'graphics' }], height / 24);
    } else if (fn === 69 || fn === 85) {
      this.printLine([{ kind: 'image', width: 0, height: 0, source: 'nv' }], 1);
    }
  }

  /**
   * GS ( H: fn 48 process ID (m 48, 4 ID bytes, each 0x20–0x7E: an ID outside that range is
   * ignored, not echoed; Epson reference gs_lparen_ch_fn48), fn 49 offline response (m 48, d).
   */
  private processIdCommand(b: Uint8Array): void {
    const fn = b[5];
    const id = b.slice(7, 11);
    if (fn === 0x30 && b[6] === 0x30 && b.length >= 11 && id.every((c) => c >= 0x20 && c <= 0x7e)) this.host.processId(id);
    else if (fn === 0x31 && b[6] === 0x30 && b.length >= 8) this.host.setOfflineResponse(b[7]!);
  }
}
