/**
 * receipt-spool's public face: spool, printer, transports and URIs, documents and encoder,
 * errors. Every export is listed on purpose, grouped by layer, lower layers first; the API
 * report (api/receipt-spool.api.md, `npm run api`) changes only on purpose. Importing it loads
 * no native module: serialport, usb and better-sqlite3 load when first used.
 *
 * Elsewhere: `receipt-spool/emulator` (the virtual printer), `receipt-spool/testing` (the
 * in-memory printer for tests), `receipt-spool/node-thermal-printer` (the bridge).
 */

// errors
export * from './errors.js';

// document
export type * from './document/types.js';
export { validateReceipt, checkReceipt, type ValidateOptions, type CheckResult } from './document/validate.js';
export { receipt, ReceiptBuilder } from './document/builder.js';
export type { RowStyle, BarcodeOptions, QrOptions, Pdf417Options, ImageOptions } from './document/builder.js';
export { LIMITS, QR_CAPACITY } from './document/limits.js';
export { maskPan, findCardNumbers, maskCardData, type MaskPanOptions, type CardDataMatch, type CardDataKind, type MaskedText } from './document/card-data.js';
export { CARD_BRANDS, cardBrandOf, type CardBrand } from './document/card-brands.js';
export { readReceiptLeniently, type LenientOptions, type LenientResult } from './document/lenient.js';
export type { DocumentWarning, DocumentWarningCode } from './document/warnings.js';
export { normalizeBarcode } from './document/barcode-rules.js';
export { receiptJsonSchema } from './document/json-schema.js';

// escpos
export { encode, encodeCommands, defaultMarkText } from './escpos/encoder.js';
export type { EncodeOptions, EncodeResult, EncodeCommandsResult, ReprintMark } from './escpos/encoder.js';
export type { EncodeWarning, EncodeWarningCode, EncodedCommand } from './escpos/sink.js';
export { profiles, getProfile, profileForModel } from './escpos/profiles.js';
export { printerProfileSchema } from './escpos/profile-schema.js';
export type { PrinterProfile, CodeTable } from './escpos/profiles.js';
export { displayWidth } from './escpos/width.js';
/** ESC/POS command builders (each returns the bytes of one Epson command). */
export * as commands from './escpos/commands.js';

// escpos: images
export { decodePng, decodeImageDataUri, toBitmap, rasterBands } from './escpos/image.js';
export type { Bitmap, GrayImage, DitherMode, ToBitmapOptions } from './escpos/image.js';

// transport (the list is in src/transport/index.ts: URIs, openTransport/createTransport, the
// tcp/serial/usb/file transports, USB discovery helpers, listPrinters)
export * from './transport/index.js';

// printer
export type * from './printer/types.js';
export { Printer, type PrinterOptions, type PrinterTimeouts } from './printer/printer.js';
export { ReplyFramer, type Reply, type ReplyFramerOptions } from './printer/framer.js';
export { decodeAsb, decodeRealtimeStatus, faultNeedsAttention, isJobFault, statusFault } from './printer/status.js';
export { decodeRealtimeReplies, type RealtimeStatusN } from './printer/status.js';
export type { PrinterDialect } from './printer/dialect.js';
export type { Clock } from './printer/clock.js';

// spool
export { inlineImageFiles } from './spool/inline-images.js';
export { openSpool, Spool, DEFAULT_PRINTER, DEFAULT_RETENTION_MS, type SpoolOptions, type SubmitOptions } from './spool/spool.js';
export { Worker, type WorkerOptions, type WorkerEvents, type FallbackOptions } from './spool/worker.js';
export { openOutbox, Outbox, type OutboxOptions, type OutboxEvents, type FleetOptions, type ForwardReport } from './spool/outbox/outbox.js';
export { homeOf, type Homes } from './spool/outbox/plan.js';
export type { HandedOver } from './spool/postgres/outbox.js';
export { JobState } from './spool/types.js';
export type { Job, JobKind, HistoryEntry, ReprintRecord, PrinterHealth, HealthReason, ListFilter, SubmitResult, SpoolEvents } from './spool/types.js';
export { FAILURE_POLICY, DEFAULT_RETRY, backoffDelay, type RetryOptions, type FailureAction } from './spool/retry-policy.js';
export type { SpoolStore, NewJob, AttemptRef, AttemptError } from './spool/store.js';
export type { Lease, LeaseOwner, OperatorRequest, WaitingPrinter } from './spool/store.js';
export type { WaitForOptions, WatchOptions } from './spool/watch.js';
export { formatMarkTime, type MarkTimeOptions } from './spool/mark-time.js';
export type { Renderer } from './spool/render.js';

// preview: receipts as pictures, drawn from the bytes by the emulator's interpreter (1-bit PNG at the print head's width)
export { renderReceipt, renderItems, type RenderOptions as PreviewOptions } from './preview/index.js';
