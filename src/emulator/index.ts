/** The virtual ESC/POS printer: public surface of src/emulator. */
export { VirtualPrinter } from './virtual-printer.js';
export type { VirtualPrinterOptions, ListenOptions, ListenResult, VirtualPrinterEvents } from './virtual-printer.js';
export { PrinterModel } from './printer-model.js';
export type { PrinterModelOptions, PrinterSnapshot, ReplyKind } from './printer-model.js';
export { ManualClock, realClock } from './clock.js';
export type { Clock } from './clock.js';
export { Journal } from './journal.js';
export type * from './journal.js';
export type { PrinterIdentity } from './replies.js';
export type { PrinterCondition } from './status.js';
export { EscPosParser } from './parser.js';
export type { ParsedOp, ParsedCommand } from './parser.js';
export { renderText } from './render-text.js';
export { handleControlRequest, CONTROL_FAULTS } from './control.js';
export type { ControlRequest } from './control.js';
export { runEmulatorConsole } from './console.js';
export type { EmulatorConsoleOptions, EmulatorConsole } from './console.js';
