/**
 * What the printer sends back on its own: ASB frames (GS a) on enable and on change, the
 * offline response (GS ( H fn 49), and the holding of block replies while the printer cannot
 * send (latest of each kind only). The printer model owns the condition and says when it changed.
 */
import { HELD_KINDS, type ReplyKind } from './model-types.js';
import { OFFLINE_RESPONSE } from './replies.js';
import { asbFrame, asbItemsChanged, type PrinterCondition } from './status.js';

export interface ReplyChannelHost {
  /** False: nothing is sent at all (one-way model, power off). */
  canSend(): boolean;
  /** True: block replies are held until `releaseHeld` (hung printer). */
  holding(): boolean;
  send(bytes: Uint8Array, kind: ReplyKind): void;
}

/** GS a items this emulator reports: drawer, online/offline, error, paper sensor, panel switch. */
const ASB_ITEMS = 0x4f;

export class ReplyChannel {
  asbMask: number;
  /** GS ( H fn 49 mode: 0/48 off. */
  offlineResponse = 0;
  private lastFrame: Uint8Array;
  private held = new Map<ReplyKind, Uint8Array>();
  private greetingPending = false;

  constructor(
    private readonly condition: PrinterCondition,
    asbMask: number,
    private readonly host: ReplyChannelHost,
  ) {
    this.asbMask = asbMask;
    this.lastFrame = asbFrame(condition);
  }

  reply(bytes: Uint8Array, kind: ReplyKind): void {
    if (!this.host.canSend()) return;
    if (this.host.holding()) {
      if (HELD_KINDS.includes(kind)) this.held.set(kind, bytes); // only the latest of each kind
      return;
    }
    this.host.send(bytes, kind);
  }

  enableAsb(mask: number): void {
    this.asbMask = mask;
    if ((mask & ASB_ITEMS) !== 0) this.reply(asbFrame(this.condition), 'asb');
  }

  /** After a state change: sends ASB frames and the offline response; false when nothing changed. */
  conditionChanged(): boolean {
    const frame = asbFrame(this.condition);
    const before = this.lastFrame;
    this.lastFrame = frame;
    if (before.every((byte, i) => byte === frame[i])) return false;
    if ((this.asbMask & ASB_ITEMS) !== 0 && asbItemsChanged(this.asbMask, before, frame)) this.reply(frame, 'asb');
    const wentOffline = (before[0]! & 0x08) === 0 && (frame[0]! & 0x08) !== 0;
    if (wentOffline && this.offlineResponse !== 0 && this.offlineResponse !== 48) this.reply(OFFLINE_RESPONSE, 'offline-response');
    return true;
  }

  /** ESC @: ASB and the offline response are off. */
  initialize(): void {
    this.asbMask = 0;
    this.offlineResponse = 0;
  }

  /** Send what was held while the printer could not send. */
  releaseHeld(): void {
    for (const kind of HELD_KINDS) {
      const bytes = this.held.get(kind);
      if (bytes) this.reply(bytes, kind);
    }
    this.held.clear();
  }

  powerOff(): void {
    this.held.clear();
    this.initialize();
  }

  /** Power is back with the memory-switch ASB mask; its first frame waits for a host (`greet`). */
  powerOn(asbMask: number): void {
    this.asbMask = asbMask;
    this.lastFrame = asbFrame(this.condition);
    this.greetingPending = (asbMask & ASB_ITEMS) !== 0;
  }

  /** A host became able to receive: send the power-on ASB frame once. */
  greet(): void {
    if (!this.greetingPending) return;
    this.greetingPending = false;
    this.reply(asbFrame(this.condition), 'asb');
  }
}
