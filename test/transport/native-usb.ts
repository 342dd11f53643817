/**
 * `usb` 3.1.0 with only its native binding replaced.
 *
 * `node_modules/usb/dist/index.js` is the package's real JavaScript: `WebUSB.getDevices`, and the
 * `transferIn`/`transferOut`/`controlTransferIn` wrappers it puts on the binding's `UsbDevice`
 * prototype with their 1000 ms default timeout (dist/index.js lines 8, 22-58). It is evaluated
 * here with `require('../index.js')` (the napi-rs binding) answered by `simulatedBinding`, so
 * those wrappers run unchanged and only the native calls (`nativeTransferIn`, `open`,
 * `claimInterface`, …) are scripted. Each scripted call below names the node-usb-rs 3.1.0 /
 * nusb source whose behaviour it reproduces (src/webusb_device.rs, nusb
 * src/platform/linux_usbfs/device.rs); the error strings are theirs, byte for byte.
 *
 * Where each behaviour comes from (node-usb-rs 3.1.0 src/webusb_device.rs unless named):
 * - `configuration` / `configurations` getters open the device: lines 408, 422, `_open` 434
 *   (`open error: {e}`); nusb linux_usbfs/device.rs:101 "permission denied" (errno 13).
 * - `close` only drops the device, claimed interfaces stay: line 456.
 * - `claimInterface` 520 (`claimInterface error: {e}`); nusb device.rs:416 "interface is busy" (EBUSY).
 * - `releaseInterface` 541 drops our `Interface`; nusb releases the claim with its last reference,
 *   which a pending transfer holds (the transfer owns an `Endpoint` cloned from it).
 * - `nativeTransferIn` 665 / `nativeTransferOut` 698: `transfer_blocking(buf, timeout)`, status
 *   mapped with `{e:?}`: `transferIn error: Cancelled` on timeout (nusb src/device.rs:848 cancels
 *   and returns the cancelled completion; `actual_len` is dropped), `… Stall`, `… Disconnected`.
 * - `get_endpoint` 881: only endpoints of claimed interfaces; nusb lends an endpoint to one user
 *   at a time (linux_usbfs/device.rs:706 "endpoint already in use" → `.ok()` → "endpoint not found").
 * - `nativeControlTransferIn` 582: interface recipient needs a claimed interface ("invalid state").
 * - `detachKernelDriver` 803 / `attachKernelDriver` 821; nusb device.rs:462 ENODATA →
 *   "no kernel driver attached" (errno 61); attach with a driver bound → EBUSY.
 * - `nativeGetDevices` (src/lib.rs:176): a fresh, unopened `UsbDevice` per device on every call.
 * nusb line numbers are from its master branch; node-usb-rs 3.1.0 pins nusb =0.2.7.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { UsbBackend, UsbDeviceLike } from '../../src/transport/usb.js';

const requireHere = createRequire(import.meta.url);

type Driver = 'usblp' | 'usbfs' | null;

export interface SimulatedPrinterOptions {
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  /** Alternate settings of interface 0: class, protocol and whether it has bulk IN. */
  alternates?: Array<{ interfaceClass?: number; protocol: number; bulkIn: boolean }>;
  packetSize?: number;
  /** Kernel driver bound to interface 0 at plug-in (usblp unless blacklisted or vendor-class). */
  driver?: Driver;
  /** Opening fails with EACCES: no udev rule for this user. */
  unreadable?: boolean;
  /** Bytes the printer buffers while it cannot print (Epson: 4 KB). */
  bufferBytes?: number;
  /** The error `claimInterface` fails with on another OS (macOS exclusive access, Windows driver). */
  claimError?: string;
}

interface Waiter {
  wake(): void;
}

/** One physical device on the simulated bus: descriptors, kernel driver binding, the printer behind it. */
export class SimulatedPrinter {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | undefined;
  readonly configurations: unknown[];
  readonly packetSize: number;
  readonly unreadable: boolean;
  readonly claimError: string | undefined;
  /** What interface 0 is bound to: a kernel driver, a usbfs claim (ours or another program's) or nothing. */
  driver: Driver;
  /** The handle whose usbfs claim holds interface 0, if it is ours. */
  holder: object | undefined;
  /** Drivers detached from interface 0, in order (a detached `usbfs` is a claim stolen from another program). */
  readonly detached: string[] = [];
  readonly calls: string[] = [];
  /** Bytes that came out on paper, in order. */
  printed: number[] = [];
  buffered: number[] = [];
  readonly bufferBytes: number;
  paperOut = false;
  unplugged = false;
  /** The next bulk IN transfer stalls; the endpoint stays halted until clearHalt. */
  inHalted = false;
  #replies: Uint8Array[] = [];
  #waiters = new Set<Waiter>();

  constructor(options: SimulatedPrinterOptions = {}) {
    this.vendorId = options.vendorId ?? 0x04b8;
    this.productId = options.productId ?? 0x0e15;
    this.serialNumber = options.serialNumber;
    this.packetSize = options.packetSize ?? 64;
    this.unreadable = options.unreadable ?? false;
    this.claimError = options.claimError;
    this.driver = options.driver === undefined ? 'usblp' : options.driver;
    this.bufferBytes = options.bufferBytes ?? 4096;
    const alternates = (options.alternates ?? [{ protocol: 2, bulkIn: true }]).map((alt, index) => ({
      alternateSetting: index,
      interfaceClass: alt.interfaceClass ?? 7,
      interfaceSubclass: 1,
      interfaceProtocol: alt.protocol,
      endpoints: [
        { endpointNumber: 1, direction: 'out', type: 'bulk', packetSize: this.packetSize },
        ...(alt.bulkIn ? [{ endpointNumber: 2, direction: 'in', type: 'bulk', packetSize: this.packetSize }] : []),
      ],
    }));
    this.configurations = [{ configurationValue: 1, interfaces: [{ interfaceNumber: 0, claimed: false, alternate: alternates[0], alternates }] }];
  }

  hasEndpoint(direction: 'in' | 'out', endpointNumber: number, alternateSetting: number): boolean {
    const config = this.configurations[0] as { interfaces: Array<{ alternates: Array<{ endpoints: Array<{ direction: string; endpointNumber: number }> }> }> };
    const alternate = config.interfaces[0]!.alternates[alternateSetting];
    return alternate?.endpoints.some((e) => e.direction === direction && e.endpointNumber === endpointNumber) ?? false;
  }

  /** The printer answers on bulk IN. */
  reply(bytes: Uint8Array): void {
    this.#replies.push(bytes);
    this.#wakeAll();
  }

  takeReply(length: number): Uint8Array | undefined {
    const next = this.#replies.shift();
    if (next === undefined) return undefined;
    if (next.length > length) this.#replies.unshift(next.subarray(length));
    return next.subarray(0, length);
  }

  /** Takes what the printer accepts now; returns how many bytes of `data` it took. */
  accept(data: Uint8Array): number {
    if (!this.paperOut) {
      this.printed.push(...data);
      return data.length;
    }
    const room = Math.max(0, this.bufferBytes - this.buffered.length);
    const taken = data.subarray(0, room);
    this.buffered.push(...taken);
    return taken.length;
  }

  loadPaper(): void {
    this.paperOut = false;
    this.printed.push(...this.buffered);
    this.buffered = [];
    this.#wakeAll();
  }

  /** GET_PORT_STATUS byte: bit 5 paper empty, bit 4 selected, bit 3 not-error. */
  portStatusByte(): number {
    return (this.paperOut ? 0x20 : 0) | (this.paperOut ? 0 : 0x10) | (this.paperOut ? 0 : 0x08);
  }

  unplug(): void {
    this.unplugged = true;
    this.#wakeAll();
  }

  waitForChange(): { promise: Promise<void>; cancel(): void } {
    let waiter!: Waiter;
    const promise = new Promise<void>((resolve) => {
      waiter = { wake: resolve };
      this.#waiters.add(waiter);
    });
    return { promise, cancel: () => this.#waiters.delete(waiter) };
  }

  #wakeAll(): void {
    for (const waiter of [...this.#waiters]) {
      this.#waiters.delete(waiter);
      waiter.wake();
    }
  }
}

const nativeError = (message: string) => new Error(message);

/** Resolves with `poll()`'s value once it has one, or rejects `Cancelled` after `timeoutMs` (nusb `transfer_blocking`). */
function blockingTransfer<T>(device: SimulatedPrinter, name: 'transferIn' | 'transferOut', timeoutMs: number, poll: () => T | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let change: { cancel(): void } | undefined;
    const timer = setTimeout(() => {
      change?.cancel();
      // nusb Endpoint::transfer_blocking: on timeout, cancel_all() and return the cancelled
      // completion; node-usb-rs maps its status with `{e:?}` and drops actual_len.
      reject(nativeError(`${name} error: Cancelled`));
    }, timeoutMs);
    const check = () => {
      if (device.unplugged) {
        clearTimeout(timer);
        reject(nativeError(`${name} error: Disconnected`)); // ENODEV/ESHUTDOWN → TransferError::Disconnected
        return;
      }
      const value = poll();
      if (value !== undefined) {
        clearTimeout(timer);
        resolve(value);
        return;
      }
      const next = device.waitForChange();
      change = next;
      void next.promise.then(check);
    };
    check();
  });
}

/** Stands in for the napi class `UsbDevice`; dist/index.js adds the real transfer wrappers to its prototype. */
class SimulatedUsbDevice {
  readonly vendorId: number;
  readonly productId: number;
  readonly deviceClass = 0;
  readonly deviceSubclass = 0;
  readonly deviceProtocol = 0;
  readonly bus = '001'; // nusb linux enumeration: format!("{busnum:03}")
  readonly address: number;
  readonly ports: number[];
  readonly #hw: SimulatedPrinter;
  #opened = false;
  #claimed = false;
  #alternate = 0;
  /** Transfers in flight hold nusb Endpoint/Interface references: the usbfs claim lives until they end. */
  #inFlight = new Set<string>();

  constructor(hw: SimulatedPrinter, address: number) {
    this.#hw = hw;
    this.vendorId = hw.vendorId;
    this.productId = hw.productId;
    this.address = address;
    this.ports = [address];
  }

  get handle(): string {
    return `DeviceId { bus: 1, addr: ${this.address} }`;
  }
  get serialNumber(): string | null {
    return this.#hw.serialNumber ?? null; // from sysfs: no open needed
  }
  get manufacturerName(): string | null {
    return 'EPSON';
  }
  get productName(): string | null {
    return 'TM-T20III';
  }
  get opened(): boolean {
    return this.#opened;
  }
  // webusb_device.rs `configuration`/`configurations` getters: `self._open()` when not open, so
  // an unreadable device throws `open error: permission denied (errno 13)` from a property read.
  get configuration(): unknown {
    this.#openForDescriptors();
    return this.#hw.configurations[0];
  }
  get configurations(): unknown[] {
    this.#openForDescriptors();
    return this.#hw.configurations;
  }

  #openForDescriptors(): void {
    if (this.#opened) return;
    if (this.#hw.unplugged) throw nativeError('open error: device not found (errno 2)');
    if (this.#hw.unreadable) throw nativeError('open error: permission denied (errno 13)');
  }

  async open(): Promise<void> {
    this.#log('open');
    this.#openForDescriptors();
    this.#opened = true;
  }

  /** webusb_device.rs `close`: `self.device = None` only; claimed interfaces are not released. */
  async close(): Promise<void> {
    this.#log('close');
    this.#opened = false;
  }

  async selectConfiguration(value: number): Promise<void> {
    this.#log(`selectConfiguration ${value}`);
    if (!this.#opened) throw nativeError('selectConfiguration error: invalid state');
  }

  async claimInterface(interfaceNumber: number): Promise<void> {
    this.#log(`claimInterface ${interfaceNumber}`);
    if (!this.#opened) throw nativeError('claimInterface error: invalid state');
    if (this.#hw.unplugged) throw nativeError('claimInterface error: device disconnected (errno 19)');
    if (this.#hw.claimError) throw nativeError(`claimInterface error: ${this.#hw.claimError}`);
    // usbfs USBDEVFS_CLAIMINTERFACE on an interface bound to a driver: EBUSY (nusb "interface is busy").
    if (this.#hw.driver !== null && this.#hw.holder !== this) throw nativeError('claimInterface error: interface is busy (errno 16)');
    this.#hw.driver = 'usbfs';
    this.#hw.holder = this;
    this.#claimed = true;
  }

  /** webusb_device.rs `releaseInterface`: drops our Interface; nusb releases when the last reference (a pending transfer's) goes. */
  async releaseInterface(interfaceNumber: number): Promise<void> {
    this.#log(`releaseInterface ${interfaceNumber}`);
    if (!this.#opened) throw nativeError('releaseInterface error: invalid state');
    if (!this.#claimed) throw nativeError('releaseInterface error: not claimed');
    this.#claimed = false;
    this.#releaseIfUnused();
  }

  #releaseIfUnused(): void {
    if (this.#claimed || this.#inFlight.size > 0 || this.#hw.holder !== this) return;
    this.#hw.driver = null;
    this.#hw.holder = undefined;
  }

  async selectAlternateInterface(interfaceNumber: number, alternateSetting: number): Promise<void> {
    this.#log(`selectAlternateInterface ${interfaceNumber} ${alternateSetting}`);
    if (!this.#claimed) throw nativeError('selectAlternateInterface error: invalid state');
    this.#alternate = alternateSetting;
  }

  /** nusb detach_kernel_driver: USBDEVFS_DISCONNECT detaches whatever is bound, usbfs included. */
  async detachKernelDriver(interfaceNumber: number): Promise<void> {
    this.#log(`detachKernelDriver ${interfaceNumber}`);
    if (!this.#opened) throw nativeError('detachKernelDriver error: invalid state');
    if (this.#hw.driver === null) throw nativeError('detachKernelDriver error: no kernel driver attached (errno 61)');
    this.#hw.detached.push(this.#hw.driver);
    this.#hw.driver = null;
    this.#hw.holder = undefined;
  }

  /** USBDEVFS_CONNECT while a driver (our own lingering usbfs claim included) is bound: EBUSY. */
  async attachKernelDriver(interfaceNumber: number): Promise<void> {
    this.#log(`attachKernelDriver ${interfaceNumber}`);
    if (!this.#opened) throw nativeError('attachKernelDriver error: invalid state');
    if (this.#hw.driver !== null) throw nativeError('attachKernelDriver error: kernel driver already attached (errno 16)');
    this.#hw.driver = 'usblp';
  }

  /** webusb_device.rs get_endpoint: only on a claimed interface, and nusb lends an endpoint to one transfer at a time. */
  #endpoint(direction: 'in' | 'out', endpointNumber: number): string {
    const key = `${direction}${endpointNumber}`;
    const name = direction === 'in' ? 'transferIn' : 'transferOut';
    if (!this.#claimed || this.#inFlight.has(key) || !this.#hw.hasEndpoint(direction, endpointNumber, this.#alternate)) {
      throw nativeError(`${name} error: endpoint not found`);
    }
    return key;
  }

  async #track<T>(key: string, transfer: Promise<T>): Promise<T> {
    this.#inFlight.add(key);
    try {
      return await transfer;
    } finally {
      this.#inFlight.delete(key);
      this.#releaseIfUnused();
    }
  }

  async nativeTransferIn(endpointNumber: number, timeout: number, length: number): Promise<Uint8Array | null> {
    const key = this.#endpoint('in', endpointNumber);
    const hw = this.#hw;
    return this.#track(
      key,
      hw.inHalted
        ? Promise.reject(nativeError('transferIn error: Stall')) // EPIPE → TransferError::Stall
        : blockingTransfer(hw, 'transferIn', timeout, () => hw.takeReply(length)),
    );
  }

  async nativeTransferOut(endpointNumber: number, timeout: number, data: Uint8Array): Promise<number> {
    const key = this.#endpoint('out', endpointNumber);
    const hw = this.#hw;
    let offset = 0;
    hw.calls.push(`transferOut ${data.length} timeout ${timeout}`);
    return this.#track(
      key,
      blockingTransfer(hw, 'transferOut', timeout, () => {
        offset += hw.accept(data.subarray(offset));
        return offset === data.length ? data.length : undefined;
      }),
    );
  }

  /** GET_PORT_STATUS on the control pipe: needs a claimed interface (get_interface), works whatever bulk OUT does. */
  async nativeControlTransferIn(setup: { requestType: string; recipient: string; request: number; index: number }, _timeout: number, length: number): Promise<Uint8Array | null> {
    this.#log(`controlTransferIn ${setup.requestType} ${setup.recipient} ${setup.request} ${setup.index} ${length}`);
    if (!this.#claimed) throw nativeError('controlTransferIn error: invalid state');
    if (this.#hw.unplugged) throw nativeError('controlTransferIn error: device disconnected');
    if (setup.requestType === 'class' && setup.request === 1) return Uint8Array.of(this.#hw.portStatusByte());
    throw nativeError('controlTransferIn error: endpoint stalled'); // unsupported request: the device stalls ep0
  }

  async clearHalt(direction: 'in' | 'out', endpointNumber: number): Promise<void> {
    this.#log(`clearHalt ${direction} ${endpointNumber}`);
    if (direction === 'in') this.#hw.inHalted = false;
  }

  #log(call: string): void {
    this.#hw.calls.push(call);
  }
}

export interface SimulatedBus {
  printers: SimulatedPrinter[];
  /** No USB subsystem (these containers): nusb::list_devices fails. */
  noSubsystem?: boolean;
}

function simulatedBinding(bus: SimulatedBus) {
  return {
    UsbDevice: SimulatedUsbDevice,
    Emitter: class {
      async addAttach() {}
      async removeAttach() {}
      async addDetach() {}
      async removeDetach() {}
    },
    // lib.rs getDevices: a fresh UsbDevice (not opened) for every device, on every call.
    async nativeGetDevices() {
      if (bus.noSubsystem) throw nativeError('getDevices error: /sys/bus/usb/devices/ not found');
      return bus.printers.filter((p) => !p.unplugged).map((printer, index) => new SimulatedUsbDevice(printer, index + 2));
    },
    async nativeFindDeviceByIds() {
      return null;
    },
    async nativeFindDeviceBySerial() {
      return null;
    },
  };
}

/** Evaluates the installed `usb/dist/index.js` over the simulated binding; returns its `usb` object as our backend. */
export function simulatedUsb(bus: SimulatedBus): UsbBackend {
  const path = requireHere.resolve('usb/dist/index.js');
  const source = readFileSync(path, 'utf8');
  const exports: Record<string, unknown> = {};
  const binding = simulatedBinding(bus);
  const load = (id: string) => {
    if (id !== '../index.js') throw new Error(`usb/dist/index.js required ${id}; the simulation only provides the binding`);
    return binding;
  };
  // oxlint-disable-next-line typescript/no-implied-eval -- runs the installed package's own code over the simulated binding
  new Function('exports', 'require', source)(exports, load);
  const usb = exports['usb'] as { getDevices(): Promise<unknown[]> };
  return { getDevices: async () => (await usb.getDevices()) as UsbDeviceLike[] };
}

/**
 * What `/sys/bus/usb/devices/1-N:1.0/driver` would show for the simulated bus at this moment
 * (the real reader, `sysfsKernelDriver`, is tested on a directory of symlinks).
 */
export function simulatedSysfs(bus: SimulatedBus) {
  return async (device: UsbDeviceLike): Promise<string | null> => {
    const printer = bus.printers.find((p) => p.vendorId === device.vendorId && p.productId === device.productId);
    if (printer === undefined) throw new Error('no such device in the simulated sysfs');
    return printer.driver;
  };
}

export function printedText(printer: SimulatedPrinter): Uint8Array {
  return Uint8Array.from(printer.printed);
}
