/**
 * Which Linux kernel driver holds a USB interface, read from sysfs.
 *
 * `/sys/bus/usb/devices/<bus>-<port.port…>:<config>.<interface>/driver` is a symlink to the
 * bound driver (`…/drivers/usblp`, `…/drivers/usbfs` when a program claimed it through
 * libusb/nusb, absent when nothing is bound). libusb refuses to detach a `usbfs` claim
 * (its `op_detach_kernel_driver` asks USBDEVFS_GETDRIVER first); nusb's `detach_kernel_driver`
 * does not check, so without this we would take the printer from another program mid-job.
 */
import { readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { UsbDeviceLike } from './usb-device.js';

/** `null`: nothing bound; `undefined`: unknown (no sysfs, not Linux, no bus/port data). */
export type KernelDriverLookup = (device: UsbDeviceLike, configurationValue: number, interfaceNumber: number) => Promise<string | null | undefined>;

/** The sysfs name of an interface, e.g. bus "001", ports [1, 4], config 1, interface 0 → `1-1.4:1.0`. */
export function sysfsInterfaceName(device: Pick<UsbDeviceLike, 'bus' | 'ports'>, configurationValue: number, interfaceNumber: number): string | undefined {
  const bus = Number.parseInt(device.bus ?? '', 10);
  const ports = device.ports ?? [];
  if (!Number.isInteger(bus) || ports.length === 0) return undefined;
  return `${bus}-${ports.join('.')}:${configurationValue}.${interfaceNumber}`;
}

export function sysfsKernelDriver(root = '/sys/bus/usb/devices'): KernelDriverLookup {
  return async (device, configurationValue, interfaceNumber) => {
    const name = sysfsInterfaceName(device, configurationValue, interfaceNumber);
    if (name === undefined) return undefined;
    try {
      return basename(await readlink(join(root, name, 'driver')));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return undefined;
      // No driver link: nothing bound, provided the interface itself is there.
      try {
        await readlink(join(root, name));
        return null;
      } catch (interfaceError) {
        return (interfaceError as NodeJS.ErrnoException).code === 'EINVAL' ? null : undefined;
      }
    }
  };
}

/** The driver receipt-spool may detach: the kernel's own printer driver, which gives `/dev/usb/lp*`. */
export const DETACHABLE_KERNEL_DRIVER = 'usblp';
