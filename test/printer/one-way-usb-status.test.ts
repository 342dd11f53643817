/**
 * A one-way USB printer (class 7, protocol 1, no bulk IN) reports paper out through the
 * transport's GET_PORT_STATUS, driven through usb 3.1's real JavaScript over the simulated
 * native binding (test/transport/native-usb.ts).
 */
import { describe, expect, it } from 'vitest';
import { Printer } from '../../src/printer/printer.js';
import { statusFault } from '../../src/printer/status.js';
import { UsbTransport } from '../../src/transport/usb.js';
import { SimulatedPrinter, simulatedSysfs, simulatedUsb } from '../transport/native-usb.js';

const FAST = { status: 200, probe: 200, confirm: 2000, drain: 0 };

describe('one-way USB printer status', () => {
  it('Printer.status() reads GET_PORT_STATUS: ready, then paper out', async () => {
    const simulated = new SimulatedPrinter({ alternates: [{ protocol: 1, bulkIn: false }] });
    const bus = { printers: [simulated] };
    const transport = new UsbTransport({
      backend: simulatedUsb(bus),
      kernelDriverOf: simulatedSysfs(bus),
      detachKernelDriver: true,
      closeWaitMs: 10,
    });
    const printer = new Printer({ transport, timeouts: FAST, pollIntervalMs: 0, reconnect: { initialMs: 5, maxMs: 20 } });
    await printer.connect();
    try {
      const ready = await printer.status();
      expect(ready.online).toBe(true);
      expect(statusFault(ready)).toBeUndefined();
      simulated.paperOut = true;
      const out = await printer.status();
      expect(out.paperEnd).toBe(true);
      expect(statusFault(out)?.code).toBe('PAPER_END');
    } finally {
      await printer.close();
    }
  });
});
