/**
 * `receipt-spool outbox`: on a till, forwards its SQLite spool's jobs and history to the fleet's
 * PostgreSQL, and hands jobs for printers homed on other hosts to them (docs/fleet.md). Runs until
 * SIGINT/SIGTERM, retrying while PostgreSQL is unreachable; `--once` forwards what is there and exits.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { isPostgresUrl } from '../../spool/postgres/connect.js';
import { CliError } from '../errors.js';
import { fleetHost, homesOf } from '../homes.js';
import { configOf, dbOption, jsonOption, storePath, withCommon } from '../options.js';
import { createOutput } from '../output.js';
import { eventLogger, untilSignal } from './worker.js';

interface OutboxCommandOptions {
  db?: string;
  config?: string;
  fleet?: string;
  host?: string;
  once?: boolean;
  json?: boolean;
}

export function registerOutbox(program: Command): void {
  withCommon(program.command('outbox'))
    .description("forward this till's spool (jobs and history) to the fleet's PostgreSQL; jobs for printers homed elsewhere print there")
    .addOption(dbOption())
    .addOption(new Option('--fleet <url>', 'the fleet\'s PostgreSQL, postgres://user@host/db (default: the config file\'s "fleet.url")').env('RECEIPT_SPOOL_FLEET'))
    .addOption(
      new Option(
        '--host <name>',
        'this till\'s name in the fleet, as printers\' "home" names it (default: $RECEIPT_SPOOL_HOST, the config file\'s "fleet.host", the machine\'s name)',
      ),
    )
    .addOption(new Option('--once', 'forward what the spool holds now, then exit (exit 1 if PostgreSQL is unreachable)'))
    .addOption(jsonOption('one JSON object per event and line: {"event", "at", ...}'))
    .addHelpText(
      'after',
      `
Printers are homed in the config file: "printers": {"kitchen": {"uri": "tcp://…", "home": "server-1"}}.
A printer without "home" is this till's own.

Example:
  $ receipt-spool outbox --db /var/lib/pos/spool.db --fleet postgres://pos@fleet.example/shop --host till-1`,
    )
    .action(async (options: OutboxCommandOptions) => {
      const config = configOf(options);
      const path = storePath(options, config);
      if (isPostgresUrl(path)) throw new CliError("outbox: --db is the till's SQLite spool file; the fleet's PostgreSQL goes in --fleet.");
      if (!existsSync(path)) throw new CliError(`no spool store at ${path}: pass --db PATH (the till's SQLite spool).`);
      const url = options.fleet ?? config?.fleet?.url;
      if (url === undefined) throw new CliError('outbox: no fleet given: pass --fleet postgres://…, set RECEIPT_SPOOL_FLEET, or "fleet": {"url": …} in the config file.');
      const host = fleetHost(options.host, config);
      const { openOutbox } = await import('../../spool/outbox/outbox.js');
      const outbox = openOutbox({ path, fleet: { url, host, homes: homesOf(config) } });
      const log = eventLogger(createOutput(), Boolean(options.json));
      outbox.on('forwarded', ({ rows, jobs, cursor, handedOver }) =>
        log(
          'forwarded',
          { rows, jobs, cursor, handedOver },
          `forwarded ${jobs} job(s), ${rows} history row(s)${handedOver.length ? `; ${handedOver.length} handed to their homes` : ''}`,
        ),
      );
      outbox.on('fleet-error', (error) => log('fleet-error', { error: error.message }, `fleet unreachable (will retry): ${error.message}`));
      outbox.on('home-conflict', ({ printers }) =>
        log('home-conflict', { printers }, `${printers.join(', ')}: homed on ${host} but leased in the fleet to another host's worker; stop that worker`),
      );
      try {
        if (options.once) {
          const report = await outbox.drain();
          log('drained', { cursor: report.cursor }, `up to date with the fleet (history row ${report.cursor})`);
          return;
        }
        outbox.start();
        log('started', { db: path, host }, `outbox of ${host}: ${path} -> fleet`);
        const signal = await untilSignal();
        log('stopping', { signal }, `${signal}: stopping the outbox`);
      } finally {
        await outbox.close();
      }
    });
}
