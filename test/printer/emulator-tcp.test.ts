/**
 * The Printer against the virtual printer over TCP on loopback: every fault the issue names,
 * and the invariant that `printed` is only ever reported for a receipt the virtual printer
 * printed whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PrinterError } from '../../src/errors.js';
import { VirtualPrinter, type VirtualPrinterOptions } from '../../src/emulator/index.js';
import { Printer, type PrinterOptions } from '../../src/printer/printer.js';
import type { PrinterStatus, PrintResult } from '../../src/printer/types.js';
import { TcpTransport } from '../../src/transport/tcp.js';

const TIMEOUTS = { status: 1000, probe: 1000, confirm: 10_000, drain: 20 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A receipt of `lines` text lines tagged with `tag`, ending with a full cut. */
function receiptBytes(tag: string, lines = 20): Uint8Array {
  const body = Array.from({ length: lines }, (_, i) => `${tag} line ${i + 1}\n`).join('');
  return Uint8Array.from([0x1b, 0x40, ...Buffer.from(body, 'latin1'), 0x1d, 0x56, 0x00]);
}

async function start(vpOptions: VirtualPrinterOptions = {}, options: Partial<PrinterOptions> = {}) {
  const vp = new VirtualPrinter(vpOptions);
  const { port } = await vp.listen({ port: 0 });
  cleanups.push(() => vp.close());
  const printer = new Printer({
    transport: () => new TcpTransport({ host: '127.0.0.1', port }),
    timeouts: TIMEOUTS,
    reconnect: { initialMs: 50, maxMs: 400 },
    pollIntervalMs: 500,
    ...options,
  });
  cleanups.push(() => printer.close());
  await printer.connect();
  return { vp, printer };
}

/** Runs `fault` as soon as the virtual printer receives the first bytes of the job tagged `tag`. */
function onJobBytes(vp: VirtualPrinter, tag: string, fault: () => void): void {
  const listener = (bytes: Uint8Array) => {
    if (!Buffer.from(bytes).toString('latin1').includes(tag)) return;
    vp.off('data', listener);
    setImmediate(fault); // after the printer has taken this chunk, as a real fault would come

  };
  vp.on('data', listener);
}

async function rejection(promise: Promise<unknown>): Promise<PrinterError> {
  try {
    await promise;
  } catch (error) {
    return error as PrinterError;
  }
  throw new Error('expected a rejection');
}

const completeWith = (vp: VirtualPrinter, tag: string) => vp.journal.receipts.filter((r) => r.complete && r.text.includes(tag));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


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
describe('Printer ↔ virtual printer over TCP', () => {
  it('a receipt prints and is confirmed by its process ID', async () => {
    const { vp, printer } = await start();
    expect(printer.confirmation).toBe('process-id');
    const result = await printer.print(receiptBytes('OK-1'), { jobId: 'OK-1' });
    expect(result.guarantee).toBe('printed');
    expect(result.processId).toMatch(/^[\x30-\x7e]{4}$/);
    expect(completeWith(vp, 'OK-1')).toHaveLength(1);
  });

  it('status() and identify() read the virtual printer', async () => {
    const { vp, printer } = await start({ maker: 'EPSON', model: 'TM-T88V', serial: 'VP0001' });
    expect(await printer.status()).toMatchObject({ online: true, paperEnd: false, coverOpen: false });
    vp.paperNearEnd();
    expect((await printer.status()).paperNearEnd).toBe(true);
    expect(await printer.identify()).toMatchObject({ maker: 'EPSON', model: 'TM-T88V', serial: 'VP0001' });
  });

  it('identify() on a printer stopped at paper end says so at once (GS I is withheld while stopped)', async () => {
    const { vp, printer } = await start({ maker: 'EPSON', model: 'TM-T88V' });
    vp.paperOut();
    expect((await printer.status()).paperEnd).toBe(true);
    const error = await rejection(printer.identify());
    expect(error.code).toBe('PAPER_END');
    vp.loadPaper();
    expect((await printer.status()).online).toBe(true);
    expect(await printer.identify()).toMatchObject({ maker: 'EPSON', model: 'TM-T88V' });
  });

  it('paper out before the job: PAPER_END at pre-flight, mayHavePrinted false, nothing printed', async () => {
    const { vp, printer } = await start();
    const reported = paperEndReported(printer);
    vp.paperOut();
    await reported; // announced by ASB before the job, so the pre-flight sees it
    const error = await rejection(printer.print(receiptBytes('PRE-1'), { jobId: 'PRE-1' }));
    expect(error).toMatchObject({ code: 'PAPER_END', mayHavePrinted: false, jobId: 'PRE-1' });
    vp.loadPaper();
    await printer.status();
    expect(vp.journal.receipts).toHaveLength(0);
    expect(vp.state.bufferedBytes).toBe(0);
  });

  it('paper out during the job: PAPER_END in doubt; buffers cleared, so nothing more prints after loadPaper', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'MID-1', () => vp.paperOut());
    const error = await rejection(printer.print(receiptBytes('MID-1', 30), { jobId: 'MID-1' }));
    expect(error).toMatchObject({ code: 'PAPER_END', mayHavePrinted: true, jobId: 'MID-1' });
    vp.loadPaper();
    await pause(1000); // longer than the whole receipt would take to print
    await printer.status();
    expect(completeWith(vp, 'MID-1')).toHaveLength(0);
    expect(vp.journal.receipts.map((r) => r.text).join('\n')).not.toContain('MID-1 line 30');
    expect(vp.journal.current).toHaveLength(0);
    // The link recovered: the reprint goes through.
    expect((await printer.print(receiptBytes('MID-1 REPRINT', 3))).guarantee).toBe('printed');
  });

  it('cover opened during the job: COVER_OPEN in doubt, nothing resumes after closing', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'COV-1', () => vp.openCover());
    const error = await rejection(printer.print(receiptBytes('COV-1', 30), { jobId: 'COV-1' }));
    expect(error).toMatchObject({ code: 'COVER_OPEN', mayHavePrinted: true });
    vp.closeCover();
    await pause(1000);
    await printer.status();
    expect(completeWith(vp, 'COV-1')).toHaveLength(0);
    expect(vp.journal.receipts.map((r) => r.text).join('\n')).not.toContain('COV-1 line 30');
  });

  it('cutter jam at the cut: CUTTER_ERROR in doubt', async () => {
    const { vp, printer } = await start();
    vp.jamCutter({ when: 'next-cut' });
    const error = await rejection(printer.print(receiptBytes('CUT-1', 3), { jobId: 'CUT-1' }));
    expect(error).toMatchObject({ code: 'CUTTER_ERROR', mayHavePrinted: true });
    expect(completeWith(vp, 'CUT-1')).toHaveLength(0);
  });

  it('power cycle during the job: DISCONNECTED in doubt, then the link comes back by itself', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    const reconnected = new Promise<void>((resolve) => printer.on('disconnected', () => printer.on('connected', resolve)));
    onJobBytes(vp, 'PWR-1', () => vp.powerCycle({ offMs: 200 }));
    const error = await rejection(printer.print(receiptBytes('PWR-1', 30), { jobId: 'PWR-1' }));
    expect(error).toMatchObject({ code: 'DISCONNECTED', mayHavePrinted: true, jobId: 'PWR-1' });
    await reconnected;
    expect(completeWith(vp, 'PWR-1')).toHaveLength(0);
    expect((await printer.print(receiptBytes('PWR-2', 3))).guarantee).toBe('printed');
    expect(completeWith(vp, 'PWR-2')).toHaveLength(1);
  });

  it('link dropped during the job: DISCONNECTED in doubt, never printed', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'DSC-1', () => vp.disconnect());
    const error = await rejection(printer.print(receiptBytes('DSC-1', 30), { jobId: 'DSC-1' }));
    expect(error).toMatchObject({ code: 'DISCONNECTED', mayHavePrinted: true });
  });

  it('a hung printer: CONFIRM_TIMEOUT in doubt', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'HNG-1', () => vp.hang(3000));
    const error = await rejection(printer.print(receiptBytes('HNG-1', 20), { jobId: 'HNG-1', confirmTimeoutMs: 300 }));
    expect(error).toMatchObject({ code: 'CONFIRM_TIMEOUT', mayHavePrinted: true, jobId: 'HNG-1' });
  });

  it('garbage on the line: the job is still confirmed correctly', async () => {
    const { vp, printer } = await start({ linesPerSecond: 200 });
    const garbage = Uint8Array.from([0xff, 0x80, 0x39, 0x37, 0x22, 0x41, 0x00, 0x10, 0x16, 0x5f, 0x41]);
    vp.injectGarbage(garbage);
    onJobBytes(vp, 'GRB-1', () => vp.injectGarbage(Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0xfe, 0x12])));
    const result = await printer.print(receiptBytes('GRB-1', 5));
    expect(result.guarantee).toBe('printed');
    expect(completeWith(vp, 'GRB-1')).toHaveLength(1);
  });

  it('a model without GS ( H: confirmation gs-r, result processed', async () => {
    const { vp, printer } = await start({ processId: false });
    expect(printer.confirmation).toBe('gs-r');
    expect(await printer.print(receiptBytes('GSR-1', 3))).toMatchObject({ guarantee: 'processed' });
    expect(completeWith(vp, 'GSR-1')).toHaveLength(1);
  });

  it('a one-way printer: ONE_WAY without printing, or sent with allowUnconfirmed', async () => {
    const { vp, printer } = await start({ oneWay: true }, { timeouts: { ...TIMEOUTS, probe: 300 } });
    expect(printer.confirmation).toBe('none');
    const error = await rejection(printer.print(receiptBytes('ONE-1', 3), { jobId: 'ONE-1' }));
    expect(error).toMatchObject({ code: 'ONE_WAY', mayHavePrinted: false });
    expect(await printer.print(receiptBytes('ONE-2', 3), { allowUnconfirmed: true })).toMatchObject({ guarantee: 'sent' });
    await pause(200);
    expect(completeWith(vp, 'ONE-1')).toHaveLength(0);
    expect(completeWith(vp, 'ONE-2')).toHaveLength(1);
  });

  it('invariant: under random faults, printed is only reported for receipts printed whole', async () => {
    const { vp, printer } = await start({ linesPerSecond: 100 });
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const faults: [string, () => void, () => void][] = [
      ['paper', () => vp.paperOut(), () => vp.loadPaper()],
      ['cover', () => vp.openCover(), () => vp.closeCover()],
      ['cutter', () => vp.jamCutter(), () => (vp.clearCutter(), vp.openCover(), vp.closeCover())],
      ['drop', () => vp.disconnect(), () => {}],
      ['power', () => vp.powerCycle({ offMs: 100 }), () => {}],
      ['hang', () => vp.hang(300), () => {}],
      ['none', () => {}, () => {}],
    ];
    const outcomes: { tag: string; result?: PrintResult; error?: PrinterError }[] = [];
    for (let job = 0; job < 16; job++) {
      const tag = `INV-${job}`;
      const [, inject, repair] = faults[random(faults.length)]!;
      const delayMs = random(150);
      onJobBytes(vp, tag, () => setTimeout(inject, delayMs));
      const outcome: (typeof outcomes)[number] = { tag };
      try {
        outcome.result = await printer.print(receiptBytes(tag, 10), { confirmTimeoutMs: 3000 });
      } catch (error) {
        outcome.error = error as PrinterError;
      }
      outcomes.push(outcome);
      await pause(delayMs + 20);
      repair();
      // Wait for the link (it may have dropped) and for the printer to be usable again.
      for (let tries = 0; tries < 50 && !(printer.connected && printer.lastStatus?.online); tries++) {
        await pause(50);
        if (printer.connected) await printer.status().catch(() => {});
      }
    }
    for (const { tag, result, error } of outcomes) {
      if (result?.guarantee === 'printed') expect(completeWith(vp, tag), tag).toHaveLength(1);
      if (error?.mayHavePrinted === false) expect(vp.journal.receipts.some((r) => r.text.includes(tag)), tag).toBe(false);
    }
    expect(outcomes.some((o) => o.error?.mayHavePrinted)).toBe(true);
    expect(outcomes.some((o) => o.result?.guarantee === 'printed')).toBe(true);
  });
});
