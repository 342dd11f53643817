/** Commands that ask printers directly: `status` (one printer) and `printers` (what is attached). */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { PrinterIdentity, PrinterStatus } from '../../printer/types.js';
import type { PrinterHealth } from '../../spool/types.js';
import { EXIT_FAILURE, located } from '../errors.js';
import { printerLinkFactory, profileFor } from '../links.js';
import {
  chosenProfile,
  configOf,
  dbOption,
  jsonOption,
  openStore,
  printerOption,
  requirePrinter,
  storePath,
  withCommon,
  type ChosenPrinter,
  type StoreOptions,
} from '../options.js';
import { createOutput, formatAge, isoTime, paint, printTable, type Output } from '../output.js';

const CONFIRMATION_MEANING = {
  'process-id': 'printed (GS ( H process-ID replies)',
  'gs-r': 'processed (GS r replies; this model cannot say "printed")',
  none: 'sent only (the printer does not answer)',
  unknown: 'unknown',
} as const;

/** Fields shown as faults when true, with the words a person reads. */
const FAULTS: readonly [keyof PrinterStatus, string][] = [
  ['paperEnd', 'paper out'],
  ['paperNearEnd', 'paper near end'],
  ['coverOpen', 'cover open'],
  ['cutterError', 'cutter error'],
  ['recoverableError', 'recoverable error'],
  ['unrecoverableError', 'unrecoverable error'],
  ['autoRecoverableError', 'auto-recoverable error (e.g. head too hot)'],
  ['waitingForRecovery', 'waiting for recovery'],
  ['feeding', 'feeding paper'],
];

export function registerPrinterCommands(program: Command): void {
  withCommon(program.command('status'))
    .description("a printer's status, identity and confirmation mode: from the worker holding it (its live observation), else by connecting; exit 0 only when ready")
    .addOption(printerOption())
    .addOption(dbOption())
    .addOption(new Option('--direct', 'connect to the printer even when a worker holds it (a second connection; one-way links cannot answer it)'))
    .addOption(jsonOption('one JSON object: {"uri", "source", "ready", "status", "identity", "confirmation", "profile", "observedAt"}; status uses the printer layer\'s field names'))
    .addHelpText('after', '\nExit codes: 0 ready, 1 not ready or unreachable.\n\nExample:\n  $ receipt-spool status --printer tcp://192.168.1.50:9100\n  $ receipt-spool status --printer front --direct')
    .action(async (options: { printer?: string; db?: string; config?: string; direct?: boolean; json?: boolean }) => {
      const out = createOutput();
      const config = configOf(options);
      const printer = requirePrinter(options.printer, config);
      const observed = options.direct ? undefined : await workerObservation(options, printer);
      if (observed) return reportObservation(out, printer.uri, observed, Boolean(options.json));
      const { uri, target } = printer;
      const chosen = chosenProfile(undefined, printer.settings?.profile === undefined ? target : { ...target, profile: printer.settings.profile });
      const link = (await printerLinkFactory(target, { reconnect: false }))();
      try {
        await link.connect();
        const status = await link.status();
        const identity = await link.identify().catch((): PrinterIdentity => ({}));
        const profile = profileFor(identity, chosen);
        const confirmation = link.confirmation;
        const ready = status.online && FAULTS.every(([field]) => field === 'paperNearEnd' || !status[field]);
        if (!ready) process.exitCode = EXIT_FAILURE;
        if (options.json) return out.json({ uri, source: 'direct', ready, status, identity, confirmation, profile: profile.name });
        printStatus(out, { uri, status, identity, confirmation, profile: profile.name });
      } catch (error) {
        throw located(error, uri);
      } finally {
        await link.close().catch(() => {});
      }
    });

  withCommon(program.command('printers'))
    .description('list USB printers and serial ports attached to this machine, with the URI to use')
    .addOption(jsonOption('one JSON object per device and line: {"kind":"usb"|"serial", "uri", ...}; {"kind", "unavailable"} when that kind cannot be listed'))
    .addHelpText('after', '\nExample:\n  $ receipt-spool printers\n  $ receipt-spool worker --printer "$(receipt-spool printers --json | head -1 | jq -r .uri)"')
    .action(async (options: { json?: boolean }) => {
      const out = createOutput();
      // Loaded on demand: the USB and serial bindings are native modules the other commands never need.
      const { listPrinters } = await import('../../transport/discover.js');
      const found = await listPrinters();
      const usb = found.usb.map((device) => ({ kind: 'usb', id: `${hex4(device.vendorId)}:${hex4(device.productId)}`, ...device }));
      const serial = found.serial.map((port) => ({ kind: 'serial', ...port }));
      const unavailable = [
        ...(found.usbError === undefined ? [] : [{ kind: 'usb', unavailable: found.usbError }]),
        ...(found.serialError === undefined ? [] : [{ kind: 'serial', unavailable: found.serialError }]),
        ...(found.usbUnreadable === undefined ? [] : [{ kind: 'usb', unreadable: found.usbUnreadable.count, example: found.usbUnreadable.example }]),
      ];
      if (options.json) {
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
    });
}

/** The live observation of the worker serving this printer (by config name or URI), if one does. */
async function workerObservation(options: StoreOptions, printer: ChosenPrinter): Promise<PrinterHealth | undefined> {
  const path = storePath(options);
  if (!existsSync(path)) return undefined;
  const spool = openStore(options, { create: false });
  try {
    const healths = await spool.healthAll();
    return healths.find((health) => health.servedBy && (health.printer === printer.name || health.uri === printer.uri));
  } finally {
    await spool.close();
  }
}

function reportObservation(out: Output, uri: string, health: PrinterHealth, json: boolean): void {
  if (!health.ready) process.exitCode = EXIT_FAILURE;
  const identity = health.identity ?? {};
  const confirmation = health.confirmation ?? 'unknown';
  const profile = profileFor(identity, undefined).name;
  const ageMs = health.observedAt === null ? null : Date.now() - health.observedAt;
  if (json) {
    out.json({ uri, source: 'worker', printer: health.printer, worker: health.servedBy, ready: health.ready, reason: health.reason, status: health.status, identity, confirmation, profile, observedAt: isoTime(health.observedAt), ageMs });
    return;
  }
  const age = health.observedAt === null ? 'not yet observed' : `observed ${formatAge(health.observedAt, Date.now())} ago`;
  out.line(`from the worker holding ${health.printer} (${health.servedBy}), ${age}; --direct asks the printer itself`);
  if (health.status) printStatus(out, { uri, status: health.status, identity, confirmation, profile });
  else out.line(`${uri}: ${paint(out, 'red', health.reason)}`);
}

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

function printStatus(
  out: Output,
  report: { uri: string; status: PrinterStatus; identity: PrinterIdentity; confirmation: keyof typeof CONFIRMATION_MEANING; profile: string },
): void {
  const { status, identity } = report;
  const faults = FAULTS.filter(([field]) => status[field]).map(([, words]) => words);
  const state = status.online && faults.length === 0 ? paint(out, 'green', 'ready') : paint(out, 'red', status.online ? 'online' : 'offline');
  out.line(`${report.uri}: ${state}${faults.length > 0 ? ` (${faults.join(', ')})` : ''}`);
  const name = [identity.maker, identity.model].filter(Boolean).join(' ');
  out.line(`  printer       ${name || (status.online ? 'unknown' : 'unknown (an offline printer answers no identity request)')}`);
  if (identity.firmware) out.line(`  firmware      ${identity.firmware}`);
  if (identity.serial) out.line(`  serial        ${identity.serial}`);
  if (identity.language) out.line(`  language      ${identity.language}`);
  out.line(`  confirmation  ${CONFIRMATION_MEANING[report.confirmation]}`);
  out.line(`  profile       ${report.profile}`);
  out.line(`  drawer        ${status.drawerOpen ? 'open (pin 3 low)' : 'closed or none (pin 3 high)'}${status.unknown?.includes('drawerOpen') ? ' (not reported)' : ''}`);
}
