/** `receipt-spool/emulator`: a virtual Epson TM printer (TCP, pty, in-memory) with fault injection. */
export { VirtualPrinter, runEmulatorConsole, ManualClock as EmulatorClock, renderText as renderEmulatedReceipt } from '../emulator/index.js';
export type {
  VirtualPrinterOptions,
  ListenOptions as EmulatorListenOptions,
  ListenResult as EmulatorListenResult,
  PrinterSnapshot as EmulatorState,
  EmulatorConsoleOptions,
  Journal as EmulatorJournal,
  Receipt as EmulatedReceipt,
  JournalItem as EmulatedItem,
  ReceiptEnd as EmulatedReceiptEnd,
  InterruptionCause as EmulatedInterruption,
  ControlRequest as EmulatorControlRequest,
} from '../emulator/index.js';
