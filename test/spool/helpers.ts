/**
 * Test doubles for the spool: a scriptable PrinterLink that records what reached "paper", a
 * renderer whose bytes say which transaction and which mark they carry, and temp stores.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ReceiptDocument } from '../../src/document/types.js';
import type { ConfirmationMode, PrinterEvents, PrinterIdentity, PrinterLink, PrinterStatus, PrintOptions, PrintResult } from '../../src/printer/types.js';
import { readyStatus } from '../../src/printer/status.js';
import type { ReprintMark } from '../../src/spool/render.js';
import { openSpool, type Spool } from '../../src/spool/spool.js';

export interface Printed {
  transactionId: string;
  mark: ReprintMark | undefined;
}

/** What one print call does: succeed, or fail with an error after optionally "printing". */
export type Outcome = { ok: true; guarantee?: PrintResult['guarantee'] } | { ok: false; error: Error; printed?: boolean } | { hang: true };

export function testRender(document: ReceiptDocument, mark: ReprintMark | undefined): Uint8Array {
  return Buffer.from(JSON.stringify({ transactionId: document.transactionId, mark }));
}

function decode(bytes: Uint8Array): Printed {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as Printed;
}

export class FakeLink implements PrinterLink {
  readonly paper: Printed[] = [];
  readonly calls: Printed[] = [];
  readonly script: Outcome[] = [];
  currentStatus: PrinterStatus = readyStatus();
  inFlight = 0;
  maxInFlight = 0;
  connected = true;
  confirmation: ConfirmationMode | 'unknown' = 'process-id';
  #events = new EventEmitter();
  #hung: (() => void)[] = [];

  get lastStatus(): PrinterStatus {
    return this.currentStatus;
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async status(): Promise<PrinterStatus> {
    return this.currentStatus;
  }

  async identify(): Promise<PrinterIdentity> {
    return { model: 'fake' };
  }

  /** Changes the status and announces it, as ASB would. */
  setStatus(change: Partial<PrinterStatus>): void {
    const previous = this.currentStatus;
    this.currentStatus = { ...previous, ...change };
    this.#events.emit('status', this.currentStatus, previous);
  }

  async print(bytes: Uint8Array, options: PrintOptions = {}): Promise<PrintResult> {
    const job = decode(bytes);
    this.calls.push(job);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const outcome = this.script.shift() ?? { ok: true };
      if ('hang' in outcome) {
        options.onSent?.(bytes.length);
        await new Promise<void>((resolve) => this.#hung.push(resolve));
        throw new Error('released');
      }
      if (!outcome.ok) {
        if (outcome.printed) this.paper.push(job);
        throw outcome.error;
      }
      options.onSent?.(bytes.length);
      this.paper.push(job);
      return { guarantee: outcome.guarantee ?? 'printed', bytesSent: bytes.length };
    } finally {
      this.inFlight--;
    }
  }

  releaseHung(): void {
    for (const release of this.#hung.splice(0)) release();
  }

  on<E extends keyof PrinterEvents>(event: E, listener: PrinterEvents[E]): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends keyof PrinterEvents>(event: E, listener: PrinterEvents[E]): this {
    this.#events.off(event, listener);
    return this;
  }

  async close(): Promise<void> {
    this.connected = false;
    this.releaseHung();
  }
}

/** A fresh spool in a temp folder for each test of the calling file; closed and removed after it. */
export function useTempSpool(): { readonly spool: Spool } {
  let dir = '';
  let spool: Spool | undefined;
  beforeEach(() => {
    dir = tempDir();
    spool = openSpool({ path: path.join(dir, 'spool.db') });
  });
  afterEach(async () => {
    await spool?.close({ timeoutMs: 2000 });
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get spool(): Spool {
      if (!spool) throw new Error('useTempSpool(): the spool exists only inside a test');
      return spool;
    },
  };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'receipt-spool-test-'));
}

export function receipt(transactionId: string, printer?: string, lines: string[] = ['Coffee 3.50']): ReceiptDocument {
  return { transactionId, ...(printer ? { printer } : {}), content: [...lines, { cut: true }] };
}

/** Resolves with the first event of `emitter` whose payload passes `test`. */
export function waitFor<T>(
  emitter: { on(event: string, listener: (value: T) => void): unknown; off(event: string, listener: (value: T) => void): unknown },
  event: string,
  test: (value: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (value: T): void => {
      if (!test(value)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(value);
    };
    emitter.on(event, listener);
  });
}

/** Polls `check` until it returns true (for conditions no event announces). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
