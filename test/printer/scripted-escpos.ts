/**
 * The answers of a small scripted ESC/POS printer, for deterministic Printer unit tests, behind
 * the shipped memory link (`MemoryTransport.createPrinter` from `receipt-spool/testing`): the
 * memory printer carries the bytes, records them, drops the link, refuses to connect or stops
 * accepting; this script only answers the link's own requests (DLE EOT, GS a, GS ( H, GS r, GS I,
 * DLE DC4 fn 8, DLE ENQ 2, ESC @) and holds confirmations while it is stopped, as a real printer
 * does. (The emulator is the full printer; this script lets a test choose one behaviour exactly.)
 */
import { MemoryTransport, type MemoryPrinter } from '../../src/exports/testing.js';

export type JobBehaviour = 'print' | 'paper-out' | 'cover-open' | 'cutter-jam' | 'hang' | 'drop';

export interface ScriptOptions {
  /** Answers DLE EOT (false: a one-way printer behind a two-way link). */
  answersStatus?: boolean;
  processId?: boolean;
  gsr?: boolean;
  asb?: boolean;
  clearResponse?: boolean;
  /** False: a write-only link (the memory printer's `bidirectional`). */
  bidirectional?: boolean;
}

interface State {
  coverOpen: boolean;
  paperEnd: boolean;
  nearEnd: boolean;
  cutter: boolean;
  unrecoverable: boolean;
  overheat: boolean;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));
const CLEAR = [0x10, 0x14, 0x08, 0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08];

export class ScriptedPrinter {
  readonly options: Required<Omit<ScriptOptions, 'bidirectional'>>;
  /** The shipped memory printer this script answers for: `new MemoryTransport(memory.name)` connects to it. */
  readonly memory: MemoryPrinter;
  state: State = { coverOpen: false, paperEnd: false, nearEnd: false, cutter: false, unrecoverable: false, overheat: false };
  asbEnabled = false;
  /** What the next job (a write starting with ESC @) runs into. */
  nextJob: JobBehaviour = 'print';
  /** Confirmations held while the printer is stopped, sent on recovery unless cleared. */
  held: number[][] = [];
  /** Jobs printed whole while online, for the invariant: a confirmed job was printed. */
  printedJobs = 0;
  /** Every write that started a job (ESC @), as received. */
  readonly jobWrites: number[][] = [];
  clears = 0;
  identity: Record<number, string> = { 65: '1.02 ESC/POS', 66: 'EPSON', 67: 'TM-T88V', 68: 'SN12345' };
  /** Still printing an earlier job: in-order replies come later (`set({})` releases them). */
  busy = false;
  hung = false;

  constructor(name: string, { bidirectional = true, ...options }: ScriptOptions = {}) {
    this.options = { answersStatus: true, processId: true, gsr: true, asb: true, clearResponse: true, ...options };
    this.memory = MemoryTransport.createPrinter(name, {
      bidirectional,
      replies: (written) => {
        this.receive(written);
        return undefined;
      },
    });
  }

  /** Every byte the host wrote since `from` (an earlier `recording.length`). */
  writtenSince(from = 0): number[] {
    return [...this.memory.recording.subarray(from)];
  }

  get offline(): boolean {
    const s = this.state;
    return s.coverOpen || s.paperEnd || s.cutter || s.unrecoverable || s.overheat;
  }

  eot(n: number): number {
    const s = this.state;
    if (n === 1) return 0x12 | (this.offline ? 0x08 : 0);
    if (n === 2) return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperEnd ? 0x20 : 0) | (s.cutter || s.unrecoverable || s.overheat ? 0x40 : 0);
    if (n === 3) return 0x12 | (s.cutter ? 0x08 : 0) | (s.unrecoverable ? 0x20 : 0) | (s.overheat ? 0x40 : 0);
    return 0x12 | (s.nearEnd ? 0x0c : 0) | (s.paperEnd ? 0x60 : 0);
  }

  asbFrame(): number[] {
    const s = this.state;
    return [
      0x10 | (this.offline ? 0x08 : 0) | (s.coverOpen ? 0x20 : 0),
      (s.cutter ? 0x08 : 0) | (s.unrecoverable ? 0x20 : 0) | (s.overheat ? 0x40 : 0),
      (s.nearEnd ? 0x03 : 0) | (s.paperEnd ? 0x0c : 0),
      0,
    ];
  }

  /** Changes the state; pushes an ASB frame if enabled; releases held replies once online. */
  set(change: Partial<State>): void {
    Object.assign(this.state, change);
    if (this.asbEnabled) this.send(this.asbFrame());
    if (!this.offline && !this.busy) {
      for (const reply of this.held.splice(0)) this.send(reply);
    }
  }

  /** Sends bytes to the host when a link is open (delivered on a later turn, as a socket would). */
  send(bytes: number[]): void {
    if (this.memory.isConnected && this.memory.options.bidirectional !== false) this.memory.emitData(bytes);
  }

  receive(data: Uint8Array): void {
    const b = [...data];
    const isJob = b[0] === 0x1b && b[1] === 0x40;
    if (isJob) {
      this.jobWrites.push(b);
      const behaviour = this.nextJob;
      this.nextJob = 'print';
      if (behaviour === 'paper-out') this.set({ paperEnd: true, nearEnd: true });
      if (behaviour === 'cover-open') this.set({ coverOpen: true });
      if (behaviour === 'cutter-jam') this.set({ cutter: true });
      if (behaviour === 'hang') this.hung = true;
      if (behaviour === 'drop') {
        this.memory.drop();
        return;
      }
    }
    if (this.hung) return;
    let jobPrinted = isJob;
    for (let i = 0; i < b.length;) {
      const at = (k: number) => b[i + k];
      if (at(0) === 0x10 && at(1) === 0x04 && at(2)! >= 1 && at(2)! <= 4) {
        if (this.options.answersStatus) this.send([this.eot(at(2)!)]);
        i += 3;
      } else if (CLEAR.every((v, k) => at(k) === v)) {
        this.held = [];
        this.clears++;
        jobPrinted = false;
        if (this.options.clearResponse) this.send([0x37, 0x25, 0x00]);
        i += CLEAR.length;
      } else if (at(0) === 0x10 && at(1) === 0x05 && at(2) === 0x02) {
        this.held = [];
        this.clears++;
        i += 3;
      } else if (at(0) === 0x1b && at(1) === 0x40) {
        this.asbEnabled = false;
        i += 2;
      } else if (at(0) === 0x1d && at(1) === 0x61) {
        this.asbEnabled = this.options.asb && at(2) !== 0;
        if (this.asbEnabled) this.send(this.asbFrame());
        i += 3;
      } else if (at(0) === 0x1d && at(1) === 0x28 && at(2) === 0x48 && at(3) === 0x06 && at(6) === 0x30) {
        if (this.options.processId) this.reply([0x37, 0x22, ...b.slice(i + 7, i + 11), 0x00]);
        i += 11;
      } else if (at(0) === 0x1d && at(1) === 0x72 && at(2) === 0x31) {
        if (this.options.gsr) this.reply([(this.state.nearEnd ? 0x03 : 0) | (this.state.paperEnd ? 0x0c : 0)]);
        i += 3;
      } else if (at(0) === 0x1d && at(1) === 0x49) {
        const text = this.identity[at(2)!];
        if (text !== undefined) this.reply([0x5f, ...ascii(text), 0x00]); // processed in order, like GS r
        i += 3;
      } else {
        i += 1;
      }
    }
    if (jobPrinted && !this.offline) this.printedJobs++;
  }

  /** In-order replies wait while the printer is stopped (paper end, cover, error). */
  private reply(bytes: number[]): void {
    if (this.offline) this.held = [bytes];
    else if (this.busy) this.held.push(bytes);
    else this.send(bytes);
  }
}

export function contains(haystack: number[], needle: ArrayLike<number>): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}
