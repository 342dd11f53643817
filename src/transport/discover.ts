/**
 * What is plugged in, for the CLI's `printers` command. A missing USB subsystem or a missing
 * `udevadm` is part of the answer (`usbError`, `serialError`), never a throw.
 */
import { SERIAL_DEFAULTS, formatPrinterUri } from './uri.js';
import { findPrinterEndpoints, findUsbPrinters, nodeUsbBackend, type UsbBackend } from './usb.js';

export interface UsbPrinterInfo {
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
  serialNumber?: string;
  uri: string;
  bidirectional: boolean;
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  vendorId?: number;
  productId?: number;
  uri: string;
}

export interface PrinterList {
  usb: UsbPrinterInfo[];
  serial: SerialPortInfo[];
  usbError?: string;
  serialError?: string;
}

/** What `SerialPort.list()` returns (the fields used here). */
export interface SerialPortListing {
  path: string;
  manufacturer?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface ListPrintersOptions {
  usbBackend?: UsbBackend;
  listSerialPorts?: () => Promise<SerialPortListing[]>;
}

async function listSerialPortsWithSerialport(): Promise<SerialPortListing[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

export async function listPrinters(options: ListPrintersOptions = {}): Promise<PrinterList> {
  const result: PrinterList = { usb: [], serial: [] };
  const [usb, serial] = await Promise.allSettled([
    findUsbPrinters(options.usbBackend ?? nodeUsbBackend),
    (options.listSerialPorts ?? listSerialPortsWithSerialport)(),
  ]);
  if (usb.status === 'fulfilled') {
    for (const device of usb.value) {
      const info: UsbPrinterInfo = {
        vendorId: device.vendorId,
        productId: device.productId,
        uri: formatPrinterUri({
          kind: 'usb',
          vendorId: device.vendorId,
          productId: device.productId,
          ...(device.serialNumber ? { serialNumber: device.serialNumber } : {}),
        }),
        bidirectional: findPrinterEndpoints(device)?.in !== undefined,
      };
      if (device.manufacturerName) info.manufacturer = device.manufacturerName;
      if (device.productName) info.product = device.productName;
      if (device.serialNumber) info.serialNumber = device.serialNumber;
      result.usb.push(info);
    }
  } else {
    result.usbError = messageOf(usb.reason);
  }
  if (serial.status === 'fulfilled') {
    for (const port of serial.value) {
      const info: SerialPortInfo = { path: port.path, uri: formatPrinterUri({ kind: 'serial', path: port.path, ...SERIAL_DEFAULTS }) };
      if (port.manufacturer) info.manufacturer = port.manufacturer;
      const vendorId = parseHex(port.vendorId);
      const productId = parseHex(port.productId);
      if (vendorId !== undefined) info.vendorId = vendorId;
      if (productId !== undefined) info.productId = productId;
      result.serial.push(info);
    }
  } else {
    result.serialError = messageOf(serial.reason);
  }
  return result;
}

function parseHex(text: string | undefined): number | undefined {
  if (text === undefined || !/^[0-9a-f]{1,4}$/i.test(text)) return undefined;
  return Number.parseInt(text, 16);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
