/**
 * USB printer-class transport over the WebUSB-shaped API of `usb` 3 (node-usb-rs).
 *
 * The USB API is a parameter (`UsbBackend`), so tests drive a fake WebUSB device; the default
 * backend loads `usb` lazily, so programs that never print over USB never load the native module.
 * On Linux the `usblp` kernel driver binds printer interfaces; we detach it before claiming
 * the interface and give it back on close.
 */
import {
  AccessDeniedError,
  DeviceNotFoundError,
  DisconnectedError,
  TransportError,
} from '../errors.js';
import type { Transport, TransportOptions } from './interface.js';
import { TransportBase, copyBytes } from './link.js';

// ---------------------------------------------------------------- the WebUSB shape we use

export interface UsbEndpointInfo {
  readonly endpointNumber: number;
  readonly direction: 'in' | 'out';
  readonly type: 'bulk' | 'interrupt' | 'isochronous';
  readonly packetSize: number;
}

export interface UsbAlternateInfo {
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly endpoints: readonly UsbEndpointInfo[];
}

export interface UsbInterfaceInfo {
  readonly interfaceNumber: number;
  readonly alternate: UsbAlternateInfo;
  readonly alternates: readonly UsbAlternateInfo[];
}

export interface UsbConfigurationInfo {
  readonly configurationValue: number;
  readonly interfaces: readonly UsbInterfaceInfo[];
}

type TransferStatus = 'ok' | 'stall' | 'babble';

/** The subset of WebUSB's `USBDevice` (plus node-usb's kernel-driver calls) this transport needs. */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturerName?: string | undefined;
  readonly productName?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly opened: boolean;
  readonly configuration?: UsbConfigurationInfo | null | undefined;
  readonly configurations: readonly UsbConfigurationInfo[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  transferOut(endpointNumber: number, data: Uint8Array): Promise<{ bytesWritten: number; status: TransferStatus }>;
  transferIn(endpointNumber: number, length: number): Promise<{ data?: DataView | undefined; status: TransferStatus }>;
  clearHalt?(direction: 'in' | 'out', endpointNumber: number): Promise<void>;
  /** Linux only (node-usb). */
  detachKernelDriver?(interfaceNumber: number): Promise<void>;
  attachKernelDriver?(interfaceNumber: number): Promise<void>;
}

export interface UsbBackend {
  getDevices(): Promise<readonly UsbDeviceLike[]>;
}

/** `usb`'s WebUSB object that sees every device (not only ones granted by `requestDevice`). */
export const nodeUsbBackend: UsbBackend = {
  async getDevices() {
    const { usb } = await import('usb');
    return (await usb.getDevices()) as unknown as UsbDeviceLike[];
  },
};

// ---------------------------------------------------------------- finding printers

export const PRINTER_INTERFACE_CLASS = 7;

/**
 * Printer makers whose devices may expose a vendor-specific (not class 7) interface.
 * Generic microcontroller vendor ids that cheap printers also use (0x0483 ST, 0x0416 Winbond,
 * 0x1fc9 NXP, 0x28e9 GigaDevice) are deliberately absent: they also name debuggers and
 * keyboards. Such printers are found by their class-7 interface or by `usb://VID:PID`.
 */
export const KNOWN_PRINTER_VENDORS: ReadonlyMap<number, string> = new Map([
  [0x04b8, 'Epson'],
  [0x0519, 'Star Micronics'],
  [0x1d90, 'Citizen'],
  [0x2730, 'Citizen'],
  [0x1504, 'Bixolon'],
]);

export interface UsbPrinterEndpoints {
  interfaceNumber: number;
  alternateSetting: number;
  configurationValue: number;
  out: UsbEndpointInfo;
  in: UsbEndpointInfo | undefined;
  printerClass: boolean;
}

/** The interface to print through: a class-7 interface with bulk OUT, else any interface with bulk OUT. */
export function findPrinterEndpoints(device: UsbDeviceLike): UsbPrinterEndpoints | undefined {
  const configurations = device.configuration ? [device.configuration, ...device.configurations] : device.configurations;
  let fallback: UsbPrinterEndpoints | undefined;
  for (const configuration of configurations) {
    for (const iface of configuration.interfaces) {
      for (const alternate of iface.alternates.length > 0 ? iface.alternates : [iface.alternate]) {
        const bulk = (direction: 'in' | 'out') =>
          alternate.endpoints.find((e) => e.type === 'bulk' && e.direction === direction);
        const out = bulk('out');
        if (out === undefined) continue;
        const candidate: UsbPrinterEndpoints = {
          interfaceNumber: iface.interfaceNumber,
          alternateSetting: alternate.alternateSetting,
          configurationValue: configuration.configurationValue,
          out,
          in: bulk('in'),
          printerClass: alternate.interfaceClass === PRINTER_INTERFACE_CLASS,
        };
        if (candidate.printerClass) return candidate;
        fallback ??= candidate;
      }
    }
  }
  return fallback;
}

/** Whether `usb://` (no ids) should pick this device. */
export function looksLikePrinter(device: UsbDeviceLike): boolean {
  const endpoints = findPrinterEndpoints(device);
  return endpoints !== undefined && (endpoints.printerClass || KNOWN_PRINTER_VENDORS.has(device.vendorId));
}

export interface UsbSelector {
  vendorId?: number | undefined;
  productId?: number | undefined;
  serialNumber?: string | undefined;
}

/** All devices `selector` matches, printers first; ids given means any interface with bulk OUT. */
export async function findUsbPrinters(backend: UsbBackend, selector: UsbSelector = {}): Promise<UsbDeviceLike[]> {
  let devices: readonly UsbDeviceLike[];
  try {
    devices = await backend.getDevices();
  } catch (error) {
    throw mapUsbError(error, 'usb://', undefined);
  }
  const matches = devices.filter((device) => {
    if (selector.vendorId !== undefined && device.vendorId !== selector.vendorId) return false;
    if (selector.productId !== undefined && device.productId !== selector.productId) return false;
    if (selector.serialNumber !== undefined && device.serialNumber !== selector.serialNumber) return false;
    return selector.vendorId === undefined ? looksLikePrinter(device) : findPrinterEndpoints(device) !== undefined;
  });
  // Class-7 printers before vendor-specific ones.
  const rank = (device: UsbDeviceLike) => (findPrinterEndpoints(device)?.printerClass ? 0 : 1);
  return [...matches].sort((a, b) => rank(a) - rank(b));
}

// ---------------------------------------------------------------- errors

export function udevRuleFor(vendorId: number, productId: number): string {
  const hex = (id: number) => id.toString(16).padStart(4, '0');
  return `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex(vendorId)}", ATTRS{idProduct}=="${hex(productId)}", MODE="0660", GROUP="plugdev"`;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Maps whatever `usb`/libusb/nusb threw to one of our error classes. */
export function mapUsbError(
  error: unknown,
  description: string,
  device: { vendorId: number; productId: number } | undefined,
): Error {
  if (error instanceof TransportError || error instanceof DisconnectedError) return error;
  const text = errorText(error);
  if (/sys\/bus\/usb|no usb subsystem|LIBUSB_ERROR_NOT_SUPPORTED|not supported on this platform/i.test(text)) {
    return new DeviceNotFoundError(`no USB access on this system (${text})`, { cause: error });
  }
  if (/LIBUSB_ERROR_ACCESS|EACCES|access denied|permission denied|SecurityError/i.test(text)) {
    const rule = device === undefined ? undefined : udevRuleFor(device.vendorId, device.productId);
    return new AccessDeniedError(
      `${description}: permission denied opening the USB printer. ` +
        (rule === undefined
          ? 'Add a udev rule for it'
          : `Add this line to /etc/udev/rules.d/99-receipt-printer.rules:\n  ${rule}\n`) +
        'then run: sudo udevadm control --reload-rules && sudo udevadm trigger ' +
        '(and make sure the user is in the plugdev group)',
      { cause: error },
    );
  }
  if (/NotFoundError|LIBUSB_ERROR_NO_DEVICE|disconnected|no such device|ENODEV|not found/i.test(text)) {
    return new DisconnectedError(`${description}: USB device disconnected (${text})`, { cause: error });
  }
  if (/LIBUSB_ERROR_BUSY|EBUSY|resource busy|already claimed/i.test(text)) {
    return new TransportError(
      `${description}: the printer interface is in use (by the usblp driver or another program)`,
      { cause: error },
    );
  }
  return new DisconnectedError(`${description}: USB error: ${text}`, { cause: error });
}

function isNotAttachedError(error: unknown): boolean {
  return /LIBUSB_ERROR_NOT_FOUND|not attached|no driver|not found|ENODATA|ENOENT/i.test(errorText(error));
}

// ---------------------------------------------------------------- the transport

export interface UsbTransportOptions extends TransportOptions, UsbSelector {
  backend?: UsbBackend;
  /** Bytes per bulk OUT transfer, rounded down to whole packets (default 4096). */
  chunkBytes?: number;
  /** Detach the kernel driver (usblp) before claiming; default: on Linux. */
  detachKernelDriver?: boolean;
}

interface OpenDevice {
  device: UsbDeviceLike;
  endpoints: UsbPrinterEndpoints;
  detachedKernelDriver: boolean;
  generation: number;
}

export class UsbTransport extends TransportBase implements Transport {
  readonly kind = 'usb' as const;
  readonly description: string;
  readonly #options: UsbTransportOptions;
  readonly #backend: UsbBackend;
  #bidirectional: boolean | 'unknown' = 'unknown';
  #open: OpenDevice | undefined;
  #generation = 0;

  constructor(options: UsbTransportOptions = {}) {
    super();
    this.#options = options;
    this.#backend = options.backend ?? nodeUsbBackend;
    const hex = (id: number | undefined) => (id ?? 0).toString(16).padStart(4, '0');
    this.description =
      options.vendorId === undefined
        ? 'usb://'
        : `usb://${hex(options.vendorId)}:${hex(options.productId)}${options.serialNumber ? `?serial=${options.serialNumber}` : ''}`;
  }

  get bidirectional(): boolean | 'unknown' {
    return this.#bidirectional;
  }

  get isOpen(): boolean {
    return this.#open !== undefined;
  }

  /** The device in use, while open. */
  get device(): UsbDeviceLike | undefined {
    return this.#open?.device;
  }

  open(): Promise<void> {
    if (this.#open !== undefined) return Promise.resolve();
    return this.openOnce(() => this.#openDevice());
  }

  async #openDevice(): Promise<void> {
    const [device] = await findUsbPrinters(this.#backend, this.#options);
    if (device === undefined) {
      throw new DeviceNotFoundError(
        this.#options.vendorId === undefined
          ? 'no USB printer found (no printer-class interface, no known printer vendor)'
          : `${this.description}: no such USB device`,
      );
    }
    const endpoints = findPrinterEndpoints(device);
    if (endpoints === undefined) throw new DeviceNotFoundError(`${this.description}: device has no bulk OUT endpoint`);
    let detachedKernelDriver = false;
    try {
      if (!device.opened) await device.open();
      if (device.configuration?.configurationValue !== endpoints.configurationValue) {
        await device.selectConfiguration(endpoints.configurationValue);
      }
      const detach = this.#options.detachKernelDriver ?? process.platform === 'linux';
      if (detach && device.detachKernelDriver) {
        try {
          await device.detachKernelDriver(endpoints.interfaceNumber);
          detachedKernelDriver = true;
        } catch (error) {
          if (!isNotAttachedError(error)) throw error;
        }
      }
      await device.claimInterface(endpoints.interfaceNumber);
    } catch (error) {
      await releaseQuietly(device, endpoints, detachedKernelDriver, false);
      throw mapUsbError(error, this.description, device);
    }
    const generation = ++this.#generation;
    this.#open = { device, endpoints, detachedKernelDriver, generation };
    this.#bidirectional = endpoints.in !== undefined;
    if (endpoints.in !== undefined) void this.#readLoop(this.#open, endpoints.in);
  }

  async #readLoop(open: OpenDevice, endpoint: UsbEndpointInfo): Promise<void> {
    const length = Math.max(endpoint.packetSize, 64);
    while (this.#open === open) {
      try {
        const result = await open.device.transferIn(endpoint.endpointNumber, length);
        if (this.#open !== open) return;
        if (result.status === 'stall') {
          await open.device.clearHalt?.('in', endpoint.endpointNumber);
          continue;
        }
        const data = result.data;
        if (data !== undefined && data.byteLength > 0) {
          this.dataListeners.emit(copyBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
        }
      } catch (error) {
        if (this.#open !== open) return; // aborted by close()
        this.#dropped(open, error);
        return;
      }
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    const open = this.#open;
    if (open === undefined) return Promise.reject(new DisconnectedError(`${this.description}: not open`));
    const copy = copyBytes(bytes);
    return this.writeInOrder(() => this.#transferAll(open, copy));
  }

  async #transferAll(open: OpenDevice, bytes: Uint8Array): Promise<void> {
    const packet = Math.max(1, open.endpoints.out.packetSize);
    const requested = this.#options.chunkBytes ?? 4096;
    const chunkSize = Math.max(packet, requested - (requested % packet));
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#open !== open) return; // closed: the pending write was already rejected
      const chunk = bytes.subarray(offset, offset + chunkSize);
      let result: { bytesWritten: number; status: TransferStatus };
      try {
        result = await open.device.transferOut(open.endpoints.out.endpointNumber, chunk);
      } catch (error) {
        if (this.#open !== open) return;
        throw this.#dropped(open, error);
      }
      if (result.status !== 'ok') {
        throw this.#dropped(open, new Error(`bulk OUT transfer ended with status "${result.status}"`));
      }
      offset += result.bytesWritten;
    }
  }

  async close(): Promise<void> {
    // A close() during open() closes what that open() produces.
    const opening = this.openInProgress;
    if (opening) await opening;
    const open = this.#open;
    if (open === undefined) return;
    this.#shutDown(undefined);
    await releaseQuietly(open.device, open.endpoints, open.detachedKernelDriver, true);
  }

  #dropped(open: OpenDevice, cause: unknown): Error {
    const mapped = mapUsbError(cause, this.description, open.device);
    const error =
      mapped instanceof DisconnectedError
        ? mapped
        : new DisconnectedError(`${this.description}: ${mapped.message}`, { cause: mapped });
    if (this.#open === open) {
      this.#shutDown(error);
      // The device may be gone; releasing is best effort so a replug can be claimed again.
      void releaseQuietly(open.device, open.endpoints, open.detachedKernelDriver, true);
    }
    return error;
  }

  #shutDown(error: Error | undefined): void {
    this.#open = undefined;
    this.ended(error);
  }
}

/** Release, hand the interface back to the kernel driver if we took it, close. Never throws. */
async function releaseQuietly(
  device: UsbDeviceLike,
  endpoints: UsbPrinterEndpoints,
  detachedKernelDriver: boolean,
  claimed: boolean,
): Promise<void> {
  if (claimed) await device.releaseInterface(endpoints.interfaceNumber).catch(() => {});
  if (detachedKernelDriver) await device.attachKernelDriver?.(endpoints.interfaceNumber).catch(() => {});
  if (device.opened) await device.close().catch(() => {});
}
