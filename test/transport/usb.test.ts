/**
 * UsbTransport against `usb` 3.1.0's real JavaScript over a simulated native binding
 * (see native-usb.ts): discovery, kernel drivers, claiming, error strings.
 */
import { mkdtemp, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, DeviceBusyError, DeviceNotFoundError, DisconnectedError, UsbDriverError } from '../../src/errors.js';
import { listPrinters } from '../../src/transport/discover.js';
import { sysfsKernelDriver } from '../../src/transport/usb-kernel-driver.js';
import { findPrinterEndpoints, findUsbPrinters, UsbTransport } from '../../src/transport/usb.js';
import { testTransport } from './contract.js';
import { SimulatedPrinter, simulatedSysfs, simulatedUsb, type SimulatedBus } from './native-usb.js';

function setUp(printers: SimulatedPrinter[], options: Partial<ConstructorParameters<typeof UsbTransport>[0]> = {}) {
  const bus: SimulatedBus = { printers };
  const transport = new UsbTransport({
    backend: simulatedUsb(bus),
    detachKernelDriver: true,
    kernelDriverOf: simulatedSysfs(bus),
    readPollMs: 50,
    closeWaitMs: 100,
    ...options,
  });
  return { bus, transport };
}

testTransport('usb (usb 3.1 JavaScript over a simulated native binding)', async () => {
  const printer = new SimulatedPrinter();
  const { transport } = setUp([printer]);
  return {
    transport,
    // 64 KB cannot fit the 4 KB buffer of a printer whose paper is out.
    backpressureBytes: 64 * 1024,
    peer: async () => ({
      waitForBytes: async (length) => {
        while (printer.printed.length < length) await printer.waitForChange().promise;
        return Uint8Array.from(printer.printed);
      },
      send: async (bytes) => printer.reply(bytes),
      pauseReading: () => {
        printer.paperOut = true;
      },
      resumeReading: () => printer.loadPaper(),
      drop: async () => printer.unplug(),
    }),
    cleanup: async () => {},
  };
});

describe('USB discovery', () => {
  const keyboard = () => new SimulatedPrinter({ vendorId: 0x046d, productId: 0xc31c, alternates: [{ interfaceClass: 3, protocol: 0, bulkIn: true }], driver: null });
  const unreadableScanner = () => new SimulatedPrinter({ vendorId: 0x04a9, productId: 0x1909, unreadable: true });
  const class7 = () => new SimulatedPrinter({ vendorId: 0x0416, productId: 0x5011, serialNumber: 'P1' });
  const epsonVendorMode = () => new SimulatedPrinter({ vendorId: 0x04b8, productId: 0x0202, alternates: [{ interfaceClass: 0xff, protocol: 0, bulkIn: true }], driver: null });

  it('usb:// skips devices it cannot read, counts them, and still finds the printers', async () => {
    // node-usb-rs opens the device to read `configuration` (webusb_device.rs `configuration` getter → `_open()`).
    const bus: SimulatedBus = { printers: [unreadableScanner(), keyboard(), epsonVendorMode(), class7()] };
    const found = await findUsbPrinters(simulatedUsb(bus));
    expect(found.map((d) => d.productId)).toEqual([0x5011, 0x0202]);
    const list = await listPrinters({ usbBackend: simulatedUsb(bus), listSerialPorts: async () => [] });
    expect(list.usb.map((p) => p.uri)).toEqual(['usb://0416:5011?serial=P1', 'usb://04b8:0202']);
    expect(list.usbUnreadable).toEqual({ count: 1, example: '04a9:1909: open error: permission denied (errno 13)' });
  });

  it('usb://VID:PID never reads other devices, and an unreadable printer is ACCESS_DENIED with the udev rule', async () => {
    const printer = new SimulatedPrinter({ unreadable: true });
    const { transport } = setUp([unreadableScanner(), printer], { vendorId: 0x04b8, productId: 0x0e15 });
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toContain('ATTRS{idVendor}=="04b8", ATTRS{idProduct}=="0e15"');
    expect((error as Error).message).toContain('sudo udevadm control --reload-rules');
  });

  it('usb:// with only unreadable devices says how many it could not read', async () => {
    const { transport } = setUp([unreadableScanner()]);
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect((error as Error).message).toMatch(/1 USB device\(s\) could not be read \(04a9:1909: open error: permission denied \(errno 13\)\)/);
  });

  it('no USB subsystem is DeviceNotFoundError "no USB access", not a crash', async () => {
    const error = await new UsbTransport({ backend: simulatedUsb({ printers: [], noSubsystem: true }) }).open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect((error as Error).message).toMatch(/no USB access on this system/);
  });

  it('prefers a two-way alternate setting (protocol 2 with bulk IN) over an earlier one-way one, and never IPP over USB', async () => {
    const printer = new SimulatedPrinter({
      alternates: [
        { protocol: 1, bulkIn: false },
        { protocol: 4, bulkIn: true },
        { protocol: 2, bulkIn: true },
      ],
    });
    const { transport } = setUp([printer]);
    await transport.open();
    expect(transport.bidirectional).toBe(true);
    expect(printer.calls).toContain('selectAlternateInterface 0 2');
    expect(findPrinterEndpoints(transport.device!)?.alternateSetting).toBe(2);
    await transport.close();
  });
});

describe('UsbTransport and the kernel driver', () => {
  it('detaches usblp, and after close usblp is bound again (the read pending at close ended first)', async () => {
    const printer = new SimulatedPrinter({ driver: 'usblp' });
    const { transport } = setUp([printer]);
    await transport.open();
    expect(printer.driver).toBe('usbfs');
    await transport.close();
    // Releasing while the bulk IN transfer is pending keeps the usbfs claim and attach fails with EBUSY;
    // close() waits for the read to end, so usblp comes back (and /dev/usb/lp0 with it).
    expect(printer.driver).toBe('usblp');
    expect(printer.calls.slice(-3)).toEqual(['releaseInterface 0', 'attachKernelDriver 0', 'close']);
  });

  it('no kernel driver bound (Epson vendor mode, usblp blacklisted): no detach, no errno 61, nothing attached on close', async () => {
    const printer = new SimulatedPrinter({ driver: null });
    const { transport } = setUp([printer]);
    await transport.open();
    await transport.close();
    expect(printer.calls).not.toContain('detachKernelDriver 0');
    expect(printer.calls).not.toContain('attachKernelDriver 0');
    expect(printer.driver).toBeNull();
  });

  it('without sysfs, "no kernel driver attached (errno 61)" from detach is not an error', async () => {
    const printer = new SimulatedPrinter({ driver: null });
    const { transport } = setUp([printer], { kernelDriverOf: async () => undefined });
    await transport.open();
    expect(printer.calls).toContain('detachKernelDriver 0');
    await transport.close();
    expect(printer.calls).not.toContain('attachKernelDriver 0');
  });

  it("never detaches another program's usbfs claim: DEVICE_BUSY, and the claim stays theirs", async () => {
    const printer = new SimulatedPrinter({ driver: 'usbfs' });
    const { transport } = setUp([printer]);
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceBusyError);
    expect((error as Error).message).toMatch(/another program has claimed the printer interface through usbfs/);
    expect(printer.detached).toEqual([]);
    expect(printer.driver).toBe('usbfs');
  });

  it('busy interface (errno 16) is DEVICE_BUSY with a hint, needing attention rather than silent retries', async () => {
    const printer = new SimulatedPrinter({ driver: 'usblp' });
    const { transport } = setUp([printer], { detachKernelDriver: false });
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceBusyError);
    expect((error as DeviceBusyError).needsAttention).toBe(true);
    expect((error as Error).message).toMatch(/interface is busy \(errno 16\).*CUPS/);
    expect(printer.calls.at(-1)).toBe('close');
  });

  it('macOS exclusive access and the Windows printer driver get their own errors and hints', async () => {
    const mac = new SimulatedPrinter({ claimError: 'could not open interface for exclusive access (error 0xe00002c5)' });
    const macError = await setUp([mac], { detachKernelDriver: false })
      .transport.open()
      .catch((e: unknown) => e);
    expect(macError).toBeInstanceOf(DeviceBusyError);
    expect((macError as Error).message).toMatch(/CUPS queue/);
    const windows = new SimulatedPrinter({ claimError: 'incompatible driver is installed for this interface' });
    const windowsError = await setUp([windows], { detachKernelDriver: false })
      .transport.open()
      .catch((e: unknown) => e);
    expect(windowsError).toBeInstanceOf(UsbDriverError);
    expect((windowsError as Error).message).toMatch(/usbprint\.sys.*WinUSB.*Zadig/);
  });

  it('unplugged between listing and opening is DisconnectedError', async () => {
    const printer = new SimulatedPrinter();
    const { transport } = setUp([printer]);
    const bus = { printers: [printer] };
    const backend = simulatedUsb(bus);
    const [device] = await backend.getDevices();
    printer.unplug();
    await expect(device!.open()).rejects.toThrow('open error: device not found (errno 2)');
    await expect(transport.open()).rejects.toBeInstanceOf(DeviceNotFoundError);
  });
});

describe('sysfsKernelDriver (Linux)', () => {
  it('reads the driver symlink of bus-ports:config.interface; no link is no driver; no interface is unknown', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sysfs-'));
    try {
      await mkdir(join(root, 'drivers', 'usblp'), { recursive: true });
      await mkdir(join(root, '1-1.4:1.0'));
      await symlink(join(root, 'drivers', 'usblp'), join(root, '1-1.4:1.0', 'driver'));
      await mkdir(join(root, '1-2:1.0'));
      const lookup = sysfsKernelDriver(root);
      const device = (bus: string, ports: number[]) => ({ bus, ports }) as never;
      expect(await lookup(device('001', [1, 4]), 1, 0)).toBe('usblp');
      expect(await lookup(device('001', [2]), 1, 0)).toBeNull();
      expect(await lookup(device('001', [3]), 1, 0)).toBeUndefined();
      expect(await lookup(device('001', []), 1, 0)).toBeUndefined();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('DisconnectedError stays for real drops', () => {
  it('an unplug while idle closes the link with DisconnectedError', async () => {
    const printer = new SimulatedPrinter();
    const { transport } = setUp([printer]);
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    printer.unplug();
    expect(await closed).toBeInstanceOf(DisconnectedError);
  });
});
