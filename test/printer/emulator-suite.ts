/**
 * One behaviour suite for the Printer against the virtual printer, run over every link it can
 * use (serialport's bindings.test.ts in spirit): each emulator-*.test.ts file builds a starter
 * for its link with `emulatorStarter` and calls `testPrinterOverLink(name, { start })`, then adds
 * the tests only its link has (faults that exist on one link, or end differently there).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dialectOptions, VirtualPrinter, type EmulatorDialect, type VirtualPrinterOptions } from '../../src/emulator/index.js';
import { Printer, type PrinterOptions } from '../../src/printer/printer.js';
import type { PrinterStatus } from '../../src/printer/types.js';
import type { Transport } from '../../src/transport/interface.js';
import { rejection } from './rejection.js';

/** Puts a virtual printer on one link and says how the Printer opens that link. */
export type LinkToPrinter = (vp: VirtualPrinter) => Promise<() => Transport>;

export interface EmulatorSession {
  vp: VirtualPrinter;
  printer: Printer;
}

export type StartSession = (vpOptions?: VirtualPrinterOptions, options?: Partial<PrinterOptions>) => Promise<EmulatorSession>;

/**
 * A starter for sessions over `link`: a fresh virtual printer and a connected Printer per call,
 * both closed after each test. `drainMs` is the link's `timeouts.drain`; `options.timeouts`
 * overrides single timeouts.
 */
export function emulatorStarter(link: LinkToPrinter, drainMs: number): StartSession {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return async (vpOptions = {}, { timeouts, ...options } = {}) => {
    const vp = new VirtualPrinter(vpOptions);
    const transport = await link(vp);
    cleanups.push(() => vp.close());
    const printer = new Printer({
      transport,
      timeouts: { status: 1000, probe: 1000, confirm: 10_000, drain: drainMs, ...timeouts },
      reconnect: { initialMs: 50, maxMs: 400 },
      pollIntervalMs: 500,
      ...options,
    });
    cleanups.push(() => printer.close());
    await printer.connect();
    return { vp, printer };
  };
}

/** A receipt of `lines` text lines tagged with `tag`, ending with a full cut. */
export function receiptBytes(tag: string, lines = 20): Uint8Array {
  const body = Array.from({ length: lines }, (_, i) => `${tag} line ${i + 1}\n`).join('');
  return Uint8Array.from([0x1b, 0x40, ...Buffer.from(body, 'latin1'), 0x1d, 0x56, 0x00]);
}

/** Runs `fault` as soon as the virtual printer receives the first bytes of the job tagged `tag`. */
export function onJobBytes(vp: VirtualPrinter, tag: string, fault: () => void): void {
  const listener = (bytes: Uint8Array) => {
    if (!Buffer.from(bytes).toString('latin1').includes(tag)) return;
    vp.off('data', listener);
    setImmediate(fault); // after the printer has taken this chunk, as a real fault would come
  };
  vp.on('data', listener);
}

export const completeWith = (vp: VirtualPrinter, tag: string) => vp.journal.receipts.filter((r) => r.complete && r.text.includes(tag));
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the journal holds a complete receipt containing `tag`. */
export function receiptPrinted(vp: VirtualPrinter, tag: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (completeWith(vp, tag).length === 0) return;
      vp.off('receipt', check);
      resolve();
    };
    vp.on('receipt', check);
    check();
  });
}

/** Resolves once the printer has reported paper end (ASB or a status reply). */
function paperEndReported(printer: Printer): Promise<void> {
  return new Promise((resolve) => {
    const listener = (status: PrinterStatus): void => {
      if (!status.paperEnd) return;
      printer.off('status', listener);
      resolve();
    };
    printer.on('status', listener);
  });
}

/** DLE EOT-shaped bytes (`0xx1xx10`) that would read as cover open, paper end, errors. */
const STRAY_STATUS = Uint8Array.from([0x7e, 0x1a, 0x16, 0x32, 0x72, 0x52, 0x7e, 0x1a, 0x36]);

/**
 * The suite, against the default virtual printer or one of its dialects (src/emulator/dialects.ts):
 * a dialect without GS ( H is confirmed `processed` where the default one is `printed`.
 */
export function testPrinterOverLink(name: string, { start: startPlain, dialect }: { start: StartSession; dialect?: EmulatorDialect }): void {
  const dialectVp: VirtualPrinterOptions = dialect ? dialectOptions(dialect) : {};
  const start: StartSession = (vpOptions = {}, options) => startPlain({ ...dialectVp, ...vpOptions }, options);
  const byProcessId = dialectVp.processId !== false;
  const guarantee = byProcessId ? 'printed' : 'processed';
  /** Confirmed means, at the least, that the printer has processed every byte of the job. */
  const expectConfirmedAfterProcessing = async (vp: VirtualPrinter, tag: string) => {
    expect(vp.state.bufferedBytes).toBe(0);
    if (byProcessId) expect(completeWith(vp, tag)).toHaveLength(1);
    else {
      expect(await vp.whenIdle(5000)).toBe(true);
      expect(completeWith(vp, tag)).toHaveLength(1);
    }
  };

  describe(`Printer ↔ virtual printer over ${name}${dialect ? `, dialect ${dialect}` : ''}`, () => {
    it(`a receipt prints and is confirmed (${guarantee})`, async () => {
      const { vp, printer } = await start();
      expect(printer.confirmation).toBe(byProcessId ? 'process-id' : 'gs-r');
      const result = await printer.print(receiptBytes('OK-1'), { jobId: 'OK-1' });
      expect(result.guarantee).toBe(guarantee);
      if (byProcessId) expect(result.processId).toMatch(/^[\x30-\x7e]{4}$/);
      await expectConfirmedAfterProcessing(vp, 'OK-1');
    });

    it('a burst of stray status bytes during the job, just ahead of a status reply, neither fails nor falsely confirms it', async () => {
      const { vp, printer } = await start({ linesPerSecond: 100 });
      // The burst leaves the printer just before its answer to a DLE EOT n ≥ 2 asked mid-job, so
      // that query reads 0x7E (cover open, paper end, error) unless the fault must be confirmed.
      let seen: number[] = []; // the request may come split over chunks (a pty does that)
      const burstAheadOfReply = (bytes: Uint8Array) => {
        seen = [...seen.slice(-2), ...bytes];
        for (let i = 0; i + 2 < seen.length; i++) {
          if (seen[i] !== 0x10 || seen[i + 1] !== 0x04 || seen[i + 2]! < 2) continue;
          vp.off('data', burstAheadOfReply);
          vp.injectGarbage(STRAY_STATUS);
          return;
        }
      };
      onJobBytes(vp, 'STRAY-1', () => {
        vp.on('data', burstAheadOfReply);
        void printer.status().catch(() => {});
      });
      const result = await printer.print(receiptBytes('STRAY-1', 12), { jobId: 'STRAY-1' });
      expect(result.guarantee).toBe(guarantee);
      await expectConfirmedAfterProcessing(vp, 'STRAY-1');
      const { stale, unconfirmedFaults } = printer.diagnostics;
      expect(unconfirmedFaults).toBeGreaterThan(0);
      expect(stale).toBeGreaterThan(0);
    });

    it('paper out before the job: PAPER_END at pre-flight, mayHavePrinted false, nothing printed', async () => {
      const { vp, printer } = await start();
      const reported = paperEndReported(printer);
      vp.paperOut();
      await reported; // announced by ASB before the job, so the pre-flight sees it
      const error = await rejection(printer.print(receiptBytes('PRE-1'), { jobId: 'PRE-1' }));
      expect(error).toMatchObject({ code: 'PAPER_END', mayHavePrinted: false, transactionId: 'PRE-1' });
      vp.loadPaper();
      await printer.status();
      expect(vp.journal.receipts).toHaveLength(0);
      expect(vp.state.bufferedBytes).toBe(0);
    });

    it('paper out during the job: PAPER_END in doubt; buffers cleared, so nothing more prints after loadPaper', async () => {
      const { vp, printer } = await start({ linesPerSecond: 40 });
      onJobBytes(vp, 'MID-1', () => vp.paperOut());
      const error = await rejection(printer.print(receiptBytes('MID-1', 30), { jobId: 'MID-1' }));
      expect(error).toMatchObject({ code: 'PAPER_END', mayHavePrinted: true, transactionId: 'MID-1' });
      vp.loadPaper();
      await printer.status(); // a round trip: every byte sent before it has reached the printer
      expect(await vp.whenIdle(5000)).toBe(true); // whatever was left in its buffer has printed by now
      expect(completeWith(vp, 'MID-1')).toHaveLength(0);
      expect(vp.journal.receipts.map((r) => r.text).join('\n')).not.toContain('MID-1 line 30');
      expect(vp.journal.current).toHaveLength(0);
      // The link recovered: the reprint goes through.
      expect((await printer.print(receiptBytes('MID-1 REPRINT', 3))).guarantee).toBe(guarantee);
    });

    it('a burst of garbage before the job: still confirmed', async () => {
      const { vp, printer } = await start();
      vp.injectGarbage(Uint8Array.from([0xff, 0x5f, 0x41, 0x10, 0x80]));
      expect((await printer.print(receiptBytes('GRB-0', 3))).guarantee).toBe(guarantee);
    });

    // A stray one-byte reply (`0xx0xxxx`) cannot be told from a GS r reply: only GS ( H is immune.
    // One-byte strays (`00`) look like GS r replies: a GS r job is confirmed by the GS I 66 block after it.
    it('garbage before and during the job: the job is still confirmed correctly', async () => {
      const { vp, printer } = await start({ linesPerSecond: 200 });
      const garbage = Uint8Array.from([0xff, 0x80, 0x39, 0x37, 0x22, 0x41, 0x00, 0x10, 0x16, 0x5f, 0x41]);
      vp.injectGarbage(garbage);
      onJobBytes(vp, 'GRB-1', () => vp.injectGarbage(Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0xfe, 0x12])));
      const result = await printer.print(receiptBytes('GRB-1', 5));
      expect(result.guarantee).toBe(guarantee);
      await expectConfirmedAfterProcessing(vp, 'GRB-1');
    });

    it.runIf(byProcessId)('a model without GS ( H: confirmation gs-r, result processed', async () => {
      const { vp, printer } = await start({ processId: false });
      expect(printer.confirmation).toBe('gs-r');
      expect(await printer.print(receiptBytes('GSR-1', 3))).toMatchObject({ guarantee: 'processed' });
      expect(completeWith(vp, 'GSR-1')).toHaveLength(1);
    });
  });
}
