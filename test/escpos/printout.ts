/**
 * A small, independent ESC/POS interpreter for tests: it reads a byte stream the way a printer
 * would and reports what would come out (text lines with their styles, barcodes, 2D codes,
 * images, cuts). It shares no code with src/escpos; tables map Epson ESC t numbers itself.
 */
import iconv from 'iconv-lite';

const EPSON_PAGES: Record<number, string> = {
  0: 'cp437',
  2: 'cp850',
  3: 'cp860',
  4: 'cp863',
  5: 'cp865',
  13: 'cp857',
  14: 'cp737',
  15: 'iso-8859-7',
  16: 'windows-1252',
  17: 'cp866',
  18: 'cp852',
  19: 'cp858',
  33: 'cp775',
  34: 'cp855',
  36: 'cp862',
  39: 'iso-8859-2',
  40: 'iso-8859-15',
  44: 'cp1125',
  45: 'windows-1250',
  46: 'windows-1251',
  47: 'windows-1253',
  48: 'windows-1254',
  49: 'windows-1255',
  51: 'windows-1257',
};

export interface LineStyle {
  bold: boolean;
  width: number;
  height: number;
  align: number;
  underline: number;
  inverse: boolean;
  font: number;
}

export type PrintedItem =
  | ({ kind: 'line'; text: string } & LineStyle)
  | { kind: 'barcode'; system: number; data: string }
  | { kind: 'qr'; data: string }
  | { kind: 'pdf417'; data: string }
  | { kind: 'image'; widthBytes: number; rows: number }
  | { kind: 'cut'; partial: boolean }
  | { kind: 'feed'; lines: number }
  | { kind: 'drawer'; pin: number; t1: number; t2: number };

const initialStyle = (): LineStyle => ({ bold: false, width: 1, height: 1, align: 0, underline: 0, inverse: false, font: 0 });

/** CODE128 data as Epson's GS k 73 carries it ({A/{B/{C selectors, {{, digit pairs in C) → the encoded text. */
export function decodeCode128(bytes: Uint8Array): string {
  let set = 'B';
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x7b) {
      const next = String.fromCharCode(bytes[++i]!);
      if (next === '{') out += '{';
      else if ('ABC'.includes(next)) set = next;
      continue;
    }
    out += set === 'C' ? String(b).padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}

export function interpret(input: Uint8Array): PrintedItem[] {
  const items: PrintedItem[] = [];
  let style = initialStyle();
  let page = 'cp437';
  let kanji = false;
  let line = '';
  let lineStyle: LineStyle | undefined;
  let qrData = '';
  let pdfData = '';
  const endLine = (): void => {
    items.push({ kind: 'line', text: line, ...(lineStyle ?? style) });
    line = '';
    lineStyle = undefined;
  };
  const put = (text: string): void => {
    if (lineStyle === undefined) lineStyle = { ...style };
    line += text;
  };
  let i = 0;
  const b = (k: number): number => input[i + k]!;
  while (i < input.length) {
    const c = b(0);
    if (c === 0x0a) {
      endLine();
      i++;
      continue;
    }
    if (c === 0x1b) {
      const f = String.fromCharCode(b(1));
      const n = b(2);
      if (f === '@') {
        style = initialStyle();
        page = 'cp437';
        kanji = false;
        i += 2;
        continue;
      }
      if (f === 't') page = EPSON_PAGES[n] ?? `unknown-${n}`;
      else if (f === 'E') style.bold = (n & 1) === 1;
      else if (f === '-') style.underline = n % 48;
      else if (f === 'M') style.font = n % 48;
      else if (f === 'a') style.align = n % 48;
      else if (f === '!') style = { ...style, font: n & 1, bold: (n & 8) !== 0, height: n & 0x10 ? 2 : 1, width: n & 0x20 ? 2 : 1, underline: n & 0x80 ? 1 : 0 };
      else if (f === 'd') {
        if (line) endLine();
        items.push({ kind: 'feed', lines: n });
      } else if (f === 'p') {
        items.push({ kind: 'drawer', pin: n === 1 ? 5 : 2, t1: b(3), t2: b(4) });
        i += 5;
        continue;
      } else if (f === '2') {
        i += 2;
        continue;
      } else if (!'3GJR{V '.includes(f)) throw new Error(`unknown ESC ${f} at ${i}`);
      i += 3;
      continue;
    }
    if (c === 0x1d) {
      const f = String.fromCharCode(b(1));
      const n = b(2);
      if (f === '!') {
        style.width = (n >> 4) + 1;
        style.height = (n & 15) + 1;
        i += 3;
        continue;
      }
      if (f === 'B') {
        style.inverse = (n & 1) === 1;
        i += 3;
        continue;
      }
      if ('HhwfarIb'.includes(f)) {
        i += 3;
        continue;
      }
      if (f === 'V') {
        if (line) endLine();
        items.push({ kind: 'cut', partial: n === 1 || n === 49 || n === 66 });
        i += n >= 65 ? 4 : 3;
        continue;
      }
      if (f === 'L') {
        i += 4;
        continue;
      }
      if (f === 'k') {
        if (n <= 6) {
          let end = i + 3;
          while (input[end] !== 0) end++;
          items.push({ kind: 'barcode', system: n + 65, data: Buffer.from(input.subarray(i + 3, end)).toString('latin1') });
          i = end + 1;
        } else {
          const data = input.subarray(i + 4, i + 4 + b(3));
          items.push({ kind: 'barcode', system: n, data: n === 73 ? decodeCode128(data) : Buffer.from(data).toString('latin1') });
          i += 4 + b(3);
        }
        continue;
      }
      if (f === '(') {
        const length = b(3) + b(4) * 256;
        const cn = b(5);
        const fn = b(6);
        const params = input.subarray(i + 7, i + 5 + length);
        if (b(2) === 0x6b && fn === 80) {
          const data = Buffer.from(params.subarray(1)).toString('utf8');
          if (cn === 49) qrData = data;
          else pdfData = data;
        }
        if (b(2) === 0x6b && fn === 81) items.push(cn === 49 ? { kind: 'qr', data: qrData } : { kind: 'pdf417', data: pdfData });
        i += 5 + length;
        continue;
      }
      if (f === 'v') {
        const x = b(4) + b(5) * 256;
        const y = b(6) + b(7) * 256;
        items.push({ kind: 'image', widthBytes: x, rows: y });
        i += 8 + x * y;
        continue;
      }
      throw new Error(`unknown GS ${f} at ${i}`);
    }
    if (c === 0x1c) {
      const f = String.fromCharCode(b(1));
      if (f === '&') kanji = true;
      else if (f === '.') kanji = false;
      else if (f === '-' || f === '!' || f === 'C') {
        i += 3;
        continue;
      } else throw new Error(`unknown FS ${f} at ${i}`);
      i += 2;
      continue;
    }
    if (c === 0x10) throw new Error(`real-time command in print data at ${i}`);
    if (c < 0x20) throw new Error(`control byte 0x${c.toString(16)} at ${i}`);
    if (kanji && c >= 0x80) {
      const four = b(1) >= 0x30 && b(1) <= 0x39;
      const size = four ? 4 : 2;
      put(iconv.decode(Buffer.from(input.subarray(i, i + size)), 'gb18030'));
      i += size;
      continue;
    }
    put(c < 0x80 ? String.fromCharCode(c) : iconv.decode(Buffer.from([c]), page));
    i++;
  }
  if (line) endLine();
  return items;
}

export const lines = (items: PrintedItem[]): string[] => items.flatMap((item) => (item.kind === 'line' ? [item.text] : []));
