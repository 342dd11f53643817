/** The shape of a printer profile (profiles.ts holds the models as data); every profile is checked against it in a test. */
import { z } from 'zod';

export const printerProfileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  /** Printable width in dots (8 dots/mm at 203 dpi). */
  dots: z.number().int().positive().multipleOf(8),
  /** Characters per line at size 1 for font A and font B. */
  columns: z.strictObject({ A: z.number().int().positive(), B: z.number().int().positive() }),
  /** ESC t tables the model has, first = default. */
  codeTables: z.array(z.strictObject({ escT: z.number().int().min(0).max(255), encoding: z.string().min(1) })).min(1),
  /** Simplified Chinese font: FS & switches bytes ≥ 0x80 to GB18030 (Kanji mode). */
  gb18030: z.boolean(),
  cutter: z.strictObject({ full: z.boolean(), partial: z.boolean() }),
  /** Blank lines fed before GS V (the cut itself also feeds to the cutter, function B). */
  cutFeedLines: z.number().int().min(0).max(255),
  drawer: z.boolean(),
  /** How the printer link confirms a job: GS ( H process ID, in-sequence GS r reply, or not at all. */
  confirmation: z.enum(['process-id', 'gs-r', 'none']),
  /** Largest GS v 0 band in rows the model accepts. */
  maxBandRows: z.number().int().min(8).max(2303),
  qr: z.boolean(),
  pdf417: z.boolean(),
});

export type PrinterProfile = z.infer<typeof printerProfileSchema>;
