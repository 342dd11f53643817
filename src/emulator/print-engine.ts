/**
 * The print engine: spends print time on the units the interpreter hands over and writes them
 * into the journal when they have printed. It knows nothing of status or replies; the printer
 * model tells it when to stop and hears when a unit is done, a cut jammed or paper end is reached.
 */
import type { Clock } from './clock.js';
import type { PrintUnit } from './interpreter.js';
import type { InterruptionCause, Journal, JournalItem, Receipt } from './journal.js';

export interface PrintSpeed {
  /** `Infinity`, 0 or undefined means instant. Both limits add up. */
  bytesPerSecond?: number;
  linesPerSecond?: number;
}

export interface PrintEngineHost {
  /** A cut ended a receipt. */
  receipt(receipt: Receipt): void;
  /** The cutter jammed on a cut (`jamOnNextCut`); the cut waits to print again. */
  cutJammed(): void;
  /** A stop requested with `stopAfterCurrent` is due now (the current unit has printed). */
  stopReached(cause: InterruptionCause): void;
  /** A unit finished on its timer: the printer may go on. */
  finished(): void;
}

const speed = (value: number | undefined): number => (value === undefined || value === 0 ? Infinity : value);

export class PrintEngine {
  /** The next cut jams the cutter. */
  jamOnNextCut = false;
  private printing: { unit: PrintUnit; timer: unknown } | undefined;
  /** The unit that stopped at once; it prints again from its start on recovery. */
  private resumeUnit: PrintUnit | undefined;
  private stopAfterUnit: InterruptionCause | undefined;
  private costBytes = 0;

  constructor(
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly speed: PrintSpeed,
    private readonly host: PrintEngineHost,
  ) {}

  get busy(): boolean {
    return this.printing !== undefined;
  }

  /** Bytes processed since the last unit started: they cost print time at `bytesPerSecond`. */
  addCost(bytes: number): void {
    this.costBytes += bytes;
  }

  /** Start the unit an interruption stopped, if any; false when there is none. */
  resume(): boolean {
    const unit = this.resumeUnit;
    if (!unit) return false;
    this.resumeUnit = undefined;
    this.start(unit);
    return true;
  }

  start(unit: PrintUnit): void {
    if (unit.cut && this.jamOnNextCut) {
      this.jamOnNextCut = false;
      this.resumeUnit = unit;
      this.journal.interrupt('cutter-jam');
      return this.host.cutJammed();
    }
    const seconds = unit.lines / speed(this.speed.linesPerSecond) + this.costBytes / speed(this.speed.bytesPerSecond);
    this.costBytes = 0;
    if (!(seconds > 0)) return this.complete(unit);
    const timer = this.clock.setTimeout(() => {
      this.printing = undefined;
      this.complete(unit);
      this.host.finished();
    }, seconds * 1000);
    this.printing = { unit, timer };
  }

  private complete(unit: PrintUnit): void {
    for (const item of unit.items) this.addItem(item);
    if (unit.cut) {
      const receipt = this.journal.end('cut');
      if (receipt) this.host.receipt(receipt);
    }
    const stop = this.stopAfterUnit;
    if (stop) {
      this.stopAfterUnit = undefined;
      this.host.stopReached(stop);
    }
  }

  private addItem(item: JournalItem): void {
    const last = this.journal.lastItem();
    if (item.kind === 'image' && item.source === 'bit-image' && last?.kind === 'image' && last.source === 'bit-image' && last.width === item.width) {
      last.height += item.height;
    } else {
      this.journal.add(item);
    }
  }

  /** Abort the unit being printed at once (cover open, error); it prints again whole on recovery. */
  abort(cause: InterruptionCause): void {
    const current = this.printing;
    if (!current) return;
    this.clock.clearTimeout(current.timer);
    this.printing = undefined;
    for (const item of current.unit.items) if (item.kind === 'text') this.journal.add({ ...item, partial: true });
    this.journal.interrupt(cause);
    this.resumeUnit = current.unit;
  }

  /** Stop once the unit being printed is done (paper end after the current line); false when idle. */
  stopAfterCurrent(cause: InterruptionCause): boolean {
    if (!this.printing) return false;
    this.stopAfterUnit = cause;
    return true;
  }

  cancelStop(): void {
    this.stopAfterUnit = undefined;
  }

  /** Drop everything not yet printed (buffer clear, power off). */
  clear(): void {
    this.costBytes = 0;
    this.resumeUnit = undefined;
    this.stopAfterUnit = undefined;
    if (this.printing) {
      this.clock.clearTimeout(this.printing.timer);
      this.printing = undefined;
    }
  }
}
