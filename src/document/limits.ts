/**
 * Hard limits on a receipt document. They keep one bad or hostile document from exhausting
 * memory in the spool or producing a command the printer cannot frame. All are checked by
 * `validateReceipt`; they are part of the public API so integrators can check early.
 */
export const LIMITS = {
  /** `transactionId`: 1–64 characters, no control characters. */
  maxTransactionIdLength: 64,
  /** `printer`: 1–64 characters, no control characters. */
  maxPrinterNameLength: 64,
  /** Blocks in `content`. A very long receipt (a few hundred rows) stays far below. */
  maxContentBlocks: 2000,
  /** UTF-16 code units in one text string (a plain line, a `text` block, a row cell). */
  maxTextLength: 10_000,
  /** Barcode data characters; leaves room in the 255-byte `GS k` length for code-set switches. */
  maxBarcodeDataLength: 100,
  /** QR data, UTF-8 bytes: the numeric capacity of version 40 at level L (byte data is capped lower per level). */
  maxQrDataBytes: 7089,
  /** PDF417 data, UTF-8 bytes: the text-compaction capacity of the largest symbol. */
  maxPdf417DataBytes: 1850,
  /** Length of an `image` data URI (characters = bytes, base64 is ASCII): 2 MiB. */
  maxImageDataUriBytes: 2 * 1024 * 1024,
  /** Width or height of a decoded image in pixels. */
  maxImageDimension: 8192,
  /** Pixels of a decoded image (decoded RGBA takes 4 bytes each). */
  maxImagePixels: 8 * 1024 * 1024,
  /** `image.width` option, in printer dots (the profile's paper width caps it further). */
  maxImageWidthDots: 2048,
  /** `raw` bytes after hex decoding. */
  maxRawBytes: 4096,
  /** `feed` lines and `cut.feed`. */
  maxFeedLines: 255,
} as const;

/**
 * QR version 40 capacity per error-correction level and data mode (ISO/IEC 18004 table 7).
 * `validateReceipt` uses the block's level, or `L` when none is given.
 */
export const QR_CAPACITY = {
  L: { numeric: 7089, alphanumeric: 4296, byte: 2953 },
  M: { numeric: 5596, alphanumeric: 3391, byte: 2331 },
  Q: { numeric: 3993, alphanumeric: 2420, byte: 1663 },
  H: { numeric: 3057, alphanumeric: 1852, byte: 1273 },
} as const;

/** How an inlined PNG image starts (kept here, free of the schema's zod, so the encoder loads without it). */
export const PNG_DATA_URI_PREFIX = 'data:image/png;base64,';
