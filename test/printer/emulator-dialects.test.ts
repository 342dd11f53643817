/**
 * The printer-link suite against every dialect of the virtual printer (src/emulator/dialects.ts,
 * issue 20), over TCP, plus what the probe must learn from each: a clone answering only DLE EOT
 * 1 and 4, or only 2, prints and is confirmed `processed`; a printer sending zero ASB frames gets
 * ASB off; what was learned is not asked again on the next connection.
 */
import { describe, expect, it } from 'vitest';
import { EMULATOR_DIALECT_NAMES, VirtualPrinter, dialectOptions } from '../../src/emulator/index.js';
import { Printer } from '../../src/printer/printer.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { emulatorStarter, receiptBytes, testPrinterOverLink } from './emulator-suite.js';

const start = emulatorStarter(async (vp) => {
  const { port } = await vp.listen({ port: 0 });
  return () => new TcpTransport({ host: '127.0.0.1', port });
}, 20);

for (const dialect of EMULATOR_DIALECT_NAMES.filter((name) => name !== 'epson')) {
  testPrinterOverLink('TCP', { start, dialect });
}

/** How many `DLE EOT n` requests for each n the virtual printer received (outside other data). */
function countStatusRequests(vp: VirtualPrinter): Map<number, number> {
  const counts = new Map<number, number>();
  vp.on('data', (bytes) => {
    for (let i = 0; i + 2 < bytes.length; i++) {
      if (bytes[i] === 0x10 && bytes[i + 1] === 0x04) counts.set(bytes[i + 2]!, (counts.get(bytes[i + 2]!) ?? 0) + 1);
    }
  });
  return counts;
}

describe('the probe learns each dialect', () => {
  it('DLE EOT 1 and 4 only, no GS ( H, GS ( not parsed: processed, and the probe never prints as text', async () => {
    const { vp, printer } = await start(dialectOptions('clone-eot-1-4'), { timeouts: { probe: 300 } });
    expect(printer.dialect).toMatchObject({ realtimeStatus: [1, 4], transmitStatus: true, processId: false });
    expect(printer.confirmation).toBe('gs-r');
    expect((await printer.status()).unknown).toEqual(expect.arrayContaining(['coverOpen', 'cutterError']));
    expect(await printer.print(receiptBytes('MOB-1', 3))).toMatchObject({ guarantee: 'processed' });
    expect(await vp.whenIdle()).toBe(true);
    expect(vp.journal.receipts.map((r) => r.text)).toEqual([expect.stringContaining('MOB-1 line 1')]);
    expect(vp.journal.receipts[0]!.text).not.toMatch(/H|\x06/);
  });

  it('DLE EOT 2 only: processed; the status reads online from the offline causes', async () => {
    const { vp, printer } = await start(dialectOptions('clone-eot-2'), { timeouts: { probe: 300 } });
    expect(printer.dialect).toMatchObject({ realtimeStatus: [2], transmitStatus: true });
    expect(await printer.status()).toMatchObject({ online: true, coverOpen: false });
    vp.openCover();
    expect(await printer.status()).toMatchObject({ online: false, coverOpen: true });
    vp.closeCover();
    expect(await printer.print(receiptBytes('P80-1', 3))).toMatchObject({ guarantee: 'processed' });
  });

  it('zero ASB frames: learned once, ASB is left off, and the job is confirmed only after it was processed', async () => {
    const { vp, printer } = await start({ ...dialectOptions('zero-asb'), linesPerSecond: 50 });
    expect(printer.dialect).toMatchObject({ asb: 'zeros', transmitStatus: true });
    expect(await printer.print(receiptBytes('ZERO-1', 10))).toMatchObject({ guarantee: 'processed' });
    expect(vp.state.bufferedBytes).toBe(0);
    expect(vp.state.asbMask).toBe(0); // the job's GS a, processed before its GS r, left it off
  });

  it('a dialect learned on the first connection is not probed again on the next', async () => {
    const vp = new VirtualPrinter(dialectOptions('clone-eot-1-4'));
    const { port } = await vp.listen({ port: 0 });
    const printer = new Printer({
      transport: () => new TcpTransport({ host: '127.0.0.1', port }),
      timeouts: { probe: 300, drain: 20 },
      reconnect: false,
      pollIntervalMs: 0,
    });
    try {
      await printer.connect();
      await printer.close();
      const requests = countStatusRequests(vp);
      await printer.connect();
      expect(printer.confirmation).toBe('gs-r');
      expect([requests.get(2) ?? 0, requests.get(3) ?? 0]).toEqual([0, 0]);
      expect(requests.get(1)).toBeGreaterThan(0);
    } finally {
      await printer.close();
      await vp.close();
    }
  });

  it('a dialect given by the caller (e.g. from a profile) skips the probing of what it says', async () => {
    const vp = new VirtualPrinter(dialectOptions('clone-eot-2'));
    const { port } = await vp.listen({ port: 0 });
    const requests = countStatusRequests(vp);
    const printer = new Printer({
      transport: () => new TcpTransport({ host: '127.0.0.1', port }),
      timeouts: { drain: 20 },
      reconnect: false,
      pollIntervalMs: 0,
      dialect: { realtimeStatus: [2], processId: false, transmitStatus: true },
    });
    try {
      await printer.connect();
      expect([...requests.keys()]).toEqual([2]);
      expect(printer.confirmation).toBe('gs-r');
    } finally {
      await printer.close();
      await vp.close();
    }
  });
});
