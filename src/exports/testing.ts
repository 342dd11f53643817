/**
 * `receipt-spool/testing`: the test double shipped to users (as serialport ships its mock
 * binding). `MemoryTransport.createPrinter('mem0', …)` answers status queries and confirmations
 * like a printer; `.recording` shows what was sent. Queue, status and CLI tests run on it.
 */
export { MemoryPrinter, MemoryTransport, type MemoryPrinterOptions } from '../transport/memory.js';
/** A clock that moves only when told to: give it to a `Printer`, a spool or a worker and `advance(ms)` instead of sleeping. */
export { ManualClock } from '../clock.js';
