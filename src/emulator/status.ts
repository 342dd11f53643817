/**
 * Status bytes exactly as the reference's tables 1.2–1.6 lay them out (fixed bits included).
 * Pure functions of a `PrinterCondition`, so each bit can be tested without a printer.
 */

/** The physical and error condition that status replies report. */
export interface PrinterCondition {
  /** Drawer kick-out connector pin 3 level. */
  drawerPinHigh: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  /** End sensor: no paper. Implies the near-end sensor reports near end as well. */
  paperOut: boolean;
  /** Printing stopped by paper end (or by near end when `ESC c 4` enables that stop). */
  paperStopped: boolean;
  /** Recoverable (mechanical) error, e.g. cover opened during printing in recoverable mode. */
  recoverableError: boolean;
  cutterError: boolean;
  unrecoverableError: boolean;
  /** Auto-recoverable error: head overheat, or cover opened while printing (auto mode). */
  autoRecoverableError: boolean;
}

export function hasError(c: PrinterCondition): boolean {
  return c.recoverableError || c.cutterError || c.unrecoverableError || c.autoRecoverableError;
}

export function isOffline(c: PrinterCondition): boolean {
  return c.coverOpen || c.paperStopped || hasError(c);
}

const bit = (flag: boolean, position: number): number => (flag ? 1 << position : 0);

/** DLE EOT fixed bits: bit 1 and bit 4 set, bits 0 and 7 clear. */
const EOT_FIXED = 0x12;

/** Reply byte to `DLE EOT n` for n = 1..4; undefined for other n (no reply). */
export function realtimeStatus(n: number, c: PrinterCondition): number | undefined {
  switch (n) {
    case 1:
      return EOT_FIXED | bit(c.drawerPinHigh, 2) | bit(isOffline(c), 3);
    case 2:
      return EOT_FIXED | bit(c.coverOpen, 2) | bit(c.paperStopped, 5) | bit(hasError(c), 6);
    case 3:
      return EOT_FIXED | bit(c.recoverableError, 2) | bit(c.cutterError, 3) | bit(c.unrecoverableError, 5) | bit(c.autoRecoverableError, 6);
    case 4:
      return EOT_FIXED | (c.paperNearEnd || c.paperOut ? 0x0c : 0) | (c.paperOut ? 0x60 : 0);
    default:
      return undefined;
  }
}

/** The 4-byte Automatic Status Back frame (GS a). */
export function asbFrame(c: PrinterCondition): Uint8Array {
  return Uint8Array.of(
    0x10 | bit(c.drawerPinHigh, 2) | bit(isOffline(c), 3) | bit(c.coverOpen, 5),
    bit(c.recoverableError, 2) | bit(c.cutterError, 3) | bit(c.unrecoverableError, 5) | bit(c.autoRecoverableError, 6),
    paperSensorBits(c),
    0x00,
  );
}

/** Roll sensor bits shared by ASB byte 3 and `GS r 1`: 0x03 near end, 0x0C end. */
export function paperSensorBits(c: PrinterCondition): number {
  return (c.paperNearEnd || c.paperOut ? 0x03 : 0) | (c.paperOut ? 0x0c : 0);
}

/**
 * Which ASB bytes/bits each `GS a n` bit watches: bit 0 drawer, bit 1 online/offline (incl. cover),
 * bit 2 errors, bit 3 roll paper sensor.
 */
const ASB_ITEM_MASKS: readonly (readonly [number, number, number])[] = [
  [0x04, 0x00, 0x00],
  [0x28, 0x00, 0x00],
  [0x00, 0x6c, 0x00],
  [0x00, 0x00, 0x0f],
];

/** True when an item enabled in `mask` differs between two frames. */
export function asbItemsChanged(mask: number, before: Uint8Array, after: Uint8Array): boolean {
  return ASB_ITEM_MASKS.some((item, index) => (mask & (1 << index)) !== 0 && item.some((bits, byte) => ((before[byte]! ^ after[byte]!) & bits) !== 0));
}

/** Reply to `GS r n` (1/49 paper sensor, 2/50 drawer); undefined when the model has no answer. */
export function transmitStatus(n: number, c: PrinterCondition): number | undefined {
  if (n === 1 || n === 49) return paperSensorBits(c);
  if (n === 2 || n === 50) return bit(c.drawerPinHigh, 0);
  return undefined;
}
