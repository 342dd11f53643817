/**
 * What is plugged in, for the CLI's `printers` command. A missing USB subsystem or a missing
 * `udevadm` is part of the answer (`usbError`, `serialError`), never a throw.
 */
import { SERIAL_DEFAULTS, formatPrinterUri } from './uri.js';
import { errorText } from './usb-errors.js';
import { nodeUsbBackend, scanUsbBus, type UsbBackend } from './usb.js';

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
  /**
   * USB devices whose descriptors could not be read (usually `permission denied`): skipped,
   * so one unreadable keyboard does not hide the printers. A printer among them needs a udev rule.
   */
  usbUnreadable?: { count: number; example: string };
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
  const [usb, serial] = await Promise.allSettled([scanUsbBus(options.usbBackend ?? nodeUsbBackend), (options.listSerialPorts ?? listSerialPortsWithSerialport)()]);
  if (usb.status === 'fulfilled') {
    for (const { device, endpoints } of usb.value.printers) {
      // String getters open the device in node-usb-rs when sysfs lacks them; a failure leaves the field out.
      const manufacturer = stringOrUndefined(() => device.manufacturerName);
      const product = stringOrUndefined(() => device.productName);
      const serialNumber = stringOrUndefined(() => device.serialNumber);
      const info: UsbPrinterInfo = {
        vendorId: device.vendorId,
        productId: device.productId,
        uri: formatPrinterUri({
          kind: 'usb',
          vendorId: device.vendorId,
          productId: device.productId,
          ...(serialNumber ? { serialNumber } : {}),
        }),
        bidirectional: endpoints.in !== undefined,
      };
      if (manufacturer) info.manufacturer = manufacturer;
      if (product) info.product = product;
      if (serialNumber) info.serialNumber = serialNumber;
      result.usb.push(info);
    }
    const [first] = usb.value.unreadable;
    if (first !== undefined) {
      const id = (n: number) => n.toString(16).padStart(4, '0');
      result.usbUnreadable = {
        count: usb.value.unreadable.length,
        example: `${id(first.vendorId)}:${id(first.productId)}: ${errorText(first.error)}`,
      };
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

function stringOrUndefined(read: () => string | null | undefined): string | undefined {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}
