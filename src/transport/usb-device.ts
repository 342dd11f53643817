/**
 * The part of `usb` 3's WebUSB-shaped device this library uses, and how a printer is picked
 * from what is plugged in. Pure apart from the device getters, which in node-usb-rs open the
 * device (`configuration`, `configurations`) and so may throw for a device we cannot read.
 */

export interface UsbEndpointInfo {
  readonly endpointNumber: number;
  readonly direction: 'in' | 'out';
  readonly type: 'bulk' | 'interrupt' | 'isochronous' | 'control';
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

export type UsbTransferStatus = 'ok' | 'stall' | 'babble';

export interface UsbControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

/**
 * The subset of `usb` 3's `UsbDevice` this library calls. Every transfer takes a timeout in ms:
 * the package's default is 1000 ms (`node_modules/usb/dist/index.js`, `DEFAULT_TIMEOUT`), after
 * which nusb cancels the transfer and the call throws `… error: Cancelled`.
 */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturerName?: string | null | undefined;
  readonly productName?: string | null | undefined;
  readonly serialNumber?: string | null | undefined;
  /** nusb's bus id (Linux: `"001"`) and port chain, which name the device in sysfs (`1-1.4`). */
  readonly bus?: string | undefined;
  readonly ports?: readonly number[] | undefined;
  readonly opened: boolean;
  readonly configuration?: UsbConfigurationInfo | null | undefined;
  readonly configurations: readonly UsbConfigurationInfo[];
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  selectAlternateInterface?(interfaceNumber: number, alternateSetting: number): Promise<void>;
  transferOut(endpointNumber: number, data: Uint8Array, timeoutMs?: number): Promise<{ bytesWritten: number; status: UsbTransferStatus }>;
  transferIn(endpointNumber: number, length: number, timeoutMs?: number): Promise<{ data?: DataView | undefined; status: UsbTransferStatus }>;
  controlTransferIn?(setup: UsbControlSetup, length: number, timeoutMs?: number): Promise<{ data?: DataView | undefined; status: UsbTransferStatus }>;
  clearHalt?(direction: 'in' | 'out', endpointNumber: number): Promise<void>;
  /** Linux only. */
  detachKernelDriver?(interfaceNumber: number): Promise<void>;
  attachKernelDriver?(interfaceNumber: number): Promise<void>;
}

export interface UsbBackend {
  getDevices(): Promise<readonly UsbDeviceLike[]>;
}

export const PRINTER_INTERFACE_CLASS = 7;

/**
 * USB printer class protocols (bInterfaceProtocol): 1 one-way, 2 two-way, 3 IEEE 1284.4.
 * 4 is IPP over USB, which carries HTTP, not ESC/POS: never printed through.
 */
const IPP_OVER_USB_PROTOCOL = 4;

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

/** Lower is better: class 7 two-way, class 7 one-way, then vendor-specific two-way, one-way. */
function rankOf(candidate: UsbPrinterEndpoints): number {
  return (candidate.printerClass ? 0 : 2) + (candidate.in === undefined ? 1 : 0);
}

/**
 * The interface and alternate setting to print through: a printer-class one with bulk OUT,
 * preferring an alternate with bulk IN (protocol 2, two-way) over a one-way one, else any
 * interface with bulk OUT. Reads the device's descriptors, so it may throw (see module doc).
 */
export function findPrinterEndpoints(device: UsbDeviceLike): UsbPrinterEndpoints | undefined {
  let best: UsbPrinterEndpoints | undefined;
  for (const configuration of device.configurations) {
    for (const iface of configuration.interfaces) {
      for (const alternate of iface.alternates.length > 0 ? iface.alternates : [iface.alternate]) {
        const printerClass = alternate.interfaceClass === PRINTER_INTERFACE_CLASS;
        if (printerClass && alternate.interfaceProtocol === IPP_OVER_USB_PROTOCOL) continue;
        const bulk = (direction: 'in' | 'out') => alternate.endpoints.find((e) => e.type === 'bulk' && e.direction === direction);
        const out = bulk('out');
        if (out === undefined) continue;
        const candidate: UsbPrinterEndpoints = {
          interfaceNumber: iface.interfaceNumber,
          alternateSetting: alternate.alternateSetting,
          configurationValue: configuration.configurationValue,
          out,
          in: bulk('in'),
          printerClass,
        };
        if (best === undefined || rankOf(candidate) < rankOf(best)) best = candidate;
      }
    }
  }
  return best;
}

export interface UsbSelector {
  vendorId?: number | undefined;
  productId?: number | undefined;
  serialNumber?: string | undefined;
}

/** A device `usb://` could not look into, e.g. `open error: permission denied (errno 13)`. */
export interface UnreadableUsbDevice {
  vendorId: number;
  productId: number;
  error: unknown;
}

export interface UsbPrinterCandidate {
  device: UsbDeviceLike;
  endpoints: UsbPrinterEndpoints;
}

export interface UsbScan {
  /** Devices the selector matches, printer-class ones first. */
  printers: UsbPrinterCandidate[];
  /** Devices whose descriptors could not be read; skipped, not fatal. */
  unreadable: UnreadableUsbDevice[];
}

/**
 * Sorts what is plugged in into printers and devices we could not read. Ids are compared
 * before any descriptor is read, so `usb://VID:PID` never opens other devices; a device whose
 * descriptors throw is counted in `unreadable` instead of failing the whole search.
 */
export function scanUsbDevices(devices: readonly UsbDeviceLike[], selector: UsbSelector = {}): UsbScan {
  const printers: UsbPrinterCandidate[] = [];
  const unreadable: UnreadableUsbDevice[] = [];
  for (const device of devices) {
    if (selector.vendorId !== undefined && device.vendorId !== selector.vendorId) continue;
    if (selector.productId !== undefined && device.productId !== selector.productId) continue;
    let endpoints: UsbPrinterEndpoints | undefined;
    try {
      if (selector.serialNumber !== undefined && device.serialNumber !== selector.serialNumber) continue;
      endpoints = findPrinterEndpoints(device);
    } catch (error) {
      unreadable.push({ vendorId: device.vendorId, productId: device.productId, error });
      continue;
    }
    if (endpoints === undefined) continue;
    const wanted = selector.vendorId !== undefined || endpoints.printerClass || KNOWN_PRINTER_VENDORS.has(device.vendorId);
    if (wanted) printers.push({ device, endpoints });
  }
  const rank = (candidate: UsbPrinterCandidate) => (candidate.endpoints.printerClass ? 0 : 1);
  printers.sort((a, b) => rank(a) - rank(b));
  return { printers, unreadable };
}
