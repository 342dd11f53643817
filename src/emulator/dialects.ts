/**
 * Named printer dialects for the virtual printer: the ways real printers differ in what they
 * answer, as model options (issue 20). `receipt-spool emulate --dialect NAME` and the
 * printer-link contract suite use them; single options can still be set on top.
 */
import { InvalidArgumentError } from '../errors.js';
import type { PrinterModelOptions } from './model-types.js';

export const EMULATOR_DIALECTS = {
  /** This emulator's default: an Epson TM with GS ( H, DLE EOT 1–4, framed ASB, drawer pin 3 low. */
  epson: {},
  /** A real TM with no drawer: idles at DLE EOT 1 = `0x16`, pin 3 high (node-escpos#288, escpos-netprinter#1). */
  'tm-no-drawer': { drawerPinHigh: true },
  /**
   * A cheap 58 mm clone (Maxim MOB-58 manual: DLE EOT n = 1 and 4 only): no GS ( H, and `GS (`
   * is not parsed, so its bytes would print as text; executes real-time commands inside data.
   */
  'clone-eot-1-4': {
    maker: 'MAXIM',
    model: 'MOB-58',
    realtimeStatus: [1, 4],
    processId: false,
    unknownCommands: ['GS ('],
    realtimeInData: true,
  },
  /** Custom P80C manual: DLE EOT n = 2 only (receiptio asks only 2); no GS ( H. */
  'clone-eot-2': { maker: 'CUSTOM', model: 'P80C', realtimeStatus: [2], processId: false },
  /** gilbertfl/escpos-netprinter: ASB frames as `00 00 00 00`; treated here as without GS ( H. */
  'zero-asb': { maker: 'ESCPOS-NETPRINTER', model: 'virtual', asbFraming: 'zeros', processId: false },
  /** An Epson that executes DLE EOT / ENQ / DC4 inside image data (TM-T88III, TM-T85 notes). */
  'realtime-in-data': { realtimeInData: true },
} as const satisfies Record<string, PrinterModelOptions>;

export type EmulatorDialect = keyof typeof EMULATOR_DIALECTS;

export const EMULATOR_DIALECT_NAMES = Object.keys(EMULATOR_DIALECTS) as EmulatorDialect[];

/** The model options of a named dialect; a clear error for an unknown name. */
export function dialectOptions(name: string): PrinterModelOptions {
  if (!(name in EMULATOR_DIALECTS)) {
    throw new InvalidArgumentError(`unknown emulator dialect "${name}"; use one of ${EMULATOR_DIALECT_NAMES.join(', ')}`);
  }
  return EMULATOR_DIALECTS[name as EmulatorDialect];
}
