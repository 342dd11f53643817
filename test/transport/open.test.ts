import { afterEach, describe, expect, it } from 'vitest';
import { DeviceNotFoundError, InvalidPrinterUriError } from '../../src/errors.js';
import { listPrinters } from '../../src/transport/discover.js';
import { FileTransport } from '../../src/transport/file.js';
import { MemoryTransport } from '../../src/transport/memory.js';
import { createTransport, openTransport } from '../../src/transport/open.js';
import { SerialTransport } from '../../src/transport/serial.js';
import { TcpTransport } from '../../src/transport/tcp.js';
import { UsbTransport } from '../../src/transport/usb.js';
import { SimulatedPrinter, simulatedUsb } from './native-usb.js';

afterEach(() => MemoryTransport.reset());

describe('createTransport', () => {
  it.each([
    ['tcp://127.0.0.1:9100', TcpTransport, 'tcp://127.0.0.1:9100'],
    ['serial:/dev/ttyUSB0?flowControl=xonxoff', SerialTransport, 'serial:/dev/ttyUSB0'],
    ['usb://04b8:0e15', UsbTransport, 'usb://04b8:0e15'],
    ['usb://', UsbTransport, 'usb://'],
    ['file:/dev/usb/lp0', FileTransport, 'file:/dev/usb/lp0'],
    ['memory:mem0?profile=tm-t20', MemoryTransport, 'memory:mem0'],
  ] as const)('%s → %s, not opened', (uri, kind, description) => {
    const transport = createTransport(uri);
    expect(transport).toBeInstanceOf(kind);
    expect(transport.description).toBe(description);
    expect(transport.isOpen).toBe(false);
  });

  it('passes serial settings through', () => {
    const transport = createTransport('serial:/dev/ttyS1?flowControl=xonxoff') as SerialTransport;
    expect(transport.flowControl).toBe('xonxoff');
  });

  it('a bad URI is InvalidPrinterUriError', () => {
    expect(() => createTransport('tcp://host:99999')).toThrow(InvalidPrinterUriError);
  });
});

describe('openTransport', () => {
  it('returns an opened transport', async () => {
    const printer = MemoryTransport.createPrinter('till1');
    const transport = await openTransport('memory:till1');
    expect(transport.isOpen).toBe(true);
    await transport.write(Uint8Array.of(0x1b, 0x40));
    expect(printer.recording).toEqual(Uint8Array.of(0x1b, 0x40));
    await transport.close();
  });

  it('rejects with the open error', async () => {
    await expect(openTransport('memory:nobody')).rejects.toBeInstanceOf(DeviceNotFoundError);
  });

  it('uses the injected USB backend', async () => {
    const printer = new SimulatedPrinter({ driver: null });
    const transport = await openTransport('usb://04b8:0e15', { usbBackend: simulatedUsb({ printers: [printer] }) });
    expect(transport.bidirectional).toBe(true);
    await transport.close();
  });
});

describe('listPrinters', () => {
  it('lists USB printers and serial ports with their URIs', async () => {
    const list = await listPrinters({
      usbBackend: simulatedUsb({
        printers: [
          new SimulatedPrinter({ serialNumber: 'X1', alternates: [{ protocol: 1, bulkIn: false }] }),
          new SimulatedPrinter({ vendorId: 0x046d, productId: 0xc31c, alternates: [{ interfaceClass: 3, protocol: 0, bulkIn: true }] }),
        ],
      }),
      listSerialPorts: async () => [{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', vendorId: '0403', productId: '6001' }],
    });
    expect(list).toEqual({
      usb: [
        {
          vendorId: 0x04b8,
          productId: 0x0e15,
          manufacturer: 'EPSON',
          product: 'TM-T20III',
          serialNumber: 'X1',
          uri: 'usb://04b8:0e15?serial=X1',
          bidirectional: false,
        },
      ],
      serial: [{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', vendorId: 0x0403, productId: 0x6001, uri: 'serial:/dev/ttyUSB0' }],
    });
  });

  it('reports unavailable subsystems as messages, not throws', async () => {
    const list = await listPrinters({
      // What usb 3.1 says in a container without /sys/bus/usb.
      usbBackend: simulatedUsb({ printers: [], noSubsystem: true }),
      listSerialPorts: () => Promise.reject(new Error('spawn udevadm ENOENT')),
    });
    expect(list.usb).toEqual([]);
    expect(list.usbError).toMatch(/no USB access on this system/);
    expect(list.serialError).toBe('spawn udevadm ENOENT');
  });
});
