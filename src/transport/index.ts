/** The transport layer's public surface (re-exported by `src/index.ts`; the in-memory test double is in `receipt-spool/testing`). */
export type { PortStatus, Transport, TransportKind, TransportOptions, WriteOptions } from './interface.js';
export {
  DEFAULT_TCP_PORT,
  formatPrinterUri,
  parsePrinterUri,
  unsupportedSerialSetting,
  type FileTarget,
  type MemoryTarget,
  type PrinterTarget,
  type SerialFlowControl,
  type SerialParity,
  type SerialTarget,
  type TcpTarget,
  type UsbTarget,
} from './uri.js';
export { createTransport, openTransport, type CreateTransportOptions } from './open.js';
export { TcpTransport, type TcpTransportOptions } from './tcp.js';
export { SerialTransport, XOFF, XON, type SerialPortLike, type SerialPortSettings, type SerialTransportOptions } from './serial.js';
export {
  KNOWN_PRINTER_VENDORS,
  UsbTransport,
  findUsbPrinters,
  scanUsbBus,
  udevRuleFor,
  type UsbScan,
  type UsbBackend,
  type UsbDeviceLike,
  type UsbSelector,
  type UsbTransportOptions,
} from './usb.js';
export { FileTransport, type FileIo, type FileTransportOptions } from './file.js';
export { decodePortStatus } from './usb-port-status.js';
export { listPrinters, type ListPrintersOptions, type PrinterList, type SerialPortInfo, type SerialPortListing, type UsbPrinterInfo } from './discover.js';
