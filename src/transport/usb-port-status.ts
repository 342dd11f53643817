/**
 * The USB printer class's GET_PORT_STATUS request (USB Device Class Definition for Printing
 * Devices 1.1, section 4.2.2): bmRequestType 0xA1 (device-to-host, class, interface),
 * bRequest 1, wValue 0, wIndex the interface number, one byte back. It works on one-way
 * printers (no bulk IN) and while bulk OUT is refused, because it travels on the control pipe.
 */
import type { PortStatus } from './interface.js';
import type { UsbControlSetup } from './usb-device.js';

export const GET_PORT_STATUS_REQUEST = 1;

export function getPortStatusSetup(interfaceNumber: number): UsbControlSetup {
  return { requestType: 'class', recipient: 'interface', request: GET_PORT_STATUS_REQUEST, value: 0, index: interfaceNumber };
}

export function decodePortStatus(byte: number): PortStatus {
  return {
    paperEmpty: (byte & 0x20) !== 0,
    selected: (byte & 0x10) !== 0,
    error: (byte & 0x08) === 0,
    raw: byte & 0xff,
  };
}

/** A short phrase for messages, e.g. "paper out, offline". */
export function describePortStatus(status: PortStatus): string {
  const parts: string[] = [];
  if (status.paperEmpty) parts.push('paper out');
  if (!status.selected) parts.push('offline');
  if (status.error) parts.push('error');
  return parts.length === 0 ? 'ready' : parts.join(', ');
}
