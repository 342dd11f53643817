/**
 * What the lenient reading of a document changed so that it could print. Each warning names
 * the JSON path of the problem (the same path strict validation reports as an error) and what
 * was done; never the data itself (it may be card data).
 */

export type DocumentWarningCode =
  /** A full card number was masked to its first 6 and last 4 digits. */
  | 'CARD_NUMBER_MASKED'
  /** Magnetic-stripe track data or a card verification value was removed. */
  | 'CARD_DATA_REMOVED'
  /** Control characters or invalid UTF-16 became `?`. */
  | 'CHARACTERS_REPLACED'
  /** Text over a limit was cut, ending in `…`. */
  | 'TEXT_TRUNCATED'
  /** Barcode data the symbology cannot carry prints as text. */
  | 'BARCODE_AS_TEXT'
  /** A QR code over capacity prints at a lower error-correction level. */
  | 'QR_ERROR_CORRECTION_LOWERED'
  /** A QR code over capacity at every level prints as text. */
  | 'QR_AS_TEXT'
  /** An image that cannot be printed (oversized, unreadable, not a PNG) was left out. */
  | 'IMAGE_DROPPED'
  /** A block that is not printable (unknown kind, bad drawer or raw data) was left out. */
  | 'BLOCK_DROPPED'
  /** A block was printed in another form (a number as text, a row reshaped). */
  | 'BLOCK_CHANGED'
  /** An option with a bad value was ignored: its default applies. */
  | 'OPTION_IGNORED'
  /** An unknown key was ignored. */
  | 'KEY_IGNORED'
  /** More blocks than the limit: the rest was cut, ending in a `…` line. */
  | 'CONTENT_TRUNCATED';

export interface DocumentWarning {
  code: DocumentWarningCode;
  /** JSON path, e.g. `content[3].barcode`. */
  path: string;
  message: string;
}
