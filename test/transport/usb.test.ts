import { describe, expect, it } from 'vitest';
import { AccessDeniedError, DeviceNotFoundError, DisconnectedError, TransportClosedError } from '../../src/errors.js';
import { findUsbPrinters, UsbTransport } from '../../src/transport/usb.js';
import { testTransport } from './contract.js';
import { FakeUsbDevice, fakeBackend } from './fake-usb.js';

testTransport('usb (WebUSB fake)', async () => {
  const device = new FakeUsbDevice({ kernelDriverAttached: true });
  return {
    transport: new UsbTransport({ backend: fakeBackend([device]), detachKernelDriver: true }),
    backpressureBytes: 64 * 1024,
    peer: async () => ({
      waitForBytes: (length) => device.waitForBytes(length),
      send: async (bytes) => device.reply(bytes),
      pauseReading: () => device.pause(),
      resumeReading: () => device.resume(),
      drop: async () => device.unplug(),
    }),
    cleanup: async () => {},
  };
});

const nextData = (transport: UsbTransport) =>
  new Promise<Uint8Array>((resolve) => {
    const off = transport.onData((bytes) => {
      off();
      resolve(bytes);
    });
  });

describe('USB discovery', () => {
  const keyboard = new FakeUsbDevice({ vendorId: 0x046d, productId: 0xc31c, interfaceClass: 3 });
  const stLink = new FakeUsbDevice({ vendorId: 0x0483, productId: 0x3748, interfaceClass: 0xff });
  const epsonVendorSpecific = new FakeUsbDevice({ vendorId: 0x04b8, productId: 0x0202, interfaceClass: 0xff });
  const genericClass7 = new FakeUsbDevice({ vendorId: 0x0416, productId: 0x5011, serialNumber: 'P1' });
  const backend = fakeBackend([keyboard, stLink, epsonVendorSpecific, genericClass7]);

  it('usb:// takes printer-class devices first, then known printer vendors, never other devices', async () => {
    expect(await findUsbPrinters(backend)).toEqual([genericClass7, epsonVendorSpecific]);
  });

  it('finds by vendor:product and serial number', async () => {
    expect(await findUsbPrinters(backend, { vendorId: 0x0483, productId: 0x3748 })).toEqual([stLink]);
    expect(await findUsbPrinters(backend, { vendorId: 0x0416, productId: 0x5011, serialNumber: 'P1' })).toEqual([genericClass7]);
    expect(await findUsbPrinters(backend, { vendorId: 0x0416, productId: 0x5011, serialNumber: 'P2' })).toEqual([]);
  });

  it('no USB subsystem is DeviceNotFoundError "no USB access", not a crash', async () => {
    const none = fakeBackend(() => Promise.reject(new Error('/sys/bus/usb/devices/ not found')));
    const error = await new UsbTransport({ backend: none }).open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceNotFoundError);
    expect((error as Error).message).toMatch(/no USB access on this system/);
  });

  it('a device that is not there is DeviceNotFoundError', async () => {
    const transport = new UsbTransport({ backend, vendorId: 0x1234, productId: 0x5678 });
    await expect(transport.open()).rejects.toBeInstanceOf(DeviceNotFoundError);
  });
});

describe('UsbTransport', () => {
  it('detaches usblp, claims, and on close releases and gives the interface back', async () => {
    const device = new FakeUsbDevice({ kernelDriverAttached: true });
    const transport = new UsbTransport({ backend: fakeBackend([device]), vendorId: 0x04b8, productId: 0x0e15, detachKernelDriver: true });
    await transport.open();
    expect(transport.bidirectional).toBe(true);
    expect(device.kernelDriverAttached).toBe(false);
    expect(device.claimed.has(0)).toBe(true);
    await transport.close();
    expect(device.kernelDriverAttached).toBe(true);
    expect(device.calls).toEqual([
      'open',
      'selectConfiguration 1',
      'detachKernelDriver 0',
      'claimInterface 0',
      'releaseInterface 0',
      'attachKernelDriver 0',
      'close',
    ]);
  });

  it('tolerates no kernel driver attached, and then does not attach one on close', async () => {
    const device = new FakeUsbDevice({ kernelDriverAttached: false });
    const transport = new UsbTransport({ backend: fakeBackend([device]), detachKernelDriver: true });
    await transport.open();
    await transport.close();
    expect(device.calls).not.toContain('attachKernelDriver 0');
    expect(device.kernelDriverAttached).toBe(false);
  });

  it('sends bulk OUT in chunks of whole packets', async () => {
    const device = new FakeUsbDevice({ packetSize: 64 });
    const transport = new UsbTransport({ backend: fakeBackend([device]), chunkBytes: 1000 });
    await transport.open();
    const payload = Uint8Array.from({ length: 2500 }, (_, i) => i & 0xff);
    await transport.write(payload);
    expect(device.transfers.map((t) => t.length)).toEqual([960, 960, 580]);
    expect(device.recording).toEqual(payload);
    await transport.close();
  });

  it('feeds bulk IN replies to onData', async () => {
    const device = new FakeUsbDevice();
    const transport = new UsbTransport({ backend: fakeBackend([device]) });
    await transport.open();
    const first = nextData(transport);
    device.reply(Uint8Array.of(0x16));
    expect(await first).toEqual(Uint8Array.of(0x16));
    const second = nextData(transport);
    device.reply(Uint8Array.of(0x37, 0x22, 0x31, 0x00));
    expect(await second).toEqual(Uint8Array.of(0x37, 0x22, 0x31, 0x00));
    await transport.close();
  });

  it('a printer without bulk IN (protocol 1) opens as one-way', async () => {
    const device = new FakeUsbDevice({ bulkIn: false });
    const transport = new UsbTransport({ backend: fakeBackend([device]) });
    await transport.open();
    expect(transport.bidirectional).toBe(false);
    await transport.write(Uint8Array.of(0x1b, 0x40));
    expect(device.recording).toEqual(Uint8Array.of(0x1b, 0x40));
    await transport.close();
  });

  it('unplugged mid-job: the write rejects and onClose reports DisconnectedError', async () => {
    const device = new FakeUsbDevice();
    const transport = new UsbTransport({ backend: fakeBackend([device]) });
    await transport.open();
    const closed = new Promise<Error | undefined>((resolve) => transport.onClose(resolve));
    await transport.write(Uint8Array.of(1, 2, 3));
    device.unplug();
    await expect(transport.write(Uint8Array.of(4, 5, 6))).rejects.toBeInstanceOf(DisconnectedError);
    const error = await closed;
    expect(error).toBeInstanceOf(DisconnectedError);
    expect(transport.isOpen).toBe(false);
    // The pending bulk IN is what noticed first, or the write; either way once.
    await expect(transport.open()).rejects.toBeInstanceOf(DisconnectedError);
  });

  it('a permission error carries the udev rule that fixes it', async () => {
    const device = new FakeUsbDevice({ openError: new Error('LIBUSB_ERROR_ACCESS: Access denied (insufficient permissions)') });
    const transport = new UsbTransport({ backend: fakeBackend([device]) });
    const error = await transport.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    const message = (error as Error).message;
    expect(message).toContain('SUBSYSTEM=="usb", ATTRS{idVendor}=="04b8", ATTRS{idProduct}=="0e15", MODE="0660", GROUP="plugdev"');
    expect(message).toContain('/etc/udev/rules.d/99-receipt-printer.rules');
    expect(message).toContain('sudo udevadm control --reload-rules && sudo udevadm trigger');
    expect(device.opened).toBe(false);
  });

  it('close() rejects a write still queued behind a transfer, as canceled', async () => {
    const device = new FakeUsbDevice();
    let releaseTransfer!: () => void;
    let transferStarted!: () => void;
    const started = new Promise<void>((resolve) => (transferStarted = resolve));
    const original = device.transferOut.bind(device);
    device.transferOut = async (endpoint, data) => {
      transferStarted();
      await new Promise<void>((resolve) => (releaseTransfer = resolve));
      return original(endpoint, data);
    };
    const transport = new UsbTransport({ backend: fakeBackend([device]) });
    await transport.open();
    const first = transport.write(Uint8Array.of(1)).catch((e: unknown) => e);
    const second = transport.write(Uint8Array.of(2)).catch((e: unknown) => e);
    await started;
    await transport.close();
    releaseTransfer();
    expect(await first).toBeInstanceOf(TransportClosedError);
    expect(await second).toBeInstanceOf(TransportClosedError);
  });
});
