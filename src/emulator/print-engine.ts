/**
 * The print buffer and the print engine: the interpreter hands over print units as it processes
 * the receive buffer; they wait in the print buffer, the engine spends print time on them and
 * writes them into the journal when they have printed. So processing (GS r, GS I) runs ahead of
 * printing by up to the print buffer, while a process ID (GS ( H fn 48) waits in the print buffer
 * as a marker and is due only once everything before it has printed. The engine knows nothing
 * of status or replies; the printer model says when it may print and hears what happened.
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
  /** Powered and online. */
  canPrint(): boolean;
  /** A cut ended a receipt. */
  receipt(receipt: Receipt): void;
  /** The cutter jammed on a cut (`jamOnNextCut`); the cut waits to print again. */
  cutJammed(): void;
  /** A stop requested with `stopAfterCurrent` is due now (the current unit has printed). */
  stopReached(cause: InterruptionCause): void;
  /** A unit finished on its timer: the printer may go on. */
  finished(): void;
}

/** A unit in the print buffer: its processing cost in bytes, and what is due once it printed. */
interface BufferedUnit {
  unit: PrintUnit;
  costBytes: number;
  printed?: () => void;
}

const speed = (value: number | undefined): number => (value === undefined || value === 0 ? Infinity : value);

export class PrintEngine {
  /** The next cut jams the cutter. */
  jamOnNextCut = false;
  private printing: { entry: BufferedUnit; timer: unknown } | undefined;
  /** The unit that stopped at once; it prints again from its start on recovery. */
  private resumeEntry: BufferedUnit | undefined;
  private stopAfterUnit: InterruptionCause | undefined;
  private buffer: BufferedUnit[] = [];
  private bufferedLines = 0;
  private costBytes = 0;

  /** `capacity`: print buffer size in lines; 0 = none (a unit is processed only once the previous one printed). */
  constructor(
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly speed: PrintSpeed,
    private readonly capacity: number,
    private readonly host: PrintEngineHost,
  ) {}

  get busy(): boolean {
    return this.printing !== undefined;
  }

  /** Nothing printing, nothing buffered, nothing waiting to print again. */
  get idle(): boolean {
    return !this.printing && !this.resumeEntry && this.buffer.length === 0;
  }

  /** Whether processing may hand over another unit. */
  get hasRoom(): boolean {
    if (this.capacity <= 0) return !this.printing && !this.resumeEntry && this.buffer.length === 0;
    return this.bufferedLines < this.capacity;
  }

  /** Bytes processed since the last unit was handed over: they cost print time at `bytesPerSecond`. */
  addCost(bytes: number): void {
    this.costBytes += bytes;
  }

  /** A processed unit enters the print buffer. */
  enqueue(unit: PrintUnit): void {
    this.push({ unit, costBytes: this.costBytes });
  }

  /** `printed` runs once everything handed over before it has printed (at once when nothing is pending). */
  enqueueMarker(printed: () => void): void {
    this.push({ unit: { items: [], lines: 0, cut: false }, costBytes: 0, printed });
  }

  private push(entry: BufferedUnit): void {
    this.costBytes = 0;
    this.buffer.push(entry);
    this.bufferedLines += entry.unit.lines;
    this.run();
  }

  /** Print what is buffered while the printer may print. */
  run(): void {
    while (this.host.canPrint() && !this.printing) {
      const entry = this.resumeEntry ?? this.buffer.shift();
      if (!entry) return;
      if (entry === this.resumeEntry) this.resumeEntry = undefined;
      else this.bufferedLines -= entry.unit.lines;
      this.start(entry);
    }
  }

  private start(entry: BufferedUnit): void {
    const { unit } = entry;
    if (unit.cut && this.jamOnNextCut) {
      this.jamOnNextCut = false;
      this.resumeEntry = { unit, costBytes: 0 };
      this.journal.interrupt('cutter-jam');
      return this.host.cutJammed();
    }
    const seconds = unit.lines / speed(this.speed.linesPerSecond) + entry.costBytes / speed(this.speed.bytesPerSecond);
    if (!(seconds > 0)) return this.complete(entry);
    const timer = this.clock.setTimeout(() => {
      this.printing = undefined;
      this.complete(entry);
      this.host.finished();
    }, seconds * 1000);
    this.printing = { entry, timer };
  }

  private complete({ unit, printed }: BufferedUnit): void {
    printed?.();
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
    const { unit } = current.entry;
    for (const item of unit.items) if (item.kind === 'text') this.journal.add({ ...item, partial: true });
    this.journal.interrupt(cause);
    this.resumeEntry = { unit, costBytes: 0 };
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

  /** Drop everything not yet printed, markers included (buffer clear, power off). */
  clear(): void {
    this.costBytes = 0;
    this.buffer = [];
    this.bufferedLines = 0;
    this.resumeEntry = undefined;
    this.stopAfterUnit = undefined;
    if (this.printing) {
      this.clock.clearTimeout(this.printing.timer);
      this.printing = undefined;
    }
  }
}
