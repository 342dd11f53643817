/**
 * `status`: a printer's status, identity and confirmation mode — from the worker holding it (its
 * live observation in the store), else by connecting; exit 0 only when ready.
 */
import { Option, type Command } from 'commander';
import type { ConfirmationMode, PrinterIdentity, PrinterStatus } from '../../printer/types.js';
import type { PrinterHealth } from '../../spool/types.js';
import { defineCommand } from '../command.js';
import { EXIT_FAILURE, EXIT_OK } from '../errors.js';
import { dbOption, jsonOption, printerOption, withCommon, type StoreOptions } from '../options.js';
import { formatAge, isoTime, paint, type Output } from '../output.js';

interface StatusOptions extends StoreOptions {
  printer?: string;
  direct?: boolean;
  json?: boolean;
}

/** What the printer said when asked directly. */
export interface DirectStatus {
  source: 'direct';
  uri: string;
  ready: boolean;
  status: PrinterStatus;
  identity: PrinterIdentity;
  confirmation: ConfirmationMode | 'unknown';
  profile: string;
}

/** What the worker serving the printer last observed, and the profile its model means. */
export interface ObservedStatus {
  source: 'worker';
  uri: string;
  health: PrinterHealth;
  profile: string;
  now: number;
}

const CONFIRMATION_MEANING = {
  'process-id': 'printed (GS ( H process-ID replies)',
  'gs-r': 'processed (GS r replies; this model cannot say "printed")',
  none: 'sent only (the printer does not answer)',
  unknown: 'unknown',
} as const satisfies Record<ConfirmationMode | 'unknown', string>;

export const status = defineCommand({
  define: (program: Command) =>
    withCommon(program.command('status'))
      .description("a printer's status, identity and confirmation mode: from the worker holding it (its live observation), else by connecting; exit 0 only when ready")
      .addOption(printerOption())
      .addOption(dbOption())
      .addOption(new Option('--direct', 'connect to the printer even when a worker holds it (a second connection; one-way links cannot answer it)'))
      .addOption(
        jsonOption('one JSON object: {"uri", "source", "ready", "status", "identity", "confirmation", "profile", "observedAt"}; status uses the printer layer\'s field names'),
      )
      .addHelpText(
        'after',
        '\nExit codes: 0 ready, 1 not ready or unreachable.\n\nExample:\n  $ receipt-spool status --printer tcp://192.168.1.50:9100\n  $ receipt-spool status --printer front --direct',
      ),

  async run(_args: [], options: StatusOptions): Promise<DirectStatus | ObservedStatus> {
    const { askPrinterStatus } = await import('../printer-status.js');
    return askPrinterStatus(options);
  },

  format(report, out, options) {
    if (report.source === 'worker') return formatObservation(out, report, Boolean(options.json));
    const { uri, ready, status, identity, confirmation, profile } = report;
    if (options.json) return out.json({ uri, source: 'direct', ready, status, identity, confirmation, profile });
    printStatus(out, report);
  },

  exitCode: (report) => ((report.source === 'worker' ? report.health.ready : report.ready) ? EXIT_OK : EXIT_FAILURE),
});

function formatObservation(out: Output, report: ObservedStatus, json: boolean): void {
  const { uri, health, profile, now } = report;
  const identity = health.identity ?? {};
  const confirmation = health.confirmation ?? 'unknown';
  if (json) {
    const ageMs = health.observedAt === null ? null : now - health.observedAt;
    const { printer, servedBy: worker, ready, reason, status, observedAt } = health;
    out.json({ uri, source: 'worker', printer, worker, ready, reason, status, identity, confirmation, profile, observedAt: isoTime(observedAt), ageMs });
    return;
  }
  const age = health.observedAt === null ? 'not yet observed' : `observed ${formatAge(health.observedAt, now)} ago`;
  out.line(`from the worker holding ${health.printer} (${health.servedBy}), ${age}; --direct asks the printer itself`);
  if (health.status) printStatus(out, { uri, status: health.status, identity, confirmation, profile });
  else out.line(`${uri}: ${paint(out, 'red', health.reason)}`);
}

/** Fields shown as faults when true, with the words a person reads. */
export const FAULTS: readonly [keyof PrinterStatus, string][] = [
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
