/**
 * Bulk and control transfers through `usb` 3.1.0's real wrappers over the simulated binding,
 * on a fake clock: the simulated nusb timeouts (`transfer_blocking` cancelling after its
 * timeout) run on vitest's fake `setTimeout`, so minutes pass in microseconds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DisconnectedError, NotAcceptingDataError } from '../../src/errors.js';
import { UsbTransport } from '../../src/transport/usb.js';
import { SimulatedPrinter, simulatedSysfs, simulatedUsb, type SimulatedBus } from './native-usb.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function openOn(printer: SimulatedPrinter, options: Partial<ConstructorParameters<typeof UsbTransport>[0]> = {}) {
  const bus: SimulatedBus = { printers: [printer] };
  const transport = new UsbTransport({
    backend: simulatedUsb(bus),
    detachKernelDriver: true,
    kernelDriverOf: simulatedSysfs(bus),
    ...options,
  });
  await transport.open();
  const closes: Array<Error | undefined> = [];
  transport.onClose((error) => closes.push(error));
  const received: number[] = [];
  transport.onData((bytes) => received.push(...bytes));
  return { transport, closes, received };
}

const job = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

describe('bulk IN on an idle two-way link', () => {
  it('stays connected through a minute of silence, then delivers the reply', async () => {
    const printer = new SimulatedPrinter();
    const { transport, closes, received } = await openOn(printer);
    // usb's transferIn default timeout is 1000 ms (dist/index.js DEFAULT_TIMEOUT): sixty cancelled reads.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(closes).toEqual([]);
    expect(transport.isOpen).toBe(true);
    expect(printer.calls.filter((c) => c === 'open')).toHaveLength(1);
    printer.reply(Uint8Array.of(0x37, 0x22, 0x31, 0x00));
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([0x37, 0x22, 0x31, 0x00]);
    await closeNow(transport);
  });

  it('a stall on bulk IN is cleared (clearHalt) and reading goes on', async () => {
    const printer = new SimulatedPrinter();
    printer.inHalted = true;
    const { transport, closes, received } = await openOn(printer);
    await vi.advanceTimersByTimeAsync(10);
    expect(printer.calls).toContain('clearHalt in 2');
    printer.reply(Uint8Array.of(0x16));
    await vi.advanceTimersByTimeAsync(0);
    expect(received).toEqual([0x16]);
    expect(closes).toEqual([]);
    await closeNow(transport);
  });

  it('an unplug mid-read is a DisconnectedError drop', async () => {
    const printer = new SimulatedPrinter();
    const { transport, closes } = await openOn(printer);
    await vi.advanceTimersByTimeAsync(500);
    printer.unplug();
    await vi.advanceTimersByTimeAsync(0);
    expect(closes).toHaveLength(1);
    expect(closes[0]).toBeInstanceOf(DisconnectedError);
    expect(transport.isOpen).toBe(false);
  });
});

describe('bulk OUT held back by the printer', () => {
  it('a write held for 90 s (paper out, then loaded) completes and prints once', async () => {
    const printer = new SimulatedPrinter({ bufferBytes: 4096 });
    const { transport, closes } = await openOn(printer);
    printer.paperOut = true;
    const payload = job(10_000);
    let settled: unknown = 'pending';
    const write = transport.write(payload).then(
      () => (settled = 'done'),
      (error: unknown) => (settled = error),
    );
    await vi.advanceTimersByTimeAsync(90_000);
    expect(settled).toBe('pending');
    expect(printer.printed).toHaveLength(0);
    expect(printer.buffered).toHaveLength(4096);
    printer.loadPaper();
    await write;
    expect(settled).toBe('done');
    expect(Buffer.from(printer.printed).equals(payload)).toBe(true);
    expect(closes).toEqual([]);
    await closeNow(transport);
  });

  it('a write the printer never takes ends at its deadline: NOT_ACCEPTING with the bytes that went, link still open', async () => {
    const printer = new SimulatedPrinter({ bufferBytes: 4096 });
    const { transport, closes } = await openOn(printer, { chunkBytes: 4096 });
    await transport.write(job(1000)); // printed
    printer.paperOut = true;
    const outcome = transport.write(job(10_000), { timeoutMs: 30_000 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(30_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(NotAcceptingDataError);
    const notAccepting = error as NotAcceptingDataError;
    // The first 4096-byte chunk filled the buffer and completed; the second was cancelled with an unknown count.
    expect(notAccepting.bytesSent).toBe(4096);
    expect(notAccepting.bytesUncertain).toBe(4096);
    expect(notAccepting.mayHavePrinted).toBe(true);
    expect(notAccepting.message).toMatch(/the printer is not accepting data \(waited 30 s; 4096 of 10000 bytes went, up to 4096 more may have\); it reports: paper out/);
    expect(closes).toEqual([]);
    expect(transport.isOpen).toBe(true);
    // The transfer that timed out asked nusb for the whole remaining time, not usb's 1000 ms default.
    expect(printer.calls).toContain('transferOut 4096 timeout 30000');
    await closeNow(transport);
  });

  it('closed during a held write: the interface is released when that transfer ends, and a reopen waits for it', async () => {
    const printer = new SimulatedPrinter({ driver: 'usblp' });
    const { transport } = await openOn(printer, { closeWaitMs: 100, readPollMs: 1000 });
    printer.paperOut = true;
    const write = transport.write(job(9000), { timeoutMs: 4_000 }).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    const closing = transport.close();
    await vi.advanceTimersByTimeAsync(1_100);
    await closing;
    expect(((await write) as Error).name).toBe('TransportClosedError');
    // The held bulk OUT transfer still holds our usbfs claim: usblp cannot be given back yet.
    expect(printer.driver).toBe('usbfs');
    const reopening = transport.open();
    await vi.advanceTimersByTimeAsync(2_500); // the transfer's 4 s deadline passes
    await reopening;
    expect(transport.isOpen).toBe(true);
    expect(printer.calls.filter((c) => c === 'attachKernelDriver 0')).toHaveLength(1);
    await closeNow(transport);
    expect(printer.driver).toBe('usblp');
  });

  it('an unplug mid-write rejects the write and drops the link', async () => {
    const printer = new SimulatedPrinter();
    const { transport, closes } = await openOn(printer);
    printer.paperOut = true;
    const outcome = transport.write(job(8000)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(5_000);
    printer.unplug();
    await vi.advanceTimersByTimeAsync(0);
    expect(await outcome).toBeInstanceOf(DisconnectedError);
    expect(closes[0]).toBeInstanceOf(DisconnectedError);
  });
});

describe('GET_PORT_STATUS', () => {
  it('a one-way printer (no bulk IN) reports paper out through the class request', async () => {
    const printer = new SimulatedPrinter({ alternates: [{ protocol: 1, bulkIn: false }] });
    const { transport } = await openOn(printer);
    expect(transport.bidirectional).toBe(false);
    expect(await transport.queryPortStatus()).toEqual({ paperEmpty: false, selected: true, error: false, raw: 0x18 });
    printer.paperOut = true;
    expect(await transport.queryPortStatus()).toEqual({ paperEmpty: true, selected: false, error: true, raw: 0x20 });
    expect(printer.calls).toContain('controlTransferIn class interface 1 0 1');
    await closeNow(transport);
  });

  it('answers while bulk OUT is refused', async () => {
    const printer = new SimulatedPrinter({ alternates: [{ protocol: 1, bulkIn: false }] });
    const { transport } = await openOn(printer);
    printer.paperOut = true;
    const write = transport.write(job(9000)).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    expect((await transport.queryPortStatus()).paperEmpty).toBe(true);
    printer.loadPaper();
    expect(await write).toBeUndefined();
    await closeNow(transport);
  });
});

/** close() waits up to a read poll for the pending read; the fake clock has to move for it. */
async function closeNow(transport: UsbTransport): Promise<void> {
  const closing = transport.close();
  await vi.advanceTimersByTimeAsync(5_000);
  await closing;
}
