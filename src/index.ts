/**
 * receipt-spool's public face. Every export is listed on purpose, grouped by layer,
 * lower layers first.
 */

// errors
export * from './errors.js';

// document
export type * from './document/types.js';

// transport
export type { Transport, TransportKind, TransportOptions } from './transport/interface.js';

// printer
export type * from './printer/types.js';
