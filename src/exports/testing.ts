/**
 * `receipt-spool/testing`: the test double shipped to users (as serialport ships its mock
 * binding). `MemoryTransport.createPrinter('mem0', …)` answers status queries and confirmations
 * like a printer; `.recording` shows what was sent. Queue, status and CLI tests run on it.
 */
export { MemoryPrinter, MemoryTransport, type MemoryPrinterOptions } from '../transport/memory.js';
