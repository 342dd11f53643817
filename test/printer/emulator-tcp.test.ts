/**
 * The Printer against the virtual printer over TCP on loopback: the shared scenarios of
 * emulator-suite.ts, plus every other fault the issue names (several exist only on a network
 * link: a dropped connection, a power cycle that closes the socket), and the invariant that
 * `printed` is only ever reported for a receipt the virtual printer printed whole.
 */
import { describe, expect, it } from 'vitest';
import type { PrinterError } from '../../src/errors.js';
import type { PrintResult } from '../../src/printer/types.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { completeWith, emulatorStarter, onJobBytes, pause, receiptBytes, receiptPrinted, testPrinterOverLink } from './emulator-suite.js';
import { rejection } from './rejection.js';

const start = emulatorStarter(async (vp) => {
  const { port } = await vp.listen({ port: 0 });
  return () => new TcpTransport({ host: '127.0.0.1', port });
}, 20);

testPrinterOverLink('TCP', { start });

describe('Printer ↔ virtual printer over TCP: faults beyond the shared suite', () => {
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

  it('cover opened during the job: COVER_OPEN in doubt, nothing resumes after closing', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'COV-1', () => vp.openCover());
    const error = await rejection(printer.print(receiptBytes('COV-1', 30), { jobId: 'COV-1' }));
    expect(error).toMatchObject({ code: 'COVER_OPEN', mayHavePrinted: true });
    vp.closeCover();
    await printer.status(); // a round trip: every byte sent before it has reached the printer
    expect(await vp.whenIdle(5000)).toBe(true); // whatever was left in its buffer has printed by now
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
    expect(error).toMatchObject({ code: 'DISCONNECTED', mayHavePrinted: true, transactionId: 'PWR-1' });
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
    expect(error).toMatchObject({ code: 'CONFIRM_TIMEOUT', mayHavePrinted: true, transactionId: 'HNG-1' });
  });

  it('a one-way printer: ONE_WAY without printing, or sent with allowUnconfirmed', async () => {
    const { vp, printer } = await start({ oneWay: true }, { timeouts: { probe: 300 } });
    expect(printer.confirmation).toBe('none');
    const error = await rejection(printer.print(receiptBytes('ONE-1', 3), { jobId: 'ONE-1' }));
    expect(error).toMatchObject({ code: 'ONE_WAY', mayHavePrinted: false });
    const printedTwo = receiptPrinted(vp, 'ONE-2');
    expect(await printer.print(receiptBytes('ONE-2', 3), { allowUnconfirmed: true })).toMatchObject({ guarantee: 'sent' });
    await printedTwo;
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
      let injected: Promise<void> | undefined;
      onJobBytes(vp, tag, () => {
        injected = new Promise((resolve) =>
          setTimeout(() => {
            inject();
            resolve();
          }, delayMs),
        );
      });
      const outcome: (typeof outcomes)[number] = { tag };
      try {
        outcome.result = await printer.print(receiptBytes(tag, 10), { confirmTimeoutMs: 3000 });
      } catch (error) {
        outcome.error = error as PrinterError;
      }
      outcomes.push(outcome);
      await injected; // the fault has happened (if the job's bytes reached the printer), so it can be repaired
      repair();
      // Wait for the link (it may have dropped) and for the printer to be usable again.
      for (let tries = 0; tries < 50 && !(printer.connected && printer.lastStatus?.online); tries++) {
        await pause(50);
        if (printer.connected) await printer.status().catch(() => {});
      }
    }
    for (const { tag, result, error } of outcomes) {
      if (result?.guarantee === 'printed') expect(completeWith(vp, tag), tag).toHaveLength(1);
      if (error?.mayHavePrinted === false)
        expect(
          vp.journal.receipts.some((r) => r.text.includes(tag)),
          tag,
        ).toBe(false);
    }
    expect(outcomes.some((o) => o.error?.mayHavePrinted)).toBe(true);
    expect(outcomes.some((o) => o.result?.guarantee === 'printed')).toBe(true);
  });
});
