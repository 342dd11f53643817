/** A WebUSB-shaped fake printer: records bulk OUT transfers, answers bulk IN from a script. */
import type {
  UsbBackend,
  UsbConfigurationInfo,
  UsbDeviceLike,
  UsbEndpointInfo,
} from '../../src/transport/usb.js';

export interface FakeUsbOptions {
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
  interfaceClass?: number;
  /** False: no bulk IN endpoint (USB printer protocol 1, unidirectional). */
  bulkIn?: boolean;
  packetSize?: number;
  kernelDriverAttached?: boolean;
  /** Error `open()` rejects with (e.g. a libusb access error). */
  openError?: Error;
}

export class FakeUsbDevice implements UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | undefined;
  readonly manufacturerName = 'Fake';
  readonly productName = 'Receipt 80';
  opened = false;
  configuration: UsbConfigurationInfo | null = null;
  readonly configurations: UsbConfigurationInfo[];
  kernelDriverAttached: boolean;
  claimed = new Set<number>();
  /** Every bulk OUT transfer, as given. */
  readonly transfers: Uint8Array[] = [];
  readonly calls: string[] = [];
  unplugged = false;
  /** While true, bulk OUT transfers do not complete (the printer's buffer is full). */
  #paused = false;
  #resumeWaiters: Array<() => void> = [];
  #outListeners = new Set<() => void>();
  #inQueue: Uint8Array[] = [];
  #inWaiters: Array<{ resolve: (data: Uint8Array) => void; reject: (error: Error) => void }> = [];
  readonly #openError: Error | undefined;

  constructor(options: FakeUsbOptions = {}) {
    this.vendorId = options.vendorId ?? 0x04b8;
    this.productId = options.productId ?? 0x0e15;
    this.serialNumber = options.serialNumber;
    this.kernelDriverAttached = options.kernelDriverAttached ?? false;
    this.#openError = options.openError;
    const packetSize = options.packetSize ?? 64;
    const endpoints: UsbEndpointInfo[] = [{ endpointNumber: 1, direction: 'out', type: 'bulk', packetSize }];
    if (options.bulkIn !== false) endpoints.push({ endpointNumber: 2, direction: 'in', type: 'bulk', packetSize });
    const alternate = {
      alternateSetting: 0,
      interfaceClass: options.interfaceClass ?? 7,
      interfaceSubclass: 1,
      interfaceProtocol: options.bulkIn === false ? 1 : 2,
      endpoints,
    };
    this.configurations = [{ configurationValue: 1, interfaces: [{ interfaceNumber: 0, alternate, alternates: [alternate] }] }];
  }

  get recording(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.transfers));
  }

  #check(): void {
    if (this.unplugged) throw Object.assign(new Error('LIBUSB_ERROR_NO_DEVICE: device disconnected'), { name: 'NotFoundError' });
  }

  async open() {
    this.calls.push('open');
    this.#check();
    if (this.#openError) throw this.#openError;
    this.opened = true;
  }
  async close() {
    this.calls.push('close');
    this.opened = false;
    this.#failReads(Object.assign(new Error('transfer aborted'), { name: 'AbortError' }));
  }
  async selectConfiguration(value: number) {
    this.calls.push(`selectConfiguration ${value}`);
    this.configuration = this.configurations.find((c) => c.configurationValue === value) ?? null;
  }
  async detachKernelDriver(interfaceNumber: number) {
    this.calls.push(`detachKernelDriver ${interfaceNumber}`);
    if (!this.kernelDriverAttached) throw new Error('LIBUSB_ERROR_NOT_FOUND: kernel driver not attached');
    this.kernelDriverAttached = false;
  }
  async attachKernelDriver(interfaceNumber: number) {
    this.calls.push(`attachKernelDriver ${interfaceNumber}`);
    this.kernelDriverAttached = true;
  }
  async claimInterface(interfaceNumber: number) {
    this.calls.push(`claimInterface ${interfaceNumber}`);
    this.#check();
    if (this.kernelDriverAttached) throw new Error('LIBUSB_ERROR_BUSY: resource busy');
    this.claimed.add(interfaceNumber);
  }
  async releaseInterface(interfaceNumber: number) {
    this.calls.push(`releaseInterface ${interfaceNumber}`);
    this.claimed.delete(interfaceNumber);
    this.#failReads(Object.assign(new Error('transfer aborted'), { name: 'AbortError' }));
  }
  async transferOut(endpointNumber: number, data: Uint8Array) {
    this.#check();
    if (!this.claimed.has(0)) throw new Error('interface not claimed');
    while (this.#paused) await new Promise<void>((resolve) => this.#resumeWaiters.push(resolve));
    this.#check();
    this.calls.push(`transferOut ${endpointNumber} ${data.length}`);
    this.transfers.push(new Uint8Array(data));
    for (const listener of [...this.#outListeners]) listener();
    return { bytesWritten: data.length, status: 'ok' as const };
  }
  transferIn(_endpointNumber: number, length: number) {
    this.#check();
    const next = this.#inQueue.shift();
    if (next) return Promise.resolve(this.#result(next.subarray(0, length)));
    return new Promise<Uint8Array>((resolve, reject) => this.#inWaiters.push({ resolve, reject })).then((data) =>
      this.#result(data),
    );
  }
  #result(data: Uint8Array) {
    return { data: new DataView(data.buffer, data.byteOffset, data.byteLength), status: 'ok' as const };
  }

  /** The printer answers on bulk IN. */
  reply(bytes: Uint8Array): void {
    const waiter = this.#inWaiters.shift();
    if (waiter) waiter.resolve(bytes);
    else this.#inQueue.push(bytes);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    for (const wake of this.#resumeWaiters.splice(0)) wake();
  }

  /** Resolves once bulk OUT carried at least `length` bytes in total. */
  waitForBytes(length: number): Promise<Uint8Array> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.recording.length < length) return;
        this.#outListeners.delete(check);
        resolve(this.recording);
      };
      this.#outListeners.add(check);
      check();
    });
  }

  /** Cable pulled: every pending and later transfer fails. */
  unplug(): void {
    this.unplugged = true;
    this.resume();
    this.#failReads(Object.assign(new Error('LIBUSB_ERROR_NO_DEVICE: device disconnected'), { name: 'NotFoundError' }));
  }

  #failReads(error: Error): void {
    for (const waiter of this.#inWaiters.splice(0)) waiter.reject(error);
  }
}

export function fakeBackend(devices: UsbDeviceLike[] | (() => Promise<UsbDeviceLike[]>)): UsbBackend {
  return { getDevices: typeof devices === 'function' ? devices : async () => devices };
}
