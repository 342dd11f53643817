/**
 * URI → transport. `createTransport` only constructs (nothing is touched until `open()`, which
 * is what a printer that reconnects by itself wants); `openTransport` also opens, which is
 * what a script that prints once wants.
 */
import type { Transport, TransportOptions } from './interface.js';
import { FileTransport } from './file.js';
import { MemoryTransport } from './memory.js';
import { SerialTransport } from './serial.js';
import { TcpTransport } from './tcp.js';
import { parsePrinterUri, type PrinterTarget } from './uri.js';
import { UsbTransport, type UsbBackend } from './usb.js';

export interface CreateTransportOptions extends TransportOptions {
  /** The USB API to use (tests pass a fake); default: the `usb` package. */
  usbBackend?: UsbBackend;
}

export function createTransport(uriOrTarget: string | PrinterTarget, options: CreateTransportOptions = {}): Transport {
  const target = typeof uriOrTarget === 'string' ? parsePrinterUri(uriOrTarget) : uriOrTarget;
  const openTimeoutMs = target.timeoutMs ?? options.openTimeoutMs;
  const common = openTimeoutMs === undefined ? {} : { openTimeoutMs };
  switch (target.kind) {
    case 'tcp':
      return new TcpTransport({
        ...common,
        host: target.host,
        port: target.port,
        ...(target.keepAlive === undefined ? {} : { keepAlive: target.keepAlive }),
      });
    case 'serial':
      return new SerialTransport({
        ...common,
        path: target.path,
        baudRate: target.baudRate,
        dataBits: target.dataBits,
        parity: target.parity,
        stopBits: target.stopBits,
        flowControl: target.flowControl,
      });
    case 'usb':
      return new UsbTransport({
        ...common,
        vendorId: target.vendorId,
        productId: target.productId,
        serialNumber: target.serialNumber,
        ...(options.usbBackend === undefined ? {} : { backend: options.usbBackend }),
      });
    case 'file':
      return new FileTransport({ ...common, path: target.path });
    case 'memory':
      return new MemoryTransport(target.name);
  }
}

/** Creates and opens; rejects with the `open()` error (nothing stays open on failure). */
export async function openTransport(uriOrTarget: string | PrinterTarget, options: CreateTransportOptions = {}): Promise<Transport> {
  const transport = createTransport(uriOrTarget, options);
  await transport.open();
  return transport;
}
