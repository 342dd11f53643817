/**
 * What `usb` 3 (node-usb-rs over nusb) throws, turned into errors a caller can branch on.
 * The native layer throws plain `Error`s whose message is `<call> error: <nusb message>`:
 * nusb's `Error` displays as `message (errno N)` on Linux (src/platform/linux_usbfs/mod.rs
 * `format_os_error_code`), and transfer errors are nusb's `TransferError` in Debug form for
 * bulk transfers (`transferIn error: Cancelled`, node-usb-rs src/webusb_device.rs
 * `transferIn`) and Display form for control transfers (`controlTransferIn error: endpoint
 * stalled`).
 */
import { AccessDeniedError, DeviceBusyError, DeviceNotFoundError, DisconnectedError, ReceiptSpoolError, UsbDriverError } from '../errors.js';

export function udevRuleFor(vendorId: number, productId: number): string {
  const hex = (id: number) => id.toString(16).padStart(4, '0');
  return `SUBSYSTEM=="usb", ATTRS{idVendor}=="${hex(vendorId)}", ATTRS{idProduct}=="${hex(productId)}", MODE="0660", GROUP="plugdev", TAG+="uaccess"`;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** How a transfer ended when it threw. */
export type TransferFailure = 'timeout' | 'stall' | 'disconnected' | 'other';

/**
 * nusb reports a timeout as a cancelled transfer (`Endpoint::transfer_blocking` cancels and
 * returns `TransferError::Cancelled`); Linux ENOENT/ECONNRESET/ETIMEDOUT map to it too.
 */
export function transferFailure(error: unknown): TransferFailure {
  const text = errorText(error);
  if (/error: Cancelled\b|transfer was cancelled/.test(text)) return 'timeout';
  if (/error: Stall\b|endpoint stalled/.test(text)) return 'stall';
  if (/error: Disconnected\b|device disconnected|no such device|device not found/i.test(text)) return 'disconnected';
  return 'other';
}

/** `detachKernelDriver error: no kernel driver attached (errno 61)` (nusb: ENODATA). */
export function isNoKernelDriverError(error: unknown): boolean {
  return /no kernel driver attached|errno 61\b/.test(errorText(error));
}

function accessDenied(description: string, device: { vendorId: number; productId: number } | undefined, error: unknown) {
  const rule = device === undefined ? undefined : udevRuleFor(device.vendorId, device.productId);
  return new AccessDeniedError(
    `${description}: permission denied opening the USB printer (${errorText(error)}). ` +
      (rule === undefined
        ? 'Add a udev rule for it (see the README, "USB on Linux, macOS and Windows")'
        : `Add this line to /etc/udev/rules.d/99-receipt-printer.rules:\n  ${rule}\n`) +
      ' then run: sudo udevadm control --reload-rules && sudo udevadm trigger, and replug the printer',
    { cause: error },
  );
}

/** Maps whatever `usb` threw to one of our error classes, with the hint a person needs. */
export function mapUsbError(error: unknown, description: string, device: { vendorId: number; productId: number } | undefined): Error {
  if (error instanceof ReceiptSpoolError) return error;
  const text = errorText(error);
  if (/sys\/bus\/usb|no usb subsystem|not supported on this platform/i.test(text)) {
    return new DeviceNotFoundError(`no USB access on this system (${text})`, { cause: error });
  }
  if (/permission denied|errno 13\b|access denied|SecurityError/i.test(text)) {
    return accessDenied(description, device, error);
  }
  if (/incompatible driver is installed/i.test(text)) {
    // nusb on Windows (src/platform/windows_winusb/device.rs) needs WinUSB; class-7 printers get usbprint.sys.
    return new UsbDriverError(
      `${description}: Windows has its printer driver (usbprint.sys) on this device, and direct USB needs WinUSB (${text}). ` +
        'Install WinUSB for it with Zadig (this removes it from the Windows printer list), ' +
        "or print through the printer's virtual COM port (serial:COM3) or its network port (tcp://)",
      { cause: error },
    );
  }
  if (/exclusive access/i.test(text)) {
    // nusb on macOS (src/platform/macos_iokit/device.rs): another process, usually a CUPS queue, has it open.
    return new DeviceBusyError(
      `${description}: another program has the printer open (${text}). ` +
        'On macOS this is usually a CUPS queue for it: remove the queue (System Settings > Printers) or stop printing to it',
      { cause: error },
    );
  }
  if (/is busy|errno 16\b|already claimed/i.test(text)) {
    return new DeviceBusyError(
      `${description}: the printer interface is in use (${text}): another program holds it ` +
        '(a CUPS queue on /dev/usb/lp*, another receipt-spool worker, a libusb program). Stop that program or use its queue',
      { cause: error },
    );
  }
  if (transferFailure(error) === 'disconnected' || /NotFoundError|not found/i.test(text)) {
    return new DisconnectedError(`${description}: USB device disconnected (${text})`, { cause: error });
  }
  return new DisconnectedError(`${description}: USB error: ${text}`, { cause: error });
}
