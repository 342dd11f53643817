/**
 * The Printer against the virtual printer over a real pseudo-terminal with the serial transport
 * (serialport 13): the shared scenarios of emulator-suite.ts, plus what only a serial link has —
 * a power cycle that leaves the link up, and XON/XOFF flow control.
 */
import { describe, expect, it } from 'vitest';
import { SerialTransport, type SerialTransportOptions } from '../../src/transport/serial.js';
import { completeWith, emulatorStarter, onJobBytes, pause, receiptBytes, testPrinterOverLink } from './emulator-suite.js';
import { rejection } from './rejection.js';
import { socat } from '../support/requirements.js';

const overSerial = (serial: Partial<SerialTransportOptions> = {}) =>
  emulatorStarter(async (vp) => {
    const { ptyPath } = await vp.listen({ port: 0, pty: true });
    return () => new SerialTransport({ path: ptyPath!, baudRate: 38400, ...serial });
  }, 50);

const start = overSerial();
const startXonXoff = overSerial({ flowControl: 'xonxoff' });

describe.skipIf(!socat.available)('the serial transport on a pty (socat)', () => {
  testPrinterOverLink('a pty with the serial transport', { start });
});

describe.skipIf(!socat.available)('Printer ↔ virtual printer over a pty with the serial transport: serial only', () => {
  it('power cycle mid-job (the serial link stays up): CONFIRM_TIMEOUT in doubt, never printed', async () => {
    const { vp, printer } = await start({ linesPerSecond: 40 });
    onJobBytes(vp, 'SER-6', () => vp.powerCycle({ offMs: 200 }));
    const error = await rejection(printer.print(receiptBytes('SER-6', 30), { jobId: 'SER-6', confirmTimeoutMs: 1500 }));
    // Unlike TCP (DISCONNECTED): the pty does not close, and the printer comes back with ASB off
    // and its buffer (the process-ID request with it) lost, so only the confirmation deadline ends the job.
    expect(error).toMatchObject({ code: 'CONFIRM_TIMEOUT', mayHavePrinted: true, transactionId: 'SER-6' });
    expect(completeWith(vp, 'SER-6')).toHaveLength(0);
  });

  it('XON/XOFF: status still answers while the printer holds us off; the job waits for XON, then is confirmed', async () => {
    const { vp, printer } = await startXonXoff();
    vp.injectGarbage(Uint8Array.of(0x13)); // XOFF, as a printer with a full buffer sends it
    await pause(100);
    expect((await printer.status()).online).toBe(true); // DLE EOT goes past the hold (writeRealtime)
    const pending = printer.print(receiptBytes('SER-7', 5), { confirmTimeoutMs: 5000 });
    await pause(300);
    expect(vp.journal.receipts).toHaveLength(0);
    vp.injectGarbage(Uint8Array.of(0x11)); // XON
    expect((await pending).guarantee).toBe('printed');
    expect(completeWith(vp, 'SER-7')).toHaveLength(1);
  });
});
