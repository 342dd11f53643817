/**
 * receipt-spool's public face. Every export is listed on purpose, grouped by layer,
 * lower layers first.
 */

// errors
export * from './errors.js';

// document
export type * from './document/types.js';
export { validateReceipt, checkReceipt, type ValidateOptions, type CheckResult } from './document/validate.js';
export { receipt, ReceiptBuilder } from './document/builder.js';
export type { RowStyle, BarcodeOptions, QrOptions, Pdf417Options, ImageOptions } from './document/builder.js';
export { LIMITS, QR_CAPACITY } from './document/limits.js';
export { maskPan, findCardNumbers, type MaskPanOptions, type CardDataMatch, type CardDataKind } from './document/card-data.js';
export { normalizeBarcode } from './document/barcode-rules.js';
export { receiptJsonSchema } from './document/json-schema.js';

// escpos: images
export { decodePng, decodeImageDataUri, toBitmap, rasterBands } from './escpos/image.js';
export type { Bitmap, GrayImage, DitherMode, ToBitmapOptions } from './escpos/image.js';

// transport
export type { Transport, TransportKind, TransportOptions } from './transport/interface.js';

// printer
export type * from './printer/types.js';
export { Printer, type PrinterOptions, type PrinterTimeouts } from './printer/printer.js';
export { ReplyFramer, type Reply, type ReplyFramerOptions } from './printer/framer.js';
export { decodeAsb, decodeRealtimeStatus, faultNeedsAttention, isJobFault, statusFault } from './printer/status.js';
export type { Clock } from './printer/clock.js';

// spool
export { inlineImageFiles } from './spool/inline-images.js';
