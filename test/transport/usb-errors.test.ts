/** The real error strings of usb 3.1 / nusb 0.2, each mapped to the error a caller can act on. */
import { describe, expect, it } from 'vitest';
import { AccessDeniedError, DeviceBusyError, DeviceNotFoundError, DisconnectedError, NotAcceptingDataError, UsbDriverError } from '../../src/errors.js';
import { failureAction } from '../../src/spool/retry-policy.js';
import { isNoKernelDriverError, mapUsbError, transferFailure } from '../../src/transport/usb-errors.js';
import { decodePortStatus, describePortStatus } from '../../src/transport/usb-port-status.js';

const device = { vendorId: 0x04b8, productId: 0x0e15 };

describe('mapUsbError', () => {
  it.each([
    // nusb src/platform/linux_usbfs/device.rs, through node-usb-rs `format!("<call> error: {e}")`
    ['open error: permission denied (errno 13)', AccessDeniedError],
    ['claimInterface error: interface is busy (errno 16)', DeviceBusyError],
    // nusb src/platform/macos_iokit/device.rs
    ['claimInterface error: could not open interface for exclusive access (error 0xe00002c5)', DeviceBusyError],
    ['open error: could not open device for exclusive access (error 0xe00002c5)', DeviceBusyError],
    // nusb src/platform/windows_winusb/device.rs and enumeration.rs
    ['open error: incompatible driver is installed for this device', UsbDriverError],
    ['claimInterface error: incompatible driver is installed for this interface', UsbDriverError],
    ['getDevices error: /sys/bus/usb/devices/ not found', DeviceNotFoundError],
    ['transferIn error: Disconnected', DisconnectedError],
    ['claimInterface error: device disconnected (errno 19)', DisconnectedError],
  ] as const)('%s → %s', (message, kind) => {
    const mapped = mapUsbError(new Error(message), 'usb://04b8:0e15', device);
    expect(mapped).toBeInstanceOf(kind);
    expect(mapped.message).toContain(message);
  });

  it('transfer outcomes: Cancelled is a timeout, Stall a stall (bulk Debug form and control Display form)', () => {
    expect(transferFailure(new Error('transferIn error: Cancelled'))).toBe('timeout');
    expect(transferFailure(new Error('transferOut error: Cancelled'))).toBe('timeout');
    expect(transferFailure(new Error('transferIn error: Stall'))).toBe('stall');
    expect(transferFailure(new Error('controlTransferIn error: endpoint stalled'))).toBe('stall');
    expect(transferFailure(new Error('transferOut error: Disconnected'))).toBe('disconnected');
    expect(transferFailure(new Error('transferIn error: Fault'))).toBe('other');
  });

  it('recognises errno 61 from detachKernelDriver', () => {
    expect(isNoKernelDriverError(new Error('detachKernelDriver error: no kernel driver attached (errno 61)'))).toBe(true);
    expect(isNoKernelDriverError(new Error('detachKernelDriver error: failed to detach kernel driver (errno 1)'))).toBe(false);
  });

  it('the spool waits for a person on DEVICE_BUSY and USB_DRIVER, and keeps retrying NOT_ACCEPTING without giving up', () => {
    expect(failureAction(new DeviceBusyError('busy'))).toEqual({ action: 'wait-for-recovery' });
    expect(failureAction(new UsbDriverError('driver'))).toEqual({ action: 'wait-for-recovery' });
    expect(failureAction(new NotAcceptingDataError())).toEqual({ action: 'backoff', countsTowardGiveUp: false });
    expect(new NotAcceptingDataError().mayHavePrinted).toBe(false);
    expect(new NotAcceptingDataError(undefined, { bytesSent: 0, bytesUncertain: 64 }).mayHavePrinted).toBe(true);
  });
});

describe('decodePortStatus (USB printer class 1.1, GET_PORT_STATUS)', () => {
  it.each([
    [0x18, { paperEmpty: false, selected: true, error: false }, 'ready'],
    [0x38, { paperEmpty: true, selected: true, error: false }, 'paper out'],
    [0x20, { paperEmpty: true, selected: false, error: true }, 'paper out, offline, error'],
    [0x10, { paperEmpty: false, selected: true, error: true }, 'error'],
    [0x08, { paperEmpty: false, selected: false, error: false }, 'offline'],
  ])('0x%s', (byte, expected, text) => {
    const status = decodePortStatus(byte);
    expect(status).toEqual({ ...expected, raw: byte });
    expect(describePortStatus(status)).toBe(text);
  });
});
