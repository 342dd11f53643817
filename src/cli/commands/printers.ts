/** `printers`: USB printers and serial ports attached to this machine, with the URI to use. */
import type { Command } from 'commander';
import type { PrinterList } from '../../transport/discover.js';
import { defineCommand } from '../command.js';
import { jsonOption, withCommon } from '../options.js';
import { printTable } from '../output.js';

export const printers = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('printers'))
      .description('list USB printers and serial ports attached to this machine, with the URI to use')
      .addOption(jsonOption('one JSON object per device and line: {"kind":"usb"|"serial", "uri", ...}; {"kind", "unavailable"} when that kind cannot be listed'))
      .addHelpText('after', '\nExample:\n  $ receipt-spool printers\n  $ receipt-spool worker --printer "$(receipt-spool printers --json | head -1 | jq -r .uri)"'),

  async run(): Promise<PrinterList> {
    // Loaded here: the USB and serial bindings are native modules the other commands never need.
    const { listPrinters } = await import('../../transport/discover.js');
    return listPrinters();
  },

  format(found, out, options: { json?: boolean }) {
    const usb = found.usb.map((device) => ({ kind: 'usb', id: `${hex4(device.vendorId)}:${hex4(device.productId)}`, ...device }));
    const serial = found.serial.map((port) => ({ kind: 'serial', ...port }));
    if (options.json) {
      const unavailable = [
        ...(found.usbError === undefined ? [] : [{ kind: 'usb', unavailable: found.usbError }]),
        ...(found.serialError === undefined ? [] : [{ kind: 'serial', unavailable: found.serialError }]),
        ...(found.usbUnreadable === undefined ? [] : [{ kind: 'usb', unreadable: found.usbUnreadable.count, example: found.usbUnreadable.example }]),
      ];
      for (const entry of [...usb, ...serial, ...unavailable]) out.json(entry);
      return;
    }
    if (found.usbError !== undefined) out.line(`USB: ${found.usbError}; USB printers cannot be listed or used here.`);
    if (found.serialError !== undefined) out.line(`serial: ports cannot be listed (${found.serialError}).`);
    if (found.usbUnreadable !== undefined) {
      out.line(
        `USB: skipped ${found.usbUnreadable.count} device(s) this user cannot read (${found.usbUnreadable.example}); ` +
          'if the printer is one of them, add a udev rule (README, "USB on Linux, macOS and Windows").',
      );
    }
    if (usb.length + serial.length === 0) {
      out.line('no USB printers or serial ports found');
      return;
    }
    printTable(
      out,
      ['KIND', 'URI', 'DEVICE', 'MAKER', 'PRODUCT', 'SERIAL'],
      [
        ...usb.map((device) => ['usb', device.uri, device.id, device.manufacturer ?? '', device.product ?? '', device.serialNumber ?? '']),
        ...serial.map((port) => ['serial', port.uri, port.path, port.manufacturer ?? '', '', '']),
      ],
    );
  },
});

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}
