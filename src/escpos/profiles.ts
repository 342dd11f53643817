/**
 * Printer models as data (in the manner of receipt-printer-encoder's `data/printers/*.json`,
 * but typed and validated by `printerProfileSchema` (profile-schema.ts) in a test). Code tables list the ESC t
 * pages each model has, in order of preference; `encoding` is an iconv-lite name.
 */
import { InvalidArgumentError } from '../errors.js';
// Type only: zod loads with the schema (its tests, the JSON Schema), not with every encode.
import type { PrinterProfile } from './profile-schema.js';

export type { PrinterProfile };
export type CodeTable = PrinterProfile['codeTables'][number];

/**
 * Tables of current Epson TM models (ESC t reference, model-dependent list), preference order:
 * Western Europe first (437 has box drawing; 858 has €), then Cyrillic, Central European, Greek,
 * Turkish, Baltic and the rest. Arabic/Thai/Vietnamese shaping tables are left out on purpose:
 * those scripts need more than a byte map to print correctly.
 */
const EPSON_TABLES: CodeTable[] = [
  { escT: 0, encoding: 'cp437' },
  { escT: 2, encoding: 'cp850' },
  { escT: 19, encoding: 'cp858' },
  { escT: 16, encoding: 'windows-1252' },
  { escT: 3, encoding: 'cp860' },
  { escT: 4, encoding: 'cp863' },
  { escT: 5, encoding: 'cp865' },
  { escT: 17, encoding: 'cp866' },
  { escT: 46, encoding: 'windows-1251' },
  { escT: 18, encoding: 'cp852' },
  { escT: 45, encoding: 'windows-1250' },
  { escT: 39, encoding: 'iso-8859-2' },
  { escT: 40, encoding: 'iso-8859-15' },
  { escT: 14, encoding: 'cp737' },
  { escT: 15, encoding: 'iso-8859-7' },
  { escT: 47, encoding: 'windows-1253' },
  { escT: 13, encoding: 'cp857' },
  { escT: 48, encoding: 'windows-1254' },
  { escT: 33, encoding: 'cp775' },
  { escT: 51, encoding: 'windows-1257' },
  { escT: 34, encoding: 'cp855' },
  { escT: 44, encoding: 'cp1125' },
  { escT: 36, encoding: 'cp862' },
  { escT: 49, encoding: 'windows-1255' },
];

/** The pages nearly every ESC/POS clone has (Epson numbering 0–5, 16–19). */
const CLONE_TABLES: CodeTable[] = [
  { escT: 0, encoding: 'cp437' },
  { escT: 2, encoding: 'cp850' },
  { escT: 19, encoding: 'cp858' },
  { escT: 16, encoding: 'windows-1252' },
  { escT: 3, encoding: 'cp860' },
  { escT: 4, encoding: 'cp863' },
  { escT: 5, encoding: 'cp865' },
  { escT: 17, encoding: 'cp866' },
  { escT: 18, encoding: 'cp852' },
];

const epson80 = {
  dots: 576,
  columns: { A: 48, B: 64 },
  codeTables: EPSON_TABLES,
  gb18030: false,
  cutter: { full: true, partial: true },
  cutFeedLines: 0,
  drawer: true,
  confirmation: 'process-id',
  maxBandRows: 1024, // conservative: GS v 0 allows more, but the receive buffer is finite
  qr: true,
  pdf417: true,
} as const satisfies Omit<PrinterProfile, 'name' | 'description'>;

/** What most non-Epson 80 mm printers share: no process-ID reply, smaller raster bands, no PDF417. */
const clone80 = {
  dots: 576,
  columns: { A: 48, B: 64 },
  codeTables: CLONE_TABLES,
  gb18030: false,
  cutter: { full: true, partial: true },
  cutFeedLines: 3,
  drawer: true,
  confirmation: 'gs-r',
  maxBandRows: 255,
  qr: true,
  pdf417: false,
} as const satisfies Omit<PrinterProfile, 'name' | 'description'>;

const list: PrinterProfile[] = [
  { name: 'epson-tm-t88', description: 'Epson TM-T88 IV/V/VI/VII, 80 mm', ...epson80 },
  { name: 'epson-tm-t20', description: 'Epson TM-T20 II/III, 80 mm', ...epson80 },
  { name: 'epson-tm-m30', description: 'Epson TM-m30 / m30II, 80 mm', ...epson80 },
  { name: 'generic-80', description: 'Generic ESC/POS printer, 80 mm (576 dots)', ...clone80 },
  {
    name: 'generic-58',
    description: 'Generic ESC/POS printer, 58 mm (384 dots), no cutter',
    ...clone80,
    dots: 384,
    columns: { A: 32, B: 42 },
    cutter: { full: false, partial: false },
    drawer: false,
  },
  { name: 'xprinter-80', description: 'Xprinter XP-80 class (Chinese market), 80 mm, GB18030 via FS &', ...clone80, gb18030: true },
  {
    name: 'star-escpos',
    description: 'Star TSP100/TSP650/mC-Print in ESC/POS emulation mode, 80 mm',
    ...clone80,
    pdf417: true,
  },
];

export const profiles: Readonly<Record<string, PrinterProfile>> = Object.freeze(Object.fromEntries(list.map((p) => [p.name, p])));

/** The profile called `name`; an unknown name is an error listing the known ones. */
export function getProfile(name: string): PrinterProfile {
  const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  if (!profile) {
    throw new InvalidArgumentError(`unknown printer profile "${name}"; known: ${Object.keys(profiles).join(', ')}`);
  }
  return profile;
}

/** GS I 69 languages of Simplified Chinese models, e.g. "CHINA GB18030", "GB2312", "GBK". */
const CHINESE_LANGUAGE = /GB18030|GB2312|GBK|CHINA/i;
const chineseVariants = new Map<string, PrinterProfile>();

/** `base` with its Simplified Chinese font (FS & + GB18030), named `<base>-gb18030`; derived, not in `profiles`. */
function chineseVariant(base: PrinterProfile): PrinterProfile {
  if (base.gb18030) return base;
  let variant = chineseVariants.get(base.name);
  if (!variant) {
    const name = `${base.name}-gb18030`;
    variant = Object.freeze({ ...base, name, description: `${base.description}, Simplified Chinese (GB18030 via FS &)`, gb18030: true });
    chineseVariants.set(base.name, variant);
  }
  return variant;
}

/** Model name (GS I 67, upper-cased) → profile; the first match wins. */
const MODEL_PROFILES: readonly (readonly [RegExp, string])[] = [
  [/^TM-T88/, 'epson-tm-t88'],
  [/^TM-T20/, 'epson-tm-t20'],
  [/^TM-M30/, 'epson-tm-m30'],
  // Xprinter: the XP-58 family is 58 mm; the others (XP-80, XP-80C, XP-N160II, XP-Q200…) are 80 mm.
  [/(?:^|\s)XP-58/, 'generic-58'],
  [/(?:^|\s)XP-/, 'xprinter-80'],
];

/**
 * The profile for a model name as a printer reports it (GS I 67, e.g. "TM-T88V", "TM-T20II",
 * "TM-m30", "XP-80C"); anything unrecognised is `generic-80`. With the language it reports
 * (GS I 69) naming GB18030/GB2312/GBK/China, the GB18030 variant of that profile.
 */
export function profileForModel(model: string | undefined, language?: string): PrinterProfile {
  const m = (model ?? '').trim().toUpperCase();
  const name = MODEL_PROFILES.find(([pattern]) => pattern.test(m))?.[1] ?? 'generic-80';
  const base = getProfile(name);
  return language !== undefined && CHINESE_LANGUAGE.test(language) ? chineseVariant(base) : base;
}
