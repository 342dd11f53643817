/**
 * What a printer answers, as data: which DLE EOT n, whether GS ( H and GS r, and how it frames
 * ASB. Learned by the probe (or given by the caller, e.g. from a profile) and kept by the
 * `Printer` for its session, so a missing feature costs one probe timeout per printer, not one
 * per connection (issue 20; escpos-status.md §0, §1.2–1.5).
 */
import type { RealtimeStatusN } from './status.js';

export interface PrinterDialect {
  /**
   * The DLE EOT n the printer answers, in the order asked. Clones answer subsets: Maxim MOB-58
   * documents 1 and 4, Custom P80C only 2; python-escpos asks 1 and 4, receiptio 2.
   */
  realtimeStatus?: readonly RealtimeStatusN[];
  /** GS ( H fn 48 process ID (Epson only: not found in Citizen, Bixolon, HPRT or Rongta manuals). */
  processId?: boolean;
  /** GS r 1 answered in sequence. */
  transmitStatus?: boolean;
  /**
   * The maker GS I 66 answered with (its `5F … 00` block). A GS r job then also asks it after
   * GS r: only a block with this text confirms the job, which a stray byte cannot fake.
   */
  printerInfo?: string;
  /**
   * ASB framing: `framed` = Epson's fixed bits (byte 1 `0xx1xx00`, bytes 2–4 `0xx0xxxx`);
   * `zeros` = a frame of four `00` bytes that carries nothing and looks like GS r replies
   * (gilbertfl/escpos-netprinter), so ASB stays off; `none` = no frame seen.
   */
  asb?: 'framed' | 'zeros' | 'none';
}

export const ALL_REALTIME_N: readonly RealtimeStatusN[] = [1, 2, 3, 4];

/** Whether a maker name (GS I 66) says the printer speaks Epson's GS ( H. */
export const isEpsonMaker = (maker: string | undefined): boolean => maker !== undefined && /^\s*epson\b/i.test(maker);
