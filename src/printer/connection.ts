/**
 * One open link to the printer: the single reader of its replies (through the framer) and
 * the request/reply pairing for everything the printer link asks. A new `Connection` is made
 * for every (re)connect, so nothing of an old link — replies, process IDs, tombstones — can
 * leak into the next one.
 */
import { DisconnectedError } from '../errors.js';
import type { Transport, WriteOptions } from '../transport/interface.js';
import { delay, type Clock } from './clock.js';
import { ReplyFramer, type Reply } from './framer.js';
import { ReplyQueue, type PendingReply } from './reply-queue.js';
import { CLEAR_BUFFERS, printerInfo, realtimeStatus } from './requests.js';
import { ALL_REALTIME_N } from './dialect.js';
import type { RealtimeStatusN } from './status.js';
import type { ConfirmationMode } from './types.js';

export interface ConnectionEvents {
  asb(frame: readonly number[]): void;
  closed(error: Error | undefined): void;
}

interface RealtimeWriter {
  writeRealtime(bytes: Uint8Array): Promise<void>;
}

/** How many process IDs of one connection are remembered for the high-water rule. */
const SENT_ID_MEMORY = 256;

interface IdWaiter {
  order: number;
  resolve(id: string): void;
}

export class Connection {
  readonly framer = new ReplyFramer();
  readonly realtime: ReplyQueue<number>;
  readonly bytes: ReplyQueue<number>;
  readonly info: ReplyQueue<string>;
  mode: ConfirmationMode | 'unknown' = 'unknown';
  /** Whether the printer answered DLE EOT on this link (undefined until probed). */
  answersStatus: boolean | undefined;
  /** Whether an ASB frame arrived on this link: the printer announces its status changes itself. */
  asbSeen = false;
  /** ASB frames received on this link. */
  asbFrames = 0;
  /** One-byte (`0xx0xxxx`) replies received, wanted or not: the probe counts them to learn ASB framing. */
  plainBytes = 0;
  /** The DLE EOT n a status query asks on this link (the ones the printer answers). */
  realtimeAnswered: readonly RealtimeStatusN[] = ALL_REALTIME_N;
  /** The maker's GS I 66 text: GS r jobs also ask GS I 66 and are confirmed by this block. */
  infoBarrier: string | undefined;
  /** The GS a mask jobs re-enable on this link (0: ASB stays off, e.g. a printer sending zero frames). */
  asbMask = 0;
  /**
   * Replies nobody asked for (stale: no request was waiting; garbage: fits no reply form) and faults
   * one status query showed but the next did not confirm: stray bytes, reported by `Printer.diagnostics`.
   */
  readonly dropped = { stale: 0, garbage: 0, unconfirmedFaults: 0 };
  private readonly sentIds = new Map<string, number>();
  private idOrder = 0;
  private idWaiters: IdWaiter[] = [];
  private clearWaiters: (() => void)[] = [];
  private draining = false;
  private lastDataAt = 0;
  private closedError: Error | undefined;
  private isClosed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    readonly transport: Transport,
    private readonly clock: Clock,
    private readonly events: ConnectionEvents,
    lateWindowMs: number,
  ) {
    this.realtime = new ReplyQueue<number>(clock, lateWindowMs);
    this.bytes = new ReplyQueue<number>(clock, lateWindowMs);
    this.info = new ReplyQueue<string>(clock, lateWindowMs);
    this.unsubscribe.push(
      transport.onData((data) => this.receive(data)),
      transport.onClose((error) => this.dispose(error ?? new DisconnectedError('printer link closed'), true)),
    );
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(bytes: Uint8Array, options?: WriteOptions): Promise<void> {
    if (this.isClosed) return Promise.reject(this.closedError ?? new DisconnectedError());
    return options === undefined ? this.transport.write(bytes) : this.transport.write(bytes, options);
  }

  /**
   * Writes a real-time command (DLE EOT, DLE ENQ, DLE DC4). A transport that can send past its
   * own XOFF hold (the serial transport's `writeRealtime`) does so: the printer executes these
   * even with a full buffer or offline, which is exactly when they are needed.
   */
  writeRealtime(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(this.closedError ?? new DisconnectedError());
    const transport = this.transport as Transport & Partial<RealtimeWriter>;
    return typeof transport.writeRealtime === 'function' ? transport.writeRealtime(bytes) : transport.write(bytes);
  }

  /** Waits until the line has been quiet for `quietMs` (at most 10×), discarding what arrives. */
  async drain(quietMs: number): Promise<void> {
    if (quietMs <= 0) return;
    this.draining = true;
    const start = this.clock.now();
    try {
      do await delay(this.clock, quietMs);
      while (this.clock.now() - this.lastDataAt < quietMs && this.clock.now() - start < quietMs * 10 && !this.isClosed);
    } finally {
      this.draining = false;
      this.framer.reset();
    }
  }

  /**
   * Sends DLE EOT n and waits for its byte. Callers send one at a time. `learning`: a silence is
   * expected (is this n answered at all?), so a timeout leaves no tombstone that would swallow the
   * next n's reply.
   */
  queryRealtime(n: RealtimeStatusN, timeoutMs: number, learning = false): Promise<number> {
    return this.request(this.writeRealtime(realtimeStatus(n)), this.realtime.expect(timeoutMs, { tombstone: !learning }));
  }

  /** Sends GS I n (n = 65..69) and waits for its `5F … 00` block. */
  queryInfo(n: 65 | 66 | 67 | 68 | 69, timeoutMs: number): Promise<string> {
    return this.request(this.write(printerInfo(n)), this.info.expect(timeoutMs));
  }

  /** Sends DLE DC4 fn 8 and waits for `37 25 00`; rejects after `timeoutMs`. */
  async clearBuffers(timeoutMs: number): Promise<void> {
    let timer: unknown;
    let waiter: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        waiter = resolve;
        this.clearWaiters.push(resolve);
        timer = this.clock.setTimeout(() => reject(new Error('no clear response')), timeoutMs);
        this.writeRealtime(CLEAR_BUFFERS).catch(reject);
      });
    } finally {
      this.clock.clearTimeout(timer);
      this.clearWaiters = this.clearWaiters.filter((w) => w !== waiter);
    }
  }

  /**
   * Registers a process ID we are about to send. It resolves with the ID that came back when
   * that ID, or one we sent after it, returns (the printer may send only the latest ID). An ID
   * we never sent on this connection is stale and confirms nothing.
   */
  expectProcessId(id: string): { promise: Promise<string>; cancel(): void } {
    const order = ++this.idOrder;
    this.sentIds.set(id, order);
    if (this.sentIds.size > SENT_ID_MEMORY) this.sentIds.delete(this.sentIds.keys().next().value!);
    let waiter: IdWaiter | undefined;
    const promise = new Promise<string>((resolve) => {
      waiter = { order, resolve };
      this.idWaiters.push(waiter);
    });
    return { promise, cancel: () => (this.idWaiters = this.idWaiters.filter((w) => w !== waiter)) };
  }

  /** Closes this link's subscriptions and fails everything still waiting on it. */
  dispose(error: Error, fromTransport = false): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closedError = error;
    for (const off of this.unsubscribe) off();
    this.realtime.failAll(error);
    this.bytes.failAll(error);
    this.info.failAll(error);
    this.idWaiters = [];
    this.clearWaiters = [];
    if (fromTransport) this.events.closed(error);
  }

  /**
   * The reply, or the write's failure. The reply's own timeout runs from the start, so a write
   * stuck behind a full link cannot hold the caller forever.
   */
  private request<T>(written: Promise<void>, pending: PendingReply<T>): Promise<T> {
    const writeFailed = written.then(
      () => new Promise<never>(() => {}),
      (error: unknown) => {
        pending.abandon();
        throw error;
      },
    );
    return Promise.race([pending.promise, writeFailed]);
  }

  private receive(data: Uint8Array): void {
    this.lastDataAt = this.clock.now();
    const replies = this.framer.push(data);
    if (this.draining || this.isClosed) return;
    for (const reply of replies) this.route(reply);
  }

  private route(reply: Reply): void {
    switch (reply.type) {
      case 'realtime-status':
        if (!this.realtime.deliver(reply.value)) this.dropped.stale++;
        break;
      case 'byte':
        this.plainBytes++;
        if (!this.bytes.deliver(reply.value)) this.dropped.stale++;
        break;
      case 'printer-info':
        if (!this.info.deliver(reply.text)) this.dropped.stale++;
        break;
      case 'asb':
        this.asbFrames++;
        this.events.asb(reply.bytes);
        break;
      case 'process-id':
        this.confirmProcessId(reply.id);
        break;
      case 'clear-response':
        for (const waiter of this.clearWaiters.splice(0)) waiter();
        break;
      case 'garbage':
        this.dropped.garbage++;
        break;
      default:
        // XON/XOFF pace the transport; offline responses and other blocks are not requested.
        break;
    }
  }

  private confirmProcessId(id: string): void {
    const order = this.sentIds.get(id);
    if (order === undefined) {
      this.dropped.stale++;
      return;
    }
    const done = this.idWaiters.filter((w) => w.order <= order);
    this.idWaiters = this.idWaiters.filter((w) => w.order > order);
    for (const waiter of done) waiter.resolve(id);
  }
}
