/**
 * USB printer-class transport over `usb` 3 (node-usb-rs, built on the Rust nusb library).
 *
 * The USB API is a parameter (`UsbBackend`); the default loads `usb` lazily, so programs that
 * never print over USB never load the native module. What nusb does that shapes this file:
 * - every transfer has a timeout and a timed-out transfer is cancelled, losing the count of
 *   bytes that went: reads poll (a timeout is idleness, not a drop) and writes wait for the
 *   printer until the write's deadline in one transfer per chunk, so at most one chunk is in
 *   doubt when the printer never takes it (a reply landing in the microseconds a timed-out read
 *   is being cancelled is lost the same way: the binding drops the cancelled transfer's bytes);
 * - a pending transfer cannot be cancelled from JavaScript and keeps the interface claimed
 *   until it ends: `close()` waits for it before releasing and handing the interface back to
 *   `usblp`;
 * - `detachKernelDriver` detaches any driver, even another program's usbfs claim: on Linux we
 *   look at sysfs first and only detach `usblp`.
 */
import { DeviceBusyError, DeviceNotFoundError, DisconnectedError, NotAcceptingDataError } from '../errors.js';
import type { PortStatus, Transport, TransportOptions, WriteOptions } from './interface.js';
import { TransportBase, copyBytes } from './link.js';
import { scanUsbDevices, type UsbBackend, type UsbDeviceLike, type UsbEndpointInfo, type UsbPrinterEndpoints, type UsbSelector } from './usb-device.js';
import { errorText, isNoKernelDriverError, mapUsbError, transferFailure } from './usb-errors.js';
import { DETACHABLE_KERNEL_DRIVER, sysfsKernelDriver, type KernelDriverLookup } from './usb-kernel-driver.js';
import { decodePortStatus, describePortStatus, getPortStatusSetup } from './usb-port-status.js';

export * from './usb-device.js';
export { mapUsbError, udevRuleFor } from './usb-errors.js';

/** `usb`'s WebUSB object that sees every device (not only ones granted by `requestDevice`). */
export const nodeUsbBackend: UsbBackend = {
  async getDevices() {
    const { usb } = await import('usb');
    return (await usb.getDevices()) as unknown as UsbDeviceLike[];
  },
};

/** Printers `selector` matches, printer-class first; unreadable devices on the bus are skipped. */
export async function findUsbPrinters(backend: UsbBackend, selector: UsbSelector = {}): Promise<UsbDeviceLike[]> {
  return (await scanUsbBus(backend, selector)).printers.map((candidate) => candidate.device);
}

export async function scanUsbBus(backend: UsbBackend, selector: UsbSelector = {}) {
  let devices: readonly UsbDeviceLike[];
  try {
    devices = await backend.getDevices();
  } catch (error) {
    throw mapUsbError(error, 'usb://', undefined);
  }
  return scanUsbDevices(devices, selector);
}

/** nusb takes the timeout as a u32 of milliseconds; 0 would time out at once. */
const MAX_TRANSFER_TIMEOUT_MS = 0xffff_ffff;

export interface UsbTransportOptions extends TransportOptions, UsbSelector {
  backend?: UsbBackend;
  /** Bytes per bulk OUT transfer, rounded down to whole packets (default 4096, an Epson buffer). */
  chunkBytes?: number;
  /**
   * How long a write may wait for the printer to take its bytes when the write gives no
   * `timeoutMs` (default 300 000: paper out, then loaded, within five minutes).
   */
  writeTimeoutMs?: number;
  /** Timeout of each bulk IN read; a read that times out is idleness and is simply issued again (default 1000). */
  readPollMs?: number;
  /** How long `close()` waits for a write the printer holds back before leaving the release to it (default 2000). */
  closeWaitMs?: number;
  /** Detach the `usblp` kernel driver before claiming; default: on Linux. */
  detachKernelDriver?: boolean;
  /** Which kernel driver holds an interface (default: Linux sysfs). */
  kernelDriverOf?: KernelDriverLookup;
}

interface OpenDevice {
  device: UsbDeviceLike;
  endpoints: UsbPrinterEndpoints;
  detachedKernelDriver: boolean;
  /** Native calls still running; the interface stays claimed until they end. */
  reading: Promise<void>;
  writing: Promise<unknown>;
}

export class UsbTransport extends TransportBase implements Transport {
  readonly kind = 'usb' as const;
  readonly description: string;
  readonly #options: UsbTransportOptions;
  readonly #backend: UsbBackend;
  #bidirectional: boolean | 'unknown' = 'unknown';
  #open: OpenDevice | undefined;
  /** The release of a closed device that is still waiting for its native calls to end. */
  #lingering: Promise<void> | undefined;

  constructor(options: UsbTransportOptions = {}) {
    super();
    this.#options = options;
    this.#backend = options.backend ?? nodeUsbBackend;
    const hex = (id: number | undefined) => (id ?? 0).toString(16).padStart(4, '0');
    this.description =
      options.vendorId === undefined ? 'usb://' : `usb://${hex(options.vendorId)}:${hex(options.productId)}${options.serialNumber ? `?serial=${options.serialNumber}` : ''}`;
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
    // Our own earlier claim may still be held by a write the printer held back: let it end first.
    if (this.#lingering !== undefined) await withinMs(this.#lingering, this.#options.openTimeoutMs ?? 5000);
    const scan = await scanUsbBus(this.#backend, this.#options);
    const [found] = scan.printers;
    if (found === undefined) throw this.#notFound(scan.unreadable);
    const { device, endpoints } = found;
    let detachedKernelDriver = false;
    let claimed = false;
    try {
      if (!device.opened) await device.open();
      if (device.configuration?.configurationValue !== endpoints.configurationValue) {
        await device.selectConfiguration(endpoints.configurationValue);
      }
      detachedKernelDriver = await this.#detachUsblp(device, endpoints);
      await device.claimInterface(endpoints.interfaceNumber);
      claimed = true;
      if (endpoints.alternateSetting !== 0) {
        await device.selectAlternateInterface?.(endpoints.interfaceNumber, endpoints.alternateSetting);
      }
    } catch (error) {
      await release(device, endpoints, detachedKernelDriver, claimed);
      throw mapUsbError(error, this.description, device);
    }
    const open: OpenDevice = { device, endpoints, detachedKernelDriver, reading: Promise.resolve(), writing: Promise.resolve() };
    this.#open = open;
    this.#bidirectional = endpoints.in !== undefined;
    if (endpoints.in !== undefined) open.reading = this.#readLoop(open, endpoints.in);
  }

  #notFound(unreadable: readonly { vendorId: number; productId: number; error: unknown }[]): Error {
    const [first] = unreadable;
    if (this.#options.vendorId !== undefined && first !== undefined) {
      // The device asked for is there but cannot be read: that is a permission problem, not absence.
      return mapUsbError(first.error, this.description, first);
    }
    const what = this.#options.vendorId === undefined ? 'no USB printer found (no printer-class interface, no known printer vendor)' : `${this.description}: no such USB device`;
    const skipped =
      first === undefined
        ? ''
        : `; ${unreadable.length} USB device(s) could not be read (${hex4(first.vendorId)}:${hex4(first.productId)}` +
          `${unreadable.length > 1 ? ' and others' : ''}: ${errorText(first.error)}): ` +
          'if one is the printer, name it as usb://VID:PID and give it a udev rule (see the README)';
    return new DeviceNotFoundError(what + skipped);
  }

  /** Detaches `usblp` if it holds the interface; refuses any other holder. True if we detached. */
  async #detachUsblp(device: UsbDeviceLike, endpoints: UsbPrinterEndpoints): Promise<boolean> {
    const wanted = this.#options.detachKernelDriver ?? process.platform === 'linux';
    if (!wanted || device.detachKernelDriver === undefined) return false;
    const lookup = this.#options.kernelDriverOf ?? sysfsKernelDriver();
    const driver = await lookup(device, endpoints.configurationValue, endpoints.interfaceNumber);
    if (driver === null) return false;
    if (driver === 'usbfs') {
      throw new DeviceBusyError(
        `${this.description}: another program has claimed the printer interface through usbfs (libusb, nusb, another receipt-spool); receipt-spool will not take it from them`,
      );
    }
    if (driver !== undefined && driver !== DETACHABLE_KERNEL_DRIVER) {
      throw new DeviceBusyError(`${this.description}: the printer interface is bound to the kernel driver "${driver}"; receipt-spool only detaches usblp`);
    }
    try {
      await device.detachKernelDriver(endpoints.interfaceNumber);
      return true;
    } catch (error) {
      if (isNoKernelDriverError(error)) return false; // sysfs unknown and nothing bound
      throw error;
    }
  }

  async #readLoop(open: OpenDevice, endpoint: UsbEndpointInfo): Promise<void> {
    const length = Math.max(endpoint.packetSize, 64);
    const pollMs = this.#options.readPollMs ?? 1000;
    while (this.#open === open) {
      try {
        const result = await open.device.transferIn(endpoint.endpointNumber, length, pollMs);
        if (this.#open !== open) return;
        const data = result.data;
        if (data !== undefined && data.byteLength > 0) {
          this.dataListeners.emit(copyBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
        }
      } catch (error) {
        if (this.#open !== open) return; // closed while the read was pending
        const failure = transferFailure(error);
        if (failure === 'timeout') continue; // nothing to read within pollMs: the printer is idle
        if (failure === 'stall') {
          try {
            await open.device.clearHalt?.('in', endpoint.endpointNumber);
            continue;
          } catch (clearError) {
            this.#dropped(open, clearError);
            return;
          }
        }
        this.#dropped(open, error);
        return;
      }
    }
  }

  write(bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const open = this.#open;
    if (open === undefined) return Promise.reject(new DisconnectedError(`${this.description}: not open`));
    const copy = copyBytes(bytes);
    const timeoutMs = options.timeoutMs ?? this.#options.writeTimeoutMs ?? 300_000;
    return this.writeInOrder(() => {
      const sending = this.#transferAll(open, copy, Date.now() + timeoutMs);
      open.writing = sending.catch(() => {});
      return sending;
    });
  }

  async #transferAll(open: OpenDevice, bytes: Uint8Array, deadline: number): Promise<void> {
    const packet = Math.max(1, open.endpoints.out.packetSize);
    const requested = this.#options.chunkBytes ?? 4096;
    const chunkSize = Math.max(packet, requested - (requested % packet));
    const started = Date.now();
    let offset = 0;
    while (offset < bytes.length) {
      if (this.#open !== open) return; // closed: the pending write was already rejected
      const chunk = bytes.subarray(offset, offset + chunkSize);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw await this.#notAccepting(open, bytes.length, offset, 0, started);
      try {
        const result = await open.device.transferOut(open.endpoints.out.endpointNumber, chunk, Math.min(MAX_TRANSFER_TIMEOUT_MS, Math.ceil(remaining)));
        offset += result.bytesWritten;
      } catch (error) {
        if (this.#open !== open) return;
        const failure = transferFailure(error);
        if (failure === 'timeout') throw await this.#notAccepting(open, bytes.length, offset, chunk.length, started);
        if (failure === 'stall') {
          await open.device.clearHalt?.('out', open.endpoints.out.endpointNumber).catch(() => {});
          throw await this.#notAccepting(open, bytes.length, offset, chunk.length, started, 'refused the data (stall)');
        }
        throw this.#dropped(open, error);
      }
    }
  }

  async #notAccepting(open: OpenDevice, total: number, sent: number, uncertain: number, started: number, why = 'is not accepting data'): Promise<NotAcceptingDataError> {
    const status = await this.#portStatus(open).catch(() => undefined);
    const seconds = Math.round((Date.now() - started) / 1000);
    return new NotAcceptingDataError(
      `${this.description}: the printer ${why} (waited ${seconds} s; ${sent} of ${total} bytes went` +
        `${uncertain > 0 ? `, up to ${uncertain} more may have` : ''})` +
        (status === undefined ? '' : `; it reports: ${describePortStatus(status)}`),
      { bytesSent: sent, bytesUncertain: uncertain },
    );
  }

  queryPortStatus(): Promise<PortStatus> {
    const open = this.#open;
    if (open === undefined) return Promise.reject(new DisconnectedError(`${this.description}: not open`));
    return this.#portStatus(open).catch((error: unknown) => {
      throw mapUsbError(error, this.description, open.device);
    });
  }

  async #portStatus(open: OpenDevice): Promise<PortStatus> {
    if (open.device.controlTransferIn === undefined) {
      throw new DisconnectedError(`${this.description}: this USB backend has no control transfers`);
    }
    const result = await open.device.controlTransferIn(getPortStatusSetup(open.endpoints.interfaceNumber), 1, 1000);
    const byte = result.data !== undefined && result.data.byteLength > 0 ? result.data.getUint8(0) : undefined;
    if (byte === undefined) throw new DisconnectedError(`${this.description}: GET_PORT_STATUS returned no data`);
    return decodePortStatus(byte);
  }

  async close(): Promise<void> {
    // A close() during open() closes what that open() produces.
    const opening = this.openInProgress;
    if (opening) await opening;
    const open = this.#open;
    if (open === undefined) return;
    this.#shutDown(undefined);
    await this.#releaseWhenIdle(open);
  }

  /**
   * Releases the interface once no native call uses it: a pending read ends within
   * `readPollMs`; a write the printer holds back may take until its deadline, so `close()`
   * stops waiting after `closeWaitMs` and the release happens when that write ends.
   */
  async #releaseWhenIdle(open: OpenDevice): Promise<void> {
    const idle = Promise.all([open.reading, open.writing]).then(() => release(open.device, open.endpoints, open.detachedKernelDriver, true));
    const lingering = idle.finally(() => {
      if (this.#lingering === lingering) this.#lingering = undefined;
    });
    this.#lingering = lingering;
    await withinMs(idle, (this.#options.readPollMs ?? 1000) + (this.#options.closeWaitMs ?? 2000));
  }

  #dropped(open: OpenDevice, cause: unknown): Error {
    const mapped = mapUsbError(cause, this.description, open.device);
    const error = mapped instanceof DisconnectedError ? mapped : new DisconnectedError(`${this.description}: ${mapped.message}`, { cause: mapped });
    if (this.#open === open) {
      this.#shutDown(error);
      // The device may be gone; releasing is best effort so a replug can be claimed again.
      void this.#releaseWhenIdle(open);
    }
    return error;
  }

  #shutDown(error: Error | undefined): void {
    this.#open = undefined;
    this.ended(error);
  }
}

/** Waits for `promise`, but no longer than `ms`. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(() => {}), gaveUp]);
  clearTimeout(timer);
}

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

/**
 * Release, hand the interface back to the kernel driver if we took it, close. Never throws.
 * The order matters in node-usb-rs: `attachKernelDriver` needs the device open, and `close()`
 * does not release claimed interfaces (src/webusb_device.rs `close` only drops the device).
 */
async function release(device: UsbDeviceLike, endpoints: UsbPrinterEndpoints, detachedKernelDriver: boolean, claimed: boolean): Promise<void> {
  if (claimed) await device.releaseInterface(endpoints.interfaceNumber).catch(() => {});
  if (detachedKernelDriver) await device.attachKernelDriver?.(endpoints.interfaceNumber).catch(() => {});
  if (device.opened) await device.close().catch(() => {});
}
